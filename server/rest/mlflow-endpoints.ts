import type { z, ZodType } from 'zod';
import type { TScope } from '../auth/permissions';
import * as C from '../contracts/mlflow';
import type { ServiceContext } from '../services/service-context';
import { createExperiment } from '../services/create-experiment';
import { createRun } from '../services/create-run';
import { getExperiment, getExperimentByName } from '../services/get-experiment';
import { getMetricHistory } from '../services/get-metric-history';
import { getRun } from '../services/get-run-details';
import { logRunInputs } from '../services/link-run-datasets';
import { deleteRunTag, logRunData } from '../services/log-run-data';
import { listRunArtifacts } from '../services/run-artifacts';
import { searchExperiments } from '../services/search-experiments';
import { searchRuns } from '../services/search-runs';
import { renameExperiment, setExperimentLifecycle, setExperimentTag } from '../services/update-experiment';
import { setRunLifecycle, updateRun } from '../services/update-run';
import { MLFLOW_REGISTRY_ENDPOINTS } from './mlflow-registry-endpoints';
import { experimentJson, metricJson, runInfoJson, runJson } from './mlflow-wire';

export type TMlflowMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';
export type TMlflowEndpoint = {
  methods: readonly TMlflowMethod[];
  scope: TScope;
  schema: ZodType;
  handle: (input: never, ctx: ServiceContext) => Promise<unknown>;
};

const READ = 'experiment:read' as const;
const WRITE = 'experiment:write' as const;

function endpoint<S extends ZodType>(methods: TMlflowEndpoint['methods'], scope: TScope, schema: S, handle: (input: z.output<S>, ctx: ServiceContext) => Promise<unknown>): TMlflowEndpoint {
  return { methods, scope, schema, handle: handle as TMlflowEndpoint['handle'] };
}

const runIdOf = (input: { run_id?: string; run_uuid?: string }) => input.run_id || input.run_uuid;

/**
 * The MLflow tracking and model registry API, path (under /api/2.0/mlflow/ and
 * /ajax-api/2.0/mlflow/) -> endpoint; a key "<METHOD> <path>" serves one method of a path that
 * others share (registered-models/alias). Each entry parses MLflow's request, calls one service
 * and shapes MLflow's response.
 */
export const MLFLOW_ENDPOINTS: Record<string, TMlflowEndpoint> = {
  'experiments/create': endpoint(['POST'], WRITE, C.ZCreateExperiment, async (input, ctx) => {
    const { experimentId } = await createExperiment(ctx, input);
    return { experiment_id: experimentId };
  }),
  'experiments/get': endpoint(['GET'], READ, C.ZExperimentRef, async (input, ctx) => ({ experiment: experimentJson(await getExperiment(ctx.db, input.experiment_id)) })),
  'experiments/get-by-name': endpoint(['GET'], READ, C.ZGetExperimentByName, async (input, ctx) => ({
    experiment: experimentJson(await getExperimentByName(ctx.db, input.experiment_name)),
  })),
  'experiments/search': endpoint(['GET', 'POST'], READ, C.ZSearchExperiments, async (input, ctx) => {
    const result = await searchExperiments(ctx.db, input);
    return { experiments: result.experiments.map(experimentJson), ...(result.nextPageToken ? { next_page_token: result.nextPageToken } : {}) };
  }),
  'experiments/update': endpoint(['POST'], WRITE, C.ZUpdateExperiment, async (input, ctx) => {
    await renameExperiment(ctx, { experimentId: input.experiment_id, newName: input.new_name });
    return {};
  }),
  'experiments/delete': endpoint(['POST'], WRITE, C.ZExperimentRef, async (input, ctx) => {
    await setExperimentLifecycle(ctx, input.experiment_id, 'deleted');
    return {};
  }),
  'experiments/restore': endpoint(['POST'], WRITE, C.ZExperimentRef, async (input, ctx) => {
    await setExperimentLifecycle(ctx, input.experiment_id, 'active');
    return {};
  }),
  'experiments/set-experiment-tag': endpoint(['POST'], WRITE, C.ZSetExperimentTag, async (input, ctx) => {
    await setExperimentTag(ctx, { experimentId: input.experiment_id, key: input.key, value: input.value });
    return {};
  }),
  'runs/create': endpoint(['POST'], WRITE, C.ZCreateRun, async (input, ctx) => ({ run: runJson(await createRun(ctx, input)) })),
  'runs/get': endpoint(['GET'], READ, C.ZRunRef, async (input, ctx) => ({ run: runJson(await getRun(ctx.db, runIdOf(input))) })),
  'runs/update': endpoint(['POST'], WRITE, C.ZUpdateRun, async (input, ctx) => {
    const run = await updateRun(ctx, { runId: runIdOf(input), status: input.status, endTime: input.end_time, runName: input.run_name });
    return { run_info: runInfoJson(run) };
  }),
  'runs/delete': endpoint(['POST'], WRITE, C.ZRunRef, async (input, ctx) => {
    await setRunLifecycle(ctx, runIdOf(input), 'deleted');
    return {};
  }),
  'runs/restore': endpoint(['POST'], WRITE, C.ZRunRef, async (input, ctx) => {
    await setRunLifecycle(ctx, runIdOf(input), 'active');
    return {};
  }),
  'runs/search': endpoint(['POST'], READ, C.ZSearchRuns, async (input, ctx) => {
    const result = await searchRuns(ctx.db, input);
    return { runs: result.runs.map(runJson), ...(result.nextPageToken ? { next_page_token: result.nextPageToken } : {}) };
  }),
  'runs/log-metric': endpoint(['POST'], WRITE, C.ZLogMetric, async (input, ctx) => {
    await logRunData(ctx, { runId: runIdOf(input), metrics: [{ key: input.key, value: input.value, timestamp: input.timestamp, step: input.step }] });
    return {};
  }),
  'runs/log-parameter': endpoint(['POST'], WRITE, C.ZLogParam, async (input, ctx) => {
    await logRunData(ctx, { runId: runIdOf(input), params: [{ key: input.key, value: input.value }] });
    return {};
  }),
  'runs/set-tag': endpoint(['POST'], WRITE, C.ZSetTag, async (input, ctx) => {
    await logRunData(ctx, { runId: runIdOf(input), tags: [{ key: input.key, value: input.value }] });
    return {};
  }),
  'runs/delete-tag': endpoint(['POST'], WRITE, C.ZDeleteTag, async (input, ctx) => {
    await deleteRunTag(ctx, { runId: input.run_id, key: input.key });
    return {};
  }),
  'runs/log-batch': endpoint(['POST'], WRITE, C.ZLogBatch, async (input, ctx) => {
    await logRunData(ctx, { runId: input.run_id, metrics: input.metrics, params: input.params, tags: input.tags });
    return {};
  }),
  'runs/log-inputs': endpoint(['POST'], WRITE, C.ZLogInputs, async (input, ctx) => {
    await logRunInputs(ctx, input);
    return {};
  }),
  'metrics/get-history': endpoint(['GET'], READ, C.ZGetMetricHistory, async (input, ctx) => {
    const result = await getMetricHistory(ctx.db, { runId: runIdOf(input), key: input.metric_key, maxResults: input.max_results, pageToken: input.page_token });
    return { metrics: result.metrics.map(metricJson), ...(result.nextPageToken ? { next_page_token: result.nextPageToken } : {}) };
  }),
  'artifacts/list': endpoint(['GET'], READ, C.ZListArtifacts, async (input, ctx) => {
    const result = await listRunArtifacts(ctx.db, { runId: runIdOf(input), path: input.path });
    return {
      root_uri: result.rootUri,
      files: result.files.map((f) => ({ path: f.path, is_dir: f.isDir, ...(f.size !== null ? { file_size: f.size } : {}) })),
    };
  }),
  ...MLFLOW_REGISTRY_ENDPOINTS,
};
