import { TRPCClientError } from '@trpc/client';
import { refusalOf } from '@/server/contracts/refusals';
import { ErrorAlert } from '../ui/error-alert';

/**
 * An action's error where the action is: a refusal for unmet gates (GATES_UNMET) is shown as the
 * list of gates with the reason each failed, read from the refusal's details; anything else (a
 * four-eyes refusal, a stale request) as the server wrote it.
 */
export function ActionError({ error, testId = 'action-error' }: { error: unknown; testId?: string }) {
  if (!error) return null;
  const gates = error instanceof TRPCClientError ? refusalOf(error.data, 'GATES_UNMET') : null;
  if (!gates?.unmet?.length) return <ErrorAlert error={error} testId={testId} />;
  return (
    <div className="alert alert-error" role="alert" data-testid={testId} data-code="GATES_UNMET">
      <div>
        Version {gates.version} of {gates.model} cannot go to {gates.to} yet. Unmet gates:
      </div>
      <ul className="unmet-list">
        {gates.unmet.map((g) => (
          <li key={g.gate} data-testid="unmet-gate" data-gate={g.gate}>
            <strong>{g.gate}</strong>: {g.reason}
          </li>
        ))}
      </ul>
    </div>
  );
}
