import { ZAuditQuery } from '@/server/contracts/audit';
import { restHandler } from '@/server/rest/rest-handler';
import { listAuditEvents } from '@/server/services/list-audit-events';

export const GET = restHandler({ scope: 'audit:read', query: ZAuditQuery }, ({ db, principal, requestId, query }) =>
  listAuditEvents({ db, actor: principal, requestId }, query),
);
