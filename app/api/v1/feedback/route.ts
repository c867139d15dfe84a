import { ZFeedbackBody } from '@/server/contracts/monitoring';
import { restHandler } from '@/server/rest/rest-handler';
import { recordFeedback } from '@/server/services/record-feedback';

export const dynamic = 'force-dynamic';

/** A/B outcomes: one `{request_id | routing_key, outcome}` or `{items: [...]}`. Unknown request id: 404 (single) or per-item status (batch). */
export const POST = restHandler({ scope: 'feedback:write', body: ZFeedbackBody }, ({ db, body }) => recordFeedback(db, body));
