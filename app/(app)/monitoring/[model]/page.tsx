import type { Metadata } from 'next';
import { MonitoringView } from '@/components/monitoring/monitoring-view';
import { Forbidden } from '@/components/ui/forbidden';
import { neededRoleText } from '@/components/ui/roles';
import { hasScope } from '@/server/auth/permissions';
import { requirePrincipal } from '../../current-principal';

export async function generateMetadata({ params }: { params: Promise<{ model: string }> }): Promise<Metadata> {
  return { title: `${decodeURIComponent((await params).model)} · Monitoring` };
}

export default async function ModelMonitoringPage({ params }: { params: Promise<{ model: string }> }) {
  const name = decodeURIComponent((await params).model);
  const principal = await requirePrincipal(`/monitoring/${encodeURIComponent(name)}`);
  if (!hasScope(principal.scopes, 'monitoring:read')) return <Forbidden title={`You need ${neededRoleText('monitoring:read')} to see monitoring`} />;
  return <MonitoringView modelName={name} canWrite={hasScope(principal.scopes, 'deployment:write')} />;
}
