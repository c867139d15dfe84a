import type { Metadata } from 'next';
import { AuditFilterForm } from '@/components/audit/audit-filter-form';
import { auditFiltersSearch, parseAuditFilters } from '@/components/audit/audit-filters';
import { AuditLog } from '@/components/audit/audit-log';
import { Forbidden } from '@/components/ui/forbidden';
import { PageHeader } from '@/components/ui/page-header';
import { neededRoleText } from '@/components/ui/roles';
import { hasScope } from '@/server/auth/permissions';
import { requirePrincipal } from '../current-principal';

export const metadata: Metadata = { title: 'Audit' };

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const filters = parseAuditFilters(await searchParams);
  const search = auditFiltersSearch(filters);
  const principal = await requirePrincipal(search ? `/audit?${search}` : '/audit');
  if (!hasScope(principal.scopes, 'audit:read')) return <Forbidden title={`You need ${neededRoleText('audit:read')} to read the audit log`} />;
  return (
    <>
      <PageHeader title="Audit log" description="Every change that matters: who made it, when, what it changed and the request it came in." />
      <AuditFilterForm key={search} filters={filters} />
      <AuditLog filters={filters} />
    </>
  );
}
