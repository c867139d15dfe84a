import { z } from 'zod';
import { ZCreateApiTokenInput } from '../../contracts/api-tokens';
import { createApiToken } from '../../services/create-api-token';
import { listApiTokens } from '../../services/list-api-tokens';
import { revokeApiToken } from '../../services/revoke-api-token';
import { serviceContext } from '../service-context-of';
import { createTRPCRouter, protectedProcedure } from '../trpc';

export const tokensRouter = createTRPCRouter({
  list: protectedProcedure.meta({ scope: 'token:manage' }).query(({ ctx }) => listApiTokens(serviceContext(ctx))),
  create: protectedProcedure
    .meta({ scope: 'token:manage' })
    .input(ZCreateApiTokenInput)
    .mutation(({ ctx, input }) => createApiToken(serviceContext(ctx), input)),
  revoke: protectedProcedure
    .meta({ scope: 'token:manage' })
    .input(z.object({ id: z.string().uuid('must be a token id') }))
    .mutation(({ ctx, input }) => revokeApiToken(serviceContext(ctx), input.id)),
});
