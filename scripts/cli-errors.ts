// Command-line scripts end with one line that says what went wrong, never a stack trace
// (set BALLAST_DEBUG=1 for the trace).
export function exitWithError(err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`error: ${message.split('\n')[0]}`);
  if (process.env.BALLAST_DEBUG) console.error(err);
  process.exit(1);
}
