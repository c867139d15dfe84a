import { ZAuditQuery } from '../../contracts/audit';
import { listAuditEvents } from '../../services/list-audit-events';
import { serviceContext } from '../service-context-of';
import { createTRPCRouter, protectedProcedure } from '../trpc';

export const auditRouter = createTRPCRouter({
  list: protectedProcedure
    .meta({ scope: 'audit:read' })
    .input(ZAuditQuery.partial())
    .query(({ ctx, input }) => listAuditEvents(serviceContext(ctx), input)),
});
