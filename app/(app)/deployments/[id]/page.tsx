import type { Metadata } from 'next';
import { DeploymentView } from '@/components/deployments/deployment-view';
import { Forbidden } from '@/components/ui/forbidden';
import { neededRoleText } from '@/components/ui/roles';
import { hasScope } from '@/server/auth/permissions';
import { requirePrincipal } from '../../current-principal';

export const metadata: Metadata = { title: 'Deployment' };

export default async function DeploymentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const principal = await requirePrincipal(`/deployments/${encodeURIComponent(id)}`);
  if (!hasScope(principal.scopes, 'deployment:read')) return <Forbidden title={`You need ${neededRoleText('deployment:read')} to see deployments`} />;
  return <DeploymentView id={id} canWrite={hasScope(principal.scopes, 'deployment:write')} />;
}
