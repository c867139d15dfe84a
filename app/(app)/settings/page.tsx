import type { Metadata } from 'next';
import { SettingsTabs } from '@/components/shell/settings-tabs';
import { ApiTokens } from '@/components/tokens/api-tokens';
import { Forbidden } from '@/components/ui/forbidden';
import { PageHeader } from '@/components/ui/page-header';
import { neededRoleText } from '@/components/ui/roles';
import { hasScope } from '@/server/auth/permissions';
import { requirePrincipal } from '../current-principal';

export const metadata: Metadata = { title: 'Settings' };

export default async function SettingsPage() {
  const principal = await requirePrincipal('/settings');
  const role = principal.kind === 'user' ? principal.role : null;
  return (
    <>
      <PageHeader title="Settings" />
      <SettingsTabs showUsers={hasScope(principal.scopes, 'user:manage')} showJobs={hasScope(principal.scopes, 'job:read')} />
      {hasScope(principal.scopes, 'token:manage') ? (
        <ApiTokens role={role} seesEveryone={hasScope(principal.scopes, 'user:manage')} />
      ) : (
        <Forbidden title={`You need ${neededRoleText('token:manage')} to create API tokens`}>
          <p className="muted">Your role ({role ?? 'none'}) can read everything but not act through scripts. Ask an administrator if you need a token.</p>
        </Forbidden>
      )}
    </>
  );
}
