import type { Metadata } from 'next';
import Link from 'next/link';
import { SignOutButton } from '@/components/auth/sign-out-button';
import { principalLabel } from '@/server/auth/principal';
import { currentPrincipal } from '../../(app)/current-principal';

export const metadata: Metadata = { title: 'Sign out' };

export default async function SignOutPage() {
  const principal = await currentPrincipal();
  if (!principal) {
    return (
      <>
        <h1>You are signed out</h1>
        <p className="lead">
          <Link href="/signin">Sign in</Link> to continue.
        </p>
      </>
    );
  }
  return (
    <>
      <h1>Sign out</h1>
      <p className="lead">
        You are signed in as <strong>{principalLabel(principal)}</strong>. Sign out of Ballast on this browser?
      </p>
      <SignOutButton />
      <p className="muted" style={{ marginTop: 14, textAlign: 'center' }}>
        <Link href="/experiments">Back to Ballast</Link>
      </p>
    </>
  );
}
