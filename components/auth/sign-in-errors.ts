export const WRONG_CREDENTIALS = 'wrong email or password';

/** next-auth's generic error codes, in words; a message thrown by our authorize() passes through as is. */
export function describeSignInError(error: string): string {
  if (error === 'CredentialsSignin') return WRONG_CREDENTIALS;
  if (error === 'Configuration' || error === 'Callback' || error === 'Default') return 'sign-in is not available right now: try again later';
  if (error === 'SessionRequired') return 'sign in to open that page';
  return error;
}
