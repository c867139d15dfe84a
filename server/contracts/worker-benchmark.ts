import { z } from 'zod';

/**
 * The promotion gate's latency evidence: the control plane asks a worker to measure a version at
 * its configured batch size (POST /admin/benchmark on the worker, worker token) and stores the report.
 */

export const ZBenchmarkRequest = z.object({
  model: z.string().min(1),
  version: z.number().int().positive(),
  batch_size: z.number().int().positive().max(4096).optional(),
  iterations: z.number().int().positive().max(100_000).default(200),
});
export type TBenchmarkRequest = z.infer<typeof ZBenchmarkRequest>;

export const ZBenchmarkReport = z.object({
  model: z.string(),
  version: z.number().int(),
  batch_size: z.number().int(),
  iterations: z.number().int(),
  p50_ms: z.number(),
  p99_ms: z.number(),
  throughput_rows_per_s: z.number(),
  hardware: z.object({
    cpu: z.string(),
    cores: z.number().int(),
    execution_provider: z.enum(['cpu', 'cuda']),
    intra_op_threads: z.number().int(),
  }),
  measured_at: z.string(),
});
export type TBenchmarkReport = z.infer<typeof ZBenchmarkReport>;
