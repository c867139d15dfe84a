import type { ChildProcess } from 'node:child_process';

/** SIGTERM, then wait (at most `graceMs`) for the process to exit; at once when it already has, by code or by signal. */
export async function stopChild(child: ChildProcess | null | undefined, graceMs = 10_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
}
