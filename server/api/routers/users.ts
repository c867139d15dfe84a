import { z } from 'zod';
import { ZCreateUserInput, ZResetUserPasswordInput, ZUpdateUserInput, ZUserListItem } from '../../contracts/users';
import { createUser } from '../../services/create-user';
import { listUsers } from '../../services/list-users';
import { resetUserPassword, updateUser } from '../../services/manage-users';
import { serviceContext } from '../service-context-of';
import { createTRPCRouter, protectedProcedure } from '../trpc';

export const usersRouter = createTRPCRouter({
  list: protectedProcedure
    .meta({ scope: 'user:manage' })
    .output(z.array(ZUserListItem))
    .query(({ ctx }) => listUsers(ctx.db)),
  create: protectedProcedure
    .meta({ scope: 'user:manage' })
    .input(ZCreateUserInput)
    .mutation(({ ctx, input }) => createUser(serviceContext(ctx), input)),
  /** Change the role and/or disable or re-enable (409 LAST_ACTIVE_ADMIN when none would remain). */
  update: protectedProcedure
    .meta({ scope: 'user:manage' })
    .input(ZUpdateUserInput)
    .mutation(({ ctx, input }) => updateUser(serviceContext(ctx), input)),
  resetPassword: protectedProcedure
    .meta({ scope: 'user:manage' })
    .input(ZResetUserPasswordInput)
    .mutation(({ ctx, input }) => resetUserPassword(serviceContext(ctx), input)),
});
