import { ZCreateUserInput } from '../../contracts/users';
import { createUser } from '../../services/create-user';
import { listUsers } from '../../services/list-users';
import { serviceContext } from '../service-context-of';
import { createTRPCRouter, protectedProcedure } from '../trpc';

export const usersRouter = createTRPCRouter({
  list: protectedProcedure.meta({ scope: 'user:manage' }).query(({ ctx }) => listUsers(ctx.db)),
  create: protectedProcedure
    .meta({ scope: 'user:manage' })
    .input(ZCreateUserInput)
    .mutation(({ ctx, input }) => createUser(serviceContext(ctx), input)),
});
