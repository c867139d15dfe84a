import NextAuth from 'next-auth';
import { authOptions } from '@/server/auth/next-auth-options';
import { clientAddress } from '@/server/auth/client-address';
import { db } from '@/server/db/client';
import { isDomainError } from '@/server/domain/errors';
import { assertSignInAllowed } from '@/server/services/verify-sign-in';

type Ctx = { params: Promise<{ nextauth: string[] }> };

async function handler(req: Request, ctx: Ctx) {
  const { nextauth } = await ctx.params;
  // Refuse a rate-limited address with a real 429 before next-auth turns it into a redirect.
  if (req.method === 'POST' && nextauth.join('/') === 'callback/credentials') {
    try {
      await assertSignInAllowed(db(), clientAddress(req.headers));
    } catch (err) {
      if (isDomainError(err)) return Response.json({ error: { code: err.code, message: err.message } }, { status: err.httpStatus, headers: { 'retry-after': '60' } });
      throw err;
    }
  }
  return NextAuth(authOptions())(req, ctx);
}

export { handler as GET, handler as POST };
