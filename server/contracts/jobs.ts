import { z } from 'zod';

/** A background job as job_runs records it (the admin "Jobs" page, `jobs.list`). */
export const ZJobRunView = z.object({
  name: z.string(),
  everyMs: z.number().int(),
  /** A run is in flight (its lease has not expired). */
  running: z.boolean(),
  runningBy: z.string().nullable(),
  intervalStart: z.date().nullable(),
  lastRunner: z.string().nullable(),
  lastStartedAt: z.date().nullable(),
  lastFinishedAt: z.date().nullable(),
  lastDurationMs: z.number().int().nullable(),
  lastError: z.string().nullable(),
  lastSuccessAt: z.date().nullable(),
  runs: z.number().int(),
  failures: z.number().int(),
});
export type TJobRunView = z.infer<typeof ZJobRunView>;
