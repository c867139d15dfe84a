import { serverEnv } from '../env';

/** next-auth's signing secret. `npm start` generates and persists one when none is configured. */
export function authSecret(): string {
  const secret = serverEnv().NEXTAUTH_SECRET;
  if (!secret) throw new Error('NEXTAUTH_SECRET is not set: start Ballast with `npm start`, or set it (32+ random characters).');
  return secret;
}
