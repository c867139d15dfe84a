import { hostname } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ZModelRef } from '../server/contracts/worker-model';

/** The worker's environment, validated once at start; every knob of issue 5 lives here. */

const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);

const ZWorkerEnv = z.object({
  BALLAST_CONTROL_PLANE_URL: z.url().default('http://localhost:3000'),
  BALLAST_WORKER_TOKEN: z.string().min(1).optional(),
  BALLAST_WORKER_ID: z.string().min(1).default(`${hostname()}-${process.pid}`),
  BALLAST_WORKER_HOST: z.string().default('0.0.0.0'),
  BALLAST_WORKER_PORT: int(8080),
  BALLAST_WORKER_MODELS: z
    .string()
    .min(1, 'list the models to serve, e.g. churn@production,fraud@canary')
    .transform((s) => s.split(',').map((r) => r.trim()).filter(Boolean))
    .pipe(z.array(ZModelRef).min(1)),
  BALLAST_WORKER_BATCH_WINDOW_MS: int(10),
  BALLAST_WORKER_MAX_BATCH_SIZE: int(32, 1),
  BALLAST_WORKER_QUEUE_LIMIT: int(2048, 1),
  BALLAST_WORKER_REQUEST_DEADLINE_MS: int(1000, 1),
  BALLAST_WORKER_MAX_ROWS_PER_REQUEST: int(1024, 1),
  BALLAST_WORKER_MAX_BODY_BYTES: int(1 << 20, 1024),
  BALLAST_WORKER_THREADS: int(1, 1),
  BALLAST_WORKER_EXECUTION_PROVIDER: z.enum(['cpu', 'cuda', 'auto']).default('auto'),
  /** See bench/worker.ts for which wins where; in-process is the simpler default on small models. */
  BALLAST_WORKER_INFERENCE: z.enum(['thread', 'in-process']).default('in-process'),
  BALLAST_WORKER_SLOW_MS: int(100, 1),
  BALLAST_WORKER_POLL_INTERVAL_MS: int(2000, 100),
  BALLAST_WORKER_REPORT_INTERVAL_MS: int(10_000, 100),
  BALLAST_WORKER_LOG_FLUSH_MS: int(1000, 10),
  /** Whole request (headers and body) deadline: a stalled body gets 408 after this. */
  BALLAST_WORKER_REQUEST_TIMEOUT_MS: int(30_000, 100),
  BALLAST_WORKER_HEADERS_TIMEOUT_MS: int(10_000, 100),
  /** How long a prediction may wait, its body unread, for queue room before a 429 (default: the request deadline). */
  BALLAST_WORKER_ADMISSION_WAIT_MS: z.coerce.number().int().min(0).optional(),
  /** After SIGTERM: seconds of readiness false while still answering everything, before draining and exit. */
  BALLAST_WORKER_DRAIN_S: z.coerce.number().min(0).max(600).default(5),
  /** The prediction-log spool's cap: at it, new records are dropped (counted, reason spool_full) and stored ones kept. */
  BALLAST_WORKER_SPOOL_MAX_BYTES: int(2 * 1024 ** 3, 1 << 20),
  BALLAST_WORKER_DATA_DIR: z.string().default(path.join('.ballast', 'worker')),
});
export type TWorkerEnv = z.infer<typeof ZWorkerEnv>;

export function workerEnv(env: NodeJS.ProcessEnv = process.env): TWorkerEnv {
  const parsed = ZWorkerEnv.safeParse(env);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  throw new Error(`invalid worker environment:\n${lines.join('\n')}`);
}
