// npm run jobs:run -- <job> [--force]: runs one background job once, as a control-plane replica
// would (claimed in job_runs, its duration and error recorded), and prints how it went. Without
// --force a job that already ran in its current interval is left alone; a run in flight on a
// replica always is. The jobs: archive-stale-versions, deliver-webhooks, evaluate-deployments, compute-drift.
import { parseArgs } from 'node:util';
import { createDb } from '../server/db/client';
import { openDatabase } from '../server/db/open-database';
import { CONTROL_PLANE_JOBS } from '../server/jobs/control-plane-jobs';
import { createJobRunner } from '../server/jobs/job-runner';
import { exitWithError } from './cli-errors';

try {
  const { values, positionals } = parseArgs({ options: { force: { type: 'boolean', default: false } }, allowPositionals: true });
  const names = CONTROL_PLANE_JOBS.map((j) => j.name);
  const [name] = positionals;
  if (positionals.length !== 1 || !names.includes(name!)) throw new Error(`usage: npm run jobs:run -- <job> [--force]  (job: one of ${names.join(', ')})`);
  const database = await openDatabase();
  const db = createDb(database.url, 1);
  try {
    const runner = createJobRunner({ jobs: CONTROL_PLANE_JOBS, db, id: `cli:${process.pid}`, log: () => {}, logError: (_job, err) => {
        if (process.env.BALLAST_DEBUG) console.error(err);
      },
    });
    const [outcome] = await runner.tick([name!], { force: values.force });
    if (outcome!.outcome === 'claim-failed') throw new Error(`could not claim ${name}: ${outcome!.error}`);
    if (outcome!.outcome === 'skipped') {
      console.log(outcome!.reason === 'done' ? `${name} already ran in this interval (--force runs it again)` : `${name} is running on another replica`);
    } else {
      if (outcome!.error) throw new Error(`${name} failed after ${outcome!.durationMs} ms: ${outcome!.error}`);
      console.log(`${name} ran in ${outcome!.durationMs} ms${outcome!.summary ? `: ${outcome!.summary}` : ''}`);
    }
  } finally {
    await db.$disconnect();
    await database.close();
  }
} catch (err) {
  exitWithError(err);
}
