import { principalUserId } from '../../auth/principal';
import { z } from 'zod';
import { ZCreateDeploymentInput, ZDeploymentAction, ZDeploymentDetails, ZDeploymentView, ZListDeploymentsInput } from '../../contracts/deployments';
import { pauseDeployment, promoteDeployment, resumeDeployment, rollbackDeployment } from '../../services/rollout/deployment-commands';
import { createDeployment } from '../../services/rollout/deployment-commands';
import { getDeployment, listDeployments } from '../../services/read-deployments';
import { serviceContext } from '../service-context-of';
import { createTRPCRouter, protectedProcedure } from '../trpc';

// Deployment actions need deployment:write; ownership of the model is checked in the services.
export const deploymentsRouter = createTRPCRouter({
  list: protectedProcedure
    .meta({ scope: 'deployment:read' })
    .input(ZListDeploymentsInput.optional())
    .output(z.array(ZDeploymentView))
    .query(({ ctx, input }) => listDeployments(ctx.db, input ?? {})),
  /** One deployment with its live figures (window error rates, p99), per-minute traffic and history. */
  get: protectedProcedure
    .meta({ scope: 'deployment:read' })
    .input(z.object({ deploymentId: z.string().uuid() }))
    .output(ZDeploymentDetails)
    .query(({ ctx, input }) => getDeployment(ctx.db, input.deploymentId, { viewerId: principalUserId(ctx.principal) })),
  create: protectedProcedure
    .meta({ scope: 'deployment:write' })
    .input(ZCreateDeploymentInput)
    .mutation(({ ctx, input }) => createDeployment(serviceContext(ctx), input)),
  promote: protectedProcedure
    .meta({ scope: 'deployment:write' })
    .input(ZDeploymentAction)
    .mutation(({ ctx, input }) => promoteDeployment(serviceContext(ctx), input)),
  pause: protectedProcedure
    .meta({ scope: 'deployment:write' })
    .input(ZDeploymentAction)
    .mutation(({ ctx, input }) => pauseDeployment(serviceContext(ctx), input)),
  resume: protectedProcedure
    .meta({ scope: 'deployment:write' })
    .input(ZDeploymentAction)
    .mutation(({ ctx, input }) => resumeDeployment(serviceContext(ctx), input)),
  rollback: protectedProcedure
    .meta({ scope: 'deployment:write' })
    .input(ZDeploymentAction)
    .mutation(({ ctx, input }) => rollbackDeployment(serviceContext(ctx), input)),
});
