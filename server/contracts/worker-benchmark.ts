import { z } from 'zod';
import { ZBenchmarkReport as ZRegistryBenchmarkReport } from './model-registry';

/**
 * The promotion gate's latency evidence, measured on request. The control plane lists pending
 * requests in the desired state (`benchmarks`); a worker serving the model measures the version at
 * the requested batch size and posts ONE report shape, the registry's, to
 * POST /api/v1/models/{name}/versions/{version}/benchmarks (scope worker:report).
 */

export const ZBenchmarkRequest = z.object({
  /** Identifies the request: a worker runs each id at most once. */
  id: z.string().min(1),
  model: z.string().min(1),
  version: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** The worker's configured max batch size when absent. */
  batch_size: z.number().int().positive().max(4096).optional(),
  iterations: z.number().int().positive().max(100_000).default(200),
});
export type TBenchmarkRequest = z.infer<typeof ZBenchmarkRequest>;

/** What the worker posts: the registry's benchmark evidence (hardware, batchSize, p50Ms, p99Ms, throughput). */
export const ZBenchmarkReport = ZRegistryBenchmarkReport;
export type TBenchmarkReport = z.infer<typeof ZBenchmarkReport>;
