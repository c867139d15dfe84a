'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useEffect } from 'react';
import { signInPath } from '../auth/callback-url';

/** Sends a signed-out visitor to sign-in, carrying the page they asked for. */
export function SignInRedirect() {
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams().toString();
  useEffect(() => {
    router.replace(signInPath(search ? `${pathname}?${search}` : pathname));
  }, [router, pathname, search]);
  return <p className="loading">Redirecting to sign-in…</p>;
}
