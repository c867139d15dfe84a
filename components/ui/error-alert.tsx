import { TRPCClientError } from '@trpc/client';
import Link from 'next/link';
import type { TErrorData } from '@/server/contracts/refusals';

function isUnauthorized(error: unknown): boolean {
  return error instanceof TRPCClientError && (error.data as { code?: string } | undefined)?.code === 'UNAUTHORIZED';
}

/** The "field: rule" lines of a refused input, as the server listed them (tRPC's input schema, or the input floor). */
function inputIssues(error: unknown): readonly unknown[] | null {
  if (!(error instanceof TRPCClientError)) return null;
  const data = error.data as Partial<TErrorData> | undefined;
  const issues = data?.zodIssues ?? data?.details?.issues;
  return Array.isArray(issues) ? issues : null;
}

/** The server's own message (4xx messages are written for people; 5xx ones are already generic). */
export function errorMessage(error: unknown): string {
  if (!(error instanceof Error) || !error.message) return 'Something went wrong. Try again.';
  const message = error.message;
  // A message that is just the refused fields names each exactly as the API spells it: left as it is.
  if (inputIssues(error)?.join('; ') === message) return message;
  return message.charAt(0).toUpperCase() + message.slice(1);
}

export function ErrorAlert({ error, testId }: { error: unknown; testId?: string }) {
  if (!error) return null;
  return (
    <div className="alert alert-error" role="alert" data-testid={testId ?? 'error'}>
      {isUnauthorized(error) ? (
        <>
          Your session has ended. <Link href="/signin">Sign in again</Link>.
        </>
      ) : (
        errorMessage(error)
      )}
    </div>
  );
}
