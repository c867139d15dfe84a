import type { Metadata } from 'next';
import Link from 'next/link';
import { AlertList } from '@/components/alerts/alert-list';
import { Forbidden } from '@/components/ui/forbidden';
import { PageHeader } from '@/components/ui/page-header';
import { neededRoleText } from '@/components/ui/roles';
import { hasScope } from '@/server/auth/permissions';
import { requirePrincipal } from '../../current-principal';

export const metadata: Metadata = { title: 'Alerts' };

export default async function AlertsPage() {
  const principal = await requirePrincipal('/monitoring/alerts');
  if (!hasScope(principal.scopes, 'monitoring:read')) return <Forbidden title={`You need ${neededRoleText('monitoring:read')} to see alerts`} />;
  return (
    <>
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link href="/monitoring">Monitoring</Link> <span aria-hidden="true">/</span> <span>Alerts</span>
      </nav>
      <PageHeader title="Alerts" description="Raised by drift windows, canary evaluations and rollbacks; also sent to webhooks and exported at /api/metrics." />
      <AlertList canWrite={hasScope(principal.scopes, 'deployment:write')} />
    </>
  );
}
