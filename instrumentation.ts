// Next calls register() once per server process: the control plane's background jobs start here.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startBackgroundJobs } = await import('./server/jobs/start-background-jobs');
  const stop = startBackgroundJobs();
  // Next exits on these signals after closing its server; stopping here ends the timers at once
  // and lets a run in flight record itself while the process lives (a run cut short by the exit
  // leaves a lease that expires, see job-claims.ts).
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      // Without Next's own handler (NEXT_MANUAL_SIG_HANDLE) the signal would end nothing: end the process as the signal would.
      void stop().finally(() => {
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
    });
  }
}
