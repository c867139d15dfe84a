import { hasScope } from '@/server/auth/permissions';
import { DomainError } from '@/server/domain/errors';
import { serverEnv } from '@/server/env';
import { restHandler } from '@/server/rest/rest-handler';
import { renderControlPlaneMetrics } from '@/server/services/render-control-plane-metrics';

export const dynamic = 'force-dynamic';

/**
 * Prometheus text exposition of the control plane. Scrape with `authorization: Bearer <token>`
 * of a token holding monitoring:read (an admin token, or a viewer's session), or set
 * BALLAST_METRICS_PUBLIC=on to allow anonymous scrapes.
 */
export const GET = restHandler({ scope: null }, async ({ db, principal }) => {
  if (serverEnv().BALLAST_METRICS_PUBLIC !== 'on') {
    if (principal.kind === 'system' && principal.name === 'anonymous') {
      throw new DomainError('UNAUTHORIZED', 'authentication required: send "Authorization: Bearer <API token>" with monitoring:read, or set BALLAST_METRICS_PUBLIC=on');
    }
    if (!hasScope(principal.scopes, 'monitoring:read')) throw new DomainError('FORBIDDEN', 'this needs the monitoring:read permission, which your credentials do not grant');
  }
  return new Response(await renderControlPlaneMetrics(db), { headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' } });
});
