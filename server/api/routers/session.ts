import { principalLabel } from '../../auth/principal';
import { createTRPCRouter, publicProcedure } from '../trpc';

export const sessionRouter = createTRPCRouter({
  /** Who is calling and what they may do: the UI shows or hides buttons from this. */
  me: publicProcedure.query(({ ctx }) => {
    const p = ctx.principal;
    if (!p) return null;
    return {
      kind: p.kind,
      label: principalLabel(p),
      role: p.kind === 'user' ? p.role : null,
      scopes: [...p.scopes],
    };
  }),
});
