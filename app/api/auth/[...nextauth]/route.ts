import NextAuth from 'next-auth';
import { authOptions, refuseRateLimitedSignIn } from '@/server/auth/next-auth-options';

type Ctx = { params: Promise<{ nextauth: string[] }> };

async function handler(req: Request, ctx: Ctx) {
  const { nextauth } = await ctx.params;
  if (req.method === 'POST' && nextauth.join('/') === 'callback/credentials') {
    const refused = await refuseRateLimitedSignIn(req);
    if (refused) return refused;
  }
  return NextAuth(authOptions())(req, ctx);
}

export { handler as GET, handler as POST };
