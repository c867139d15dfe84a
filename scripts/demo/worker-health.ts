/* What the demo reads from the local worker's GET /health, to start traffic on a worker that serves. */

export interface TWorkerHealth {
  status: string;
  versions: { model: string; version: number; state: string; variant: string | null; weight: number }[];
}

/** Polls /health until `ready` holds; false when the time runs out (the worker may still be loading). */
export async function waitForWorker(workerUrl: string, ready: (health: TWorkerHealth) => boolean, timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${workerUrl}/health`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok && ready((await res.json()) as TWorkerHealth)) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

/** The worker routes traffic to `version` of `model`. */
export const serves = (h: TWorkerHealth, model: string, version: number) => h.versions.some((e) => e.model === model && e.version === version && e.state === 'ready' && e.weight > 0);
