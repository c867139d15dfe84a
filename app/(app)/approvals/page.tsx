import type { Metadata } from 'next';
import { ApprovalsInbox } from '@/components/approvals/approvals-inbox';
import { Forbidden } from '@/components/ui/forbidden';
import { PageHeader } from '@/components/ui/page-header';
import { neededRoleText } from '@/components/ui/roles';
import { hasScope } from '@/server/auth/permissions';
import { requirePrincipal } from '../current-principal';

export const metadata: Metadata = { title: 'Approvals' };

export default async function ApprovalsPage() {
  const principal = await requirePrincipal('/approvals');
  if (!hasScope(principal.scopes, 'model:read')) return <Forbidden title={`You need ${neededRoleText('model:read')} to see promotion requests`} />;
  return (
    <>
      <PageHeader
        title="Approvals"
        description="Promotion requests to production on the models you own. Approve only what someone else requested: four eyes on every release."
      />
      <ApprovalsInbox />
    </>
  );
}
