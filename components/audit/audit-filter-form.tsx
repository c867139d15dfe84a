'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import type { FormEvent } from 'react';
import { useHydrated } from '../ui/use-hydrated';
import { AUDIT_FILTER_KEYS, auditFiltersSearch, hasAuditFilters, type TAuditFilters } from './audit-filters';

/** Uncontrolled: the URL is the state; the parent re-keys this form when the URL changes. */
export function AuditFilterForm({ filters }: { filters: TAuditFilters }) {
  const router = useRouter();
  const hydrated = useHydrated();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const next = Object.fromEntries(AUDIT_FILTER_KEYS.map((key) => [key, String(data.get(key) ?? '').trim()])) as unknown as TAuditFilters;
    const search = auditFiltersSearch(next);
    router.push(search ? `/audit?${search}` : '/audit');
  }

  return (
    <form className="card card-body" onSubmit={onSubmit} data-testid="audit-filters" style={{ marginBottom: 20 }}>
      <div className="form-grid">
        <label className="field">
          <span>Action starts with</span>
          <input type="text" name="action" placeholder="token." defaultValue={filters.action} />
        </label>
        <label className="field">
          <span>Actor</span>
          <input type="text" name="actor" placeholder="email or token name" defaultValue={filters.actor} />
        </label>
        <label className="field">
          <span>Subject type</span>
          <input type="text" name="subjectType" placeholder="api_token" defaultValue={filters.subjectType} />
        </label>
        <label className="field">
          <span>From</span>
          <input type="date" name="from" defaultValue={filters.from} />
        </label>
        <label className="field">
          <span>To</span>
          <input type="date" name="to" defaultValue={filters.to} />
        </label>
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={!hydrated}>
          Apply filters
        </button>
        {hasAuditFilters(filters) ? (
          <Link href="/audit" className="btn">
            Clear
          </Link>
        ) : null}
      </div>
    </form>
  );
}
