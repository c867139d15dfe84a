import { cpus } from 'node:os';
import type { TBenchmarkReport, TBenchmarkRequest } from '../server/contracts/worker-benchmark';
import type { LoadedModel } from './inference-host';
import { verifyDigest, type FetchFn, type ModelSource } from './model-source';
import type { Worker } from './worker';

/*
 * Latency benchmarks on request (the production gate's evidence). The control plane lists pending
 * requests in the desired state; the worker measures each once, at the requested batch size (its
 * configured max batch size by default), with the session it serves (or a temporary one for a
 * version it does not serve), and posts the registry's report shape.
 */

export interface TLatencyFigures {
  p50Ms: number;
  p99Ms: number;
  throughput: number;
}

/** Nearest-rank percentile of sorted samples. */
const percentile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;

export async function measureLatency(model: LoadedModel, batchSize: number, iterations: number): Promise<TLatencyFigures> {
  const data = Float32Array.from({ length: batchSize * model.signature.inputWidth }, (_, i) => ((i * 7919) % 200) / 100 - 1);
  for (let i = 0; i < 3; i++) await model.run(data, batchSize);
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    await model.run(data, batchSize);
    samples.push(performance.now() - t);
  }
  const totalS = (performance.now() - started) / 1000;
  samples.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { p50Ms: round(percentile(samples, 0.5)), p99Ms: round(percentile(samples, 0.99)), throughput: round((batchSize * iterations) / totalS) };
}

export interface BenchmarkRunnerOptions {
  worker: Worker;
  source: ModelSource;
  baseUrl: string;
  token: string | undefined;
  maxBatchSize: number;
  intraOpThreads: number;
  log: (line: string) => void;
  fetchFn?: FetchFn;
}

/** Runs each offered request once, one at a time, and reports it to the registry. */
export class BenchmarkRunner {
  private readonly seen = new Set<string>();
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly o: BenchmarkRunnerOptions) {}

  offer(requests: readonly TBenchmarkRequest[]): Promise<void> {
    for (const r of requests) {
      if (this.seen.has(r.id)) continue;
      this.seen.add(r.id);
      this.chain = this.chain.then(() => this.run(r)).catch((err) => this.o.log(`benchmark of ${r.model} v${r.version} failed: ${(err as Error).message}`));
    }
    return this.chain;
  }

  private async run(r: TBenchmarkRequest): Promise<void> {
    const batchSize = r.batch_size ?? this.o.maxBatchSize;
    const served = this.o.worker.registry.entry(r.model, r.version);
    let model = served?.state === 'ready' && served.sha256 === r.sha256 ? served.loaded : null;
    let temporary: LoadedModel | null = null;
    if (!model) {
      const bytes = await this.o.source.fetch({ model: r.model, version: r.version, sha256: r.sha256 });
      verifyDigest(bytes, r);
      model = temporary = await this.o.worker.host.load(bytes);
    }
    try {
      const figures = await measureLatency(model, batchSize, r.iterations);
      const cpu = cpus();
      const report: TBenchmarkReport = {
        hardware: `${model.provider} ${cpu[0]?.model.trim() ?? 'unknown cpu'} x${cpu.length}, ${this.o.intraOpThreads} intra-op thread(s)`.slice(0, 500),
        batchSize,
        ...figures,
      };
      const url = new URL(`/api/v1/models/${encodeURIComponent(r.model)}/versions/${r.version}/benchmarks`, this.o.baseUrl);
      const res = await (this.o.fetchFn ?? fetch)(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.o.token ? { authorization: `Bearer ${this.o.token}` } : {}) },
        body: JSON.stringify(report),
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) throw new Error(`the registry refused the report: HTTP ${res.status}`);
      this.o.log(`benchmarked ${r.model} v${r.version} at batch ${batchSize}: p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms, ${Math.round(figures.throughput)} rows/s`);
    } finally {
      await temporary?.dispose().catch(() => undefined);
    }
  }
}
