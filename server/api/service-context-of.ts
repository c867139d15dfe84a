import type { TPrincipal } from '../auth/principal';
import type { ServiceContext } from '../services/service-context';
import type { TRPCContext } from './trpc';

export function serviceContext(ctx: TRPCContext & { principal: TPrincipal }): ServiceContext {
  return { db: ctx.db, actor: ctx.principal, requestId: ctx.requestId };
}
