import { ZBenchmarkReport, ZVersionPathParams } from '@/server/contracts/model-registry';
import { restHandler } from '@/server/rest/rest-handler';
import { reportLatencyBenchmark } from '@/server/services/record-version-evidence';

// An inference worker reports the latency it measured on a version (the production gate's evidence).
export const POST = restHandler({ scope: 'worker:report', params: ZVersionPathParams, body: ZBenchmarkReport, status: 201 }, ({ db, principal, requestId, body, params }) =>
  reportLatencyBenchmark({ db, actor: principal, requestId }, { ...body, modelName: params.name, version: params.version }),
);
