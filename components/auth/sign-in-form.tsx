'use client';

import { useState, type FormEvent } from 'react';
import { useHydrated } from '../ui/use-hydrated';
import { signInWithPassword } from './password-sign-in';

// Uncontrolled fields: what someone types before hydration is kept.
export function SignInForm({ callbackUrl, initialError }: { callbackUrl: string; initialError: string | null }) {
  const hydrated = useHydrated();
  const [error, setError] = useState<string | null>(initialError);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    const outcome = await signInWithPassword({ email: String(data.get('email') ?? ''), password: String(data.get('password') ?? ''), callbackUrl });
    if (outcome.ok) {
      // A full load, so the server renders the app with the new session cookie.
      window.location.assign(callbackUrl);
      return;
    }
    setError(outcome.message);
    setPending(false);
  }

  return (
    <form method="post" onSubmit={onSubmit} noValidate data-testid="signin-form">
      {error ? (
        <div className="alert alert-error" role="alert" data-testid="signin-error">
          {error.charAt(0).toUpperCase() + error.slice(1)}
        </div>
      ) : null}
      <label className="field">
        <span>Email</span>
        <input type="email" name="email" autoComplete="username" required autoFocus />
      </label>
      <label className="field">
        <span>Password</span>
        <input type="password" name="password" autoComplete="current-password" required />
      </label>
      <button type="submit" className="btn btn-primary btn-block" disabled={!hydrated || pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
