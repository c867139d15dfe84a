import { ZWorkerReport, ZWorkerReportAck } from '@/server/contracts/worker-report';
import { restHandler } from '@/server/rest/rest-handler';
import { recordWorkerReport } from '@/server/services/record-worker-report';

// A worker's report: what it serves and its cumulative counters (deltas go to version_traffic).
export const POST = restHandler({ scope: 'worker:report', body: ZWorkerReport, response: ZWorkerReportAck }, ({ db, body }) => recordWorkerReport(db, body));
