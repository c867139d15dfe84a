import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { safeCallbackUrl } from '@/components/auth/callback-url';
import { describeSignInError } from '@/components/auth/sign-in-errors';
import { SignInForm } from '@/components/auth/sign-in-form';
import { currentPrincipal } from '../../(app)/current-principal';
import { requestOrigin } from '../../(app)/request-origin';

export const metadata: Metadata = { title: 'Sign in' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export default async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const errorParam = first(params.error);
  const callbackUrl = safeCallbackUrl(first(params.callbackUrl), await requestOrigin());
  if ((await currentPrincipal())?.kind === 'user') redirect(callbackUrl);
  return (
    <>
      <h1>Sign in</h1>
      <p className="lead">Use the email and password your administrator gave you.</p>
      <SignInForm callbackUrl={callbackUrl} initialError={errorParam ? describeSignInError(errorParam) : null} />
    </>
  );
}
