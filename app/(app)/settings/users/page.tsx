import type { Metadata } from 'next';
import Link from 'next/link';
import { SettingsTabs } from '@/components/shell/settings-tabs';
import { Forbidden } from '@/components/ui/forbidden';
import { PageHeader } from '@/components/ui/page-header';
import { neededRoleText } from '@/components/ui/roles';
import { CreateUserForm } from '@/components/users/create-user-form';
import { UserTable } from '@/components/users/user-table';
import { hasScope } from '@/server/auth/permissions';
import { requirePrincipal } from '../../current-principal';

export const metadata: Metadata = { title: 'Users' };

export default async function UsersPage() {
  const principal = await requirePrincipal('/settings/users');
  if (!hasScope(principal.scopes, 'user:manage')) {
    return (
      <>
        <PageHeader title="Users" />
        <Forbidden title={`You need ${neededRoleText('user:manage')} to manage users`}>
          <p className="muted">
            Ask an administrator to create accounts or change roles. Your own API tokens are in <Link href="/settings">Settings</Link>.
          </p>
        </Forbidden>
      </>
    );
  }
  return (
    <>
      <PageHeader title="Settings" />
      <SettingsTabs showUsers showJobs={hasScope(principal.scopes, 'job:read')} />
      <section className="card">
        <div className="card-header">
          <div>
            <h2>Add a user</h2>
            <p>Viewers read everything; engineers also log runs, register models and create tokens; admins also manage users.</p>
          </div>
        </div>
        <div className="card-body">
          <CreateUserForm />
        </div>
      </section>
      <section className="card">
        <div className="card-header">
          <div>
            <h2>Users</h2>
            <p>Change a role, disable or re-enable someone, or set a new password: each asks first, takes effect at once and is kept in the audit log.</p>
          </div>
        </div>
        <UserTable />
      </section>
    </>
  );
}
