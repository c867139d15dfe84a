import { TRPCClientError } from '@trpc/client';
import Link from 'next/link';

function isUnauthorized(error: unknown): boolean {
  return error instanceof TRPCClientError && (error.data as { code?: string } | undefined)?.code === 'UNAUTHORIZED';
}

/** The server's own message (4xx messages are written for people; 5xx ones are already generic). */
export function errorMessage(error: unknown): string {
  if (!(error instanceof Error) || !error.message) return 'Something went wrong. Try again.';
  const message = error.message;
  // "field: rule" lines name a field exactly as the API spells it; leave those as they are.
  return /^[\w.]+:/.test(message) ? message : message.charAt(0).toUpperCase() + message.slice(1);
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
