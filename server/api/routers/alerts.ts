import { ZAlertActionInput, ZListAlertsInput } from '../../contracts/monitoring';
import { acknowledgeAlert, countOpenAlerts, listAlerts, resolveAlert } from '../../services/manage-alerts';
import { serviceContext } from '../service-context-of';
import { createTRPCRouter, protectedProcedure } from '../trpc';

export const alertsRouter = createTRPCRouter({
  list: protectedProcedure
    .meta({ scope: 'monitoring:read' })
    .input(ZListAlertsInput.default({ limit: 100 }))
    .query(({ ctx, input }) => listAlerts(ctx.db, input)),
  /** The header badge. */
  openCount: protectedProcedure.meta({ scope: 'monitoring:read' }).query(({ ctx }) => countOpenAlerts(ctx.db)),
  acknowledge: protectedProcedure
    .meta({ scope: 'deployment:write' })
    .input(ZAlertActionInput)
    .mutation(({ ctx, input }) => acknowledgeAlert(serviceContext(ctx), input)),
  resolve: protectedProcedure
    .meta({ scope: 'deployment:write' })
    .input(ZAlertActionInput)
    .mutation(({ ctx, input }) => resolveAlert(serviceContext(ctx), input)),
});
