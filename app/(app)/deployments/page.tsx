import type { Metadata } from 'next';
import { DeploymentList } from '@/components/deployments/deployment-list';
import { PageHeader } from '@/components/ui/page-header';
import { Forbidden } from '@/components/ui/forbidden';
import { neededRoleText } from '@/components/ui/roles';
import { hasScope } from '@/server/auth/permissions';
import { requirePrincipal } from '../current-principal';

export const metadata: Metadata = { title: 'Deployments' };

export default async function DeploymentsPage() {
  const principal = await requirePrincipal('/deployments');
  if (!hasScope(principal.scopes, 'deployment:read')) return <Forbidden title={`You need ${neededRoleText('deployment:read')} to see deployments`} />;
  return (
    <>
      <PageHeader title="Deployments" description="How candidate versions reach production: canaries, blue-green switches and A/B tests, with their live split and health." />
      <DeploymentList canWrite={hasScope(principal.scopes, 'deployment:write')} />
    </>
  );
}
