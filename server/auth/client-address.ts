/**
 * The caller's address for rate limiting. Behind a load balancer the first X-Forwarded-For hop is
 * the client; without one (npm start on a laptop) every caller shares 'local'.
 */
export function clientAddress(headers: Headers): string {
  const forwarded = headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  return forwarded || headers.get('x-real-ip') || 'local';
}
