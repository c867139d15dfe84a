import type { Metadata } from 'next';
import Link from 'next/link';
import { JobTable } from '@/components/jobs/job-table';
import { SettingsTabs } from '@/components/shell/settings-tabs';
import { Forbidden } from '@/components/ui/forbidden';
import { PageHeader } from '@/components/ui/page-header';
import { neededRoleText } from '@/components/ui/roles';
import { hasScope } from '@/server/auth/permissions';
import { requirePrincipal } from '../../current-principal';

export const metadata: Metadata = { title: 'Jobs' };

export default async function JobsPage() {
  const principal = await requirePrincipal('/settings/jobs');
  if (!hasScope(principal.scopes, 'job:read')) {
    return (
      <>
        <PageHeader title="Jobs" />
        <Forbidden title={`You need ${neededRoleText('job:read')} to see the background jobs`}>
          <p className="muted">
            Ask an administrator. Your own API tokens are in <Link href="/settings">Settings</Link>.
          </p>
        </Forbidden>
      </>
    );
  }
  return (
    <>
      <PageHeader title="Settings" />
      <SettingsTabs showUsers={hasScope(principal.scopes, 'user:manage')} showJobs />
      <section className="card">
        <div className="card-header">
          <div>
            <h2>Background jobs</h2>
            <p>
              Every control plane with BALLAST_JOBS=on takes part; each job runs once per interval across all of them. Errors are those of the last run; metrics
              as ballast_job_* on /api/metrics.
            </p>
          </div>
        </div>
        <JobTable />
      </section>
    </>
  );
}
