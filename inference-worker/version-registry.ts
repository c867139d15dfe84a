import type { TDesiredModel, TDesiredVersion, TTrafficVariant } from '../server/contracts/worker-desired-state';
import type { TVersionState } from '../server/contracts/worker-model';
import { DomainError } from '../server/domain/errors';
import { goldenMismatch } from './model-output';
import { routeKey } from '../server/domain/traffic-split';
import { BatchQueue, type QueuePolicy } from './batch-queue';
import type { InferenceHost, LoadedModel } from './inference-host';
import { verifyDigest, type ModelSource } from './model-source';
import type { WorkerMetrics } from './worker-metrics';

/*
 * Blue-green inside one worker. Versions are loaded and checked beside the serving ones; traffic moves
 * by replacing a model's route object in one assignment, so every request sees either the old split
 * or the new one, never a mix. The previous route's versions stay loaded: rollback is the same
 * assignment with no load in between. A version that fails its check is never put in a route.
 */

export interface ServingSignature {
  inputName: string;
  outputName: string;
  width: number;
  outputWidth: number;
  features?: string[];
  labels?: string[];
  allowNonFinite: boolean;
  inputs: LoadedModel['signature']['inputs'];
  outputs: LoadedModel['signature']['outputs'];
}

export interface VersionEntry {
  model: string;
  version: number;
  sha256: string;
  state: TVersionState;
  failure: string | null;
  signature: ServingSignature | null;
  loaded: LoadedModel | null;
  queue: BatchQueue | null;
  lastServedAt: number | null;
}

export interface RouteChoice {
  entry: VersionEntry;
  weight: number;
  variant: TTrafficVariant;
}

interface ModelRoute {
  choices: RouteChoice[];
  /** One version at 100%: no hashing needed on the hot path. */
  single: RouteChoice | null;
}

export interface RegistryDeps {
  host: InferenceHost;
  source: ModelSource;
  policy: QueuePolicy;
  metrics: WorkerMetrics;
  log: (line: string) => void;
  /** Called when rows leave a queue: the admission gate may let a waiting request in. */
  onQueueRoom?: () => void;
}

export class VersionRegistry {
  private entries = new Map<string, VersionEntry>();
  private routes = new Map<string, ModelRoute>();
  private previous = new Map<string, ModelRoute>();
  private applying = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: RegistryDeps) {}

  all(): VersionEntry[] {
    return [...this.entries.values()];
  }

  models(): string[] {
    return [...new Set(this.all().map((e) => e.model))];
  }

  /** The serving split of a model, for /health and reports. */
  routeOf(model: string): RouteChoice[] {
    return this.routes.get(model)?.choices ?? [];
  }

  entry(model: string, version: number): VersionEntry | undefined {
    return this.entries.get(`${model}@${version}`);
  }

  /** Serialised per model: a second desired state waits for the first to finish loading. */
  apply(desired: TDesiredModel): Promise<{ switched: boolean; failures: string[] }> {
    const before = this.applying.get(desired.name) ?? Promise.resolve();
    const next = before.then(() => this.applyNow(desired));
    this.applying.set(
      desired.name,
      next.catch(() => undefined),
    );
    return next;
  }

  private async applyNow(desired: TDesiredModel): Promise<{ switched: boolean; failures: string[] }> {
    const failures: string[] = [];
    for (const v of desired.versions) {
      const entry = await this.ensureLoaded(desired.name, v);
      if (entry.state !== 'ready') failures.push(`${desired.name} v${v.version}: ${entry.failure ?? entry.state}`);
    }
    if (failures.length) {
      this.deps.log(`blue-green: ${desired.name} keeps its current route; check failed: ${failures.join('; ')}`);
      return { switched: false, failures };
    }
    const choices = desired.versions.map((v) => ({ entry: this.entries.get(`${desired.name}@${v.version}`)!, weight: v.weight, variant: v.variant }));
    const old = this.routes.get(desired.name);
    const sameSplit = old && old.choices.length === choices.length && old.choices.every((c, i) => c.entry === choices[i]!.entry && c.weight === choices[i]!.weight && c.variant === choices[i]!.variant);
    if (sameSplit) return { switched: false, failures };
    const full = choices.filter((c) => c.weight > 0);
    this.routes.set(desired.name, { choices, single: full.length === 1 ? full[0]! : null }); // the switch
    if (old) this.previous.set(desired.name, old);
    this.deps.log(`blue-green: ${desired.name} now serves ${choices.map((c) => `v${c.entry.version} ${c.variant} ${c.weight / 100}%`).join(', ')}`);
    void this.retire(desired.name);
    return { switched: true, failures };
  }

  private async ensureLoaded(model: string, v: TDesiredVersion): Promise<VersionEntry> {
    const key = `${model}@${v.version}`;
    const existing = this.entries.get(key);
    // A failed version stays failed for its digest: only a new artifact gets another check.
    if (existing && existing.sha256 === v.sha256 && existing.state !== 'loading') {
      if (existing.state === 'draining' && existing.loaded) existing.state = 'ready';
      return existing;
    }
    const entry: VersionEntry = { model, version: v.version, sha256: v.sha256, state: 'loading', failure: null, signature: null, loaded: null, queue: null, lastServedAt: null };
    this.entries.set(key, entry);
    try {
      const bytes = await this.deps.source.fetch({ model, version: v.version, sha256: v.sha256 });
      verifyDigest(bytes, { model, version: v.version, sha256: v.sha256 });
      entry.loaded = await this.deps.host.load(bytes);
      entry.signature = this.servingSignature(entry.loaded, v);
      await this.check(entry.loaded, v);
      entry.queue = this.makeQueue(entry, entry.loaded);
      entry.state = 'ready';
      this.deps.log(`loaded ${model} v${v.version} (${entry.loaded.provider}, sha256 ${v.sha256.slice(0, 12)}…), warm-up and ${v.golden.length} golden example(s) passed`);
    } catch (err) {
      entry.state = 'failed';
      entry.failure = (err as Error).message;
      await entry.loaded?.dispose().catch(() => undefined);
      entry.loaded = null;
      this.deps.log(`failed to load ${model} v${v.version}: ${entry.failure}`);
    }
    return entry;
  }

  private servingSignature(loaded: LoadedModel, v: TDesiredVersion): ServingSignature {
    const s = loaded.signature;
    const features = v.signature?.features;
    if (features && features.length !== s.inputWidth) throw new Error(`the registry lists ${features.length} features but the model takes ${s.inputWidth}`);
    const labels = v.signature?.labels;
    if (labels && labels.length !== s.outputWidth) throw new Error(`the registry lists ${labels.length} labels but the model outputs ${s.outputWidth}`);
    return {
      inputName: s.inputName,
      outputName: s.outputName,
      width: s.inputWidth,
      outputWidth: s.outputWidth,
      features,
      labels,
      allowNonFinite: v.signature?.allow_non_finite ?? false,
      inputs: s.inputs,
      outputs: s.outputs,
    };
  }

  /** Warm-up at the max batch size (allocates the arena once, before traffic) plus golden examples. */
  private async check(loaded: LoadedModel, v: TDesiredVersion): Promise<void> {
    const { inputWidth, outputWidth } = loaded.signature;
    const max = this.deps.policy.maxBatchSize;
    for (let i = 0; i < 2; i++) {
      const out = await loaded.run(new Float32Array(max * inputWidth), max);
      if (out.length !== max * outputWidth) throw new Error(`warm-up returned ${out.length} values, expected ${max * outputWidth}`);
      if (out.some((x) => !Number.isFinite(x))) throw new Error('warm-up produced non-finite outputs');
    }
    if (!v.golden.length) return;
    const data = new Float32Array(v.golden.length * inputWidth);
    v.golden.forEach((g, i) => {
      if (g.input.length !== inputWidth) throw new Error(`golden example ${i} has ${g.input.length} inputs, the model takes ${inputWidth}`);
      data.set(g.input, i * inputWidth);
    });
    const out = await loaded.run(data, v.golden.length);
    const mismatch = goldenMismatch(
      v.golden,
      v.golden.map((_, i) => out.subarray(i * outputWidth, (i + 1) * outputWidth)),
    );
    if (mismatch) throw new Error(mismatch);
  }

  private makeQueue(entry: VersionEntry, loaded: LoadedModel): BatchQueue {
    const labels = [entry.model, String(entry.version)];
    const m = this.deps.metrics;
    return new BatchQueue(
      { inputWidth: loaded.signature.inputWidth, outputWidth: loaded.signature.outputWidth, run: (d, r) => loaded.run(d, r) },
      this.deps.policy,
      {
        onBatch: (rows, reason, waits, runMs) => {
          m.batches.inc([...labels, reason]);
          m.batchRows.observe(labels, rows);
          m.inference.observe(labels, runMs / 1000);
          for (const w of waits) m.queueWait.observe(labels, w / 1000);
        },
        onRoom: () => this.deps.onQueueRoom?.(),
      },
    );
  }

  /** Unloads versions in neither the current nor the previous route, after their queues empty. */
  private async retire(model: string): Promise<void> {
    const keep = new Set<VersionEntry>([...(this.routes.get(model)?.choices ?? []), ...(this.previous.get(model)?.choices ?? [])].map((c) => c.entry));
    for (const e of this.all()) {
      if (e.model !== model || keep.has(e) || e.state === 'loading') continue;
      if (e.state === 'failed') {
        this.entries.delete(`${e.model}@${e.version}`);
        continue;
      }
      e.state = 'draining';
      await e.queue?.idle();
      if (e.state !== 'draining') continue; // wanted again while draining
      await e.loaded?.dispose().catch(() => undefined);
      this.entries.delete(`${e.model}@${e.version}`);
      this.deps.log(`unloaded ${model} v${e.version}`);
    }
  }

  /** Picks the version for a request: pinned, else by the traffic split of the routing key. */
  route(model: string, routingKey: string, pinned?: number): RouteChoice {
    const r = this.routes.get(model);
    if (pinned !== undefined) {
      const e = this.entries.get(`${model}@${pinned}`);
      if (!e || e.state !== 'ready') {
        if (!r && !this.models().includes(model)) throw new DomainError('NOT_FOUND', `unknown model '${model}'`);
        throw new DomainError('NOT_FOUND', `model '${model}' has no version ${pinned} ready on this worker`);
      }
      const inRoute = r?.choices.find((c) => c.entry === e);
      return inRoute ?? { entry: e, weight: 0, variant: 'stable' };
    }
    if (!r) {
      if (this.models().includes(model)) throw new DomainError('UNAVAILABLE', `model '${model}' is not ready yet`);
      throw new DomainError('NOT_FOUND', `unknown model '${model}'`);
    }
    const choice = r.single ?? routeKey(r.choices, routingKey);
    if (!choice) throw new DomainError('UNAVAILABLE', `model '${model}' has no traffic split`);
    return choice;
  }

  /**
   * Retry-After (s) when no version the model's split can send a request to could take `rows`,
   * else null (unknown models and pinned versions are left to route()).
   */
  admission(model: string, rows: number): number | null {
    const r = this.routes.get(model);
    if (!r) return null;
    let retryAfterS: number | null = null;
    for (const c of r.single ? [r.single] : r.choices) {
      if (c.weight <= 0 || !c.entry.queue) continue;
      const wait = c.entry.queue.admission(rows);
      if (wait === null) return null;
      retryAfterS = retryAfterS === null ? wait : Math.min(retryAfterS, wait);
    }
    return retryAfterS;
  }

  /** The most rows any serving version could still queue; Infinity when none serves (routing answers those). */
  roomRows(): number {
    let room = -Infinity;
    for (const r of this.routes.values()) for (const c of r.choices) if (c.weight > 0 && c.entry.queue) room = Math.max(room, c.entry.queue.roomRows);
    return room === -Infinity ? Infinity : room;
  }

  isServing(model: string): boolean {
    return this.routes.has(model);
  }

  async drainAll(): Promise<void> {
    await Promise.all(this.all().map((e) => e.queue?.idle()));
  }
}
