// Next calls register() once per server process: the control plane's background jobs start here.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startBackgroundJobs } = await import('./server/jobs/start-background-jobs');
  startBackgroundJobs();
}
