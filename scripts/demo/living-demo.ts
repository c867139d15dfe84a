import { startDemoTraffic, type TDemoTraffic } from './demo-traffic';
import type { TDemoPeople } from './demo-people';
import { DEMO_MODEL, DEMO_WORKER_REF } from './demo-workspace';
import { demoState, resumeDemo, seedDemo } from './seed-demo';
import { trafficConfigFromEnv } from './traffic-schedule';
import { waitForWorker } from './worker-health';

/*
 * `npm start`'s living demo, once the dashboard and the worker are up: make the workspace on the
 * first start (reuse it on later ones), then keep customers calling the worker.
 */

/** The worker's model list in demo mode: the user's list (BALLAST_WORKER_MODELS) plus the demo model when it is not on it. */
export function demoWorkerModels(configured: string | undefined): string {
  const refs = (configured ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  if (!refs.some((r) => r.startsWith(`${DEMO_MODEL}@`))) refs.push(DEMO_WORKER_REF);
  return refs.join(',');
}

export interface TLivingDemoOptions {
  url: string;
  workerUrl: string;
  people: TDemoPeople;
  log: (line: string) => void;
}

/** Makes or finds the demo workspace and starts the traffic; null traffic when it is off or the workspace is unusable. */
export async function startLivingDemo(o: TLivingDemoOptions): Promise<{ traffic: TDemoTraffic | null; ready: boolean }> {
  const traffic = trafficConfigFromEnv();
  const state = await demoState(o.url, o.people.admin.token);
  if (state.kind === 'absent') {
    o.log('demo: first start: making the demo workspace (train, log, register, validate, benchmark, approve)...');
    await seedDemo({ url: o.url, people: o.people, log: o.log, workerUrl: o.workerUrl });
  } else if (state.kind === 'ready') {
    o.log(`demo: reusing the demo workspace (${DEMO_MODEL} v${state.productionVersion} in production)`);
    // The worker reloads what it served before; requests before that would only be refused.
    if (!(await waitForWorker(o.workerUrl, (h) => h.status === 'ok'))) o.log('demo: the worker is not serving yet; traffic starts anyway and retries');
  } else {
    await resumeDemo({ url: o.url, people: o.people, log: o.log, workerUrl: o.workerUrl });
  }
  if (!traffic.enabled) {
    o.log('demo: traffic off (BALLAST_DEMO_TRAFFIC=off)');
    return { traffic: null, ready: true };
  }
  o.log(
    `demo: sending ${traffic.requestsPerSecond} requests/s of customers to the worker; they start drifting ${traffic.drift.afterS} s from now (BALLAST_DEMO_DRIFT_AFTER_S)`,
  );
  return {
    traffic: startDemoTraffic({ workerUrl: o.workerUrl, model: DEMO_MODEL, requestsPerSecond: traffic.requestsPerSecond, drift: traffic.drift, log: o.log }),
    ready: true,
  };
}
