import { ZPredictionLogAck, ZPredictionLogEnvelope } from '@/server/contracts/worker-prediction-log';
import { restHandler } from '@/server/rest/rest-handler';
import { ingestPredictionLogs } from '@/server/services/ingest-prediction-logs';

// A batch of sampled prediction records (<= 5,000), judged one by one: 200 with the accepted count
// and each refused record by index; replays are deduplicated.
export const POST = restHandler({ scope: 'worker:report', body: ZPredictionLogEnvelope, response: ZPredictionLogAck, maxBodyBytes: 32 << 20, judgesEachRecord: true }, ({ db, body }) => ingestPredictionLogs(db, body));
