'use client';

import { signOut } from 'next-auth/react';
import { useState } from 'react';
import { useHydrated } from '../ui/use-hydrated';

export function SignOutButton() {
  const hydrated = useHydrated();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onClick() {
    setPending(true);
    setError(null);
    try {
      // No redirect by next-auth: its URL is built from NEXTAUTH_URL, which may not be the
      // address this browser used. The sign-in page is ours, so go there directly.
      await signOut({ redirect: false, callbackUrl: '/signin' });
      window.location.assign('/signin');
    } catch {
      setError('Could not sign out: check your connection and try again.');
      setPending(false);
    }
  }

  return (
    <>
      {error ? (
        <div className="alert alert-error" role="alert">
          {error}
        </div>
      ) : null}
      <button type="button" className="btn btn-primary btn-block" onClick={onClick} disabled={!hydrated || pending} data-testid="signout-button">
        {pending ? 'Signing out…' : 'Sign out'}
      </button>
    </>
  );
}
