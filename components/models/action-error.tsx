import { ErrorAlert, errorMessage } from '../ui/error-alert';

const GATE_SPLIT = /;\s(?=(?:complete|validation|benchmark|approval):\s)/;

/**
 * An action's error where the action is: a 409 for unmet gates is shown as the list of gates with
 * the reason each failed; anything else (a 403 on four-eyes, a stale request) as the server wrote it.
 */
export function ActionError({ error }: { error: unknown }) {
  if (!error) return null;
  const message = errorMessage(error);
  const at = message.indexOf('unmet gates: ');
  if (at < 0) return <ErrorAlert error={error} testId="action-error" />;
  const head = message.slice(0, at).replace(/[;:,\s]+$/, '');
  const gates = message
    .slice(at + 'unmet gates: '.length)
    .split(GATE_SPLIT)
    .map((item) => {
      const colon = item.indexOf(': ');
      return colon < 0 ? { gate: '', reason: item } : { gate: item.slice(0, colon), reason: item.slice(colon + 2) };
    });
  return (
    <div className="alert alert-error" role="alert" data-testid="action-error">
      <div>{head}. Unmet gates:</div>
      <ul className="unmet-list">
        {gates.map((g, i) => (
          <li key={i} data-testid="unmet-gate" data-gate={g.gate}>
            {g.gate ? <strong>{g.gate}</strong> : null}
            {g.gate ? ': ' : ''}
            {g.reason}
          </li>
        ))}
      </ul>
    </div>
  );
}
