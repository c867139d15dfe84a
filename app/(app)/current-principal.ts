import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { signInPath } from '@/components/auth/callback-url';
import type { TPrincipal } from '@/server/auth/principal';
import { resolvePrincipal } from '@/server/auth/resolve-principal';
import { isDomainError } from '@/server/domain/errors';

/** Who is viewing, read once per request however many layouts and pages ask. */
export const currentPrincipal = cache(async (): Promise<TPrincipal | null> => {
  try {
    return await resolvePrincipal(await headers());
  } catch (err) {
    // A browser sending a bad bearer token is treated as signed out, not as a crash.
    if (isDomainError(err)) return null;
    throw err;
  }
});

/**
 * The guard every page of the app calls with its own path: a layout cannot know the URL (and is
 * not re-rendered on client navigation), so the page is where the sign-in redirect can carry
 * a callbackUrl back to it.
 */
export async function requirePrincipal(path: string): Promise<TPrincipal> {
  const principal = await currentPrincipal();
  if (!principal) redirect(signInPath(path));
  return principal;
}
