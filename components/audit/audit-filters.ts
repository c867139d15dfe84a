/** The audit log's filters as they travel in the URL (`/audit?action=token.&from=2026-11-01`). */
export interface TAuditFilters {
  action: string;
  actor: string;
  subjectType: string;
  /** Calendar days, `YYYY-MM-DD`, read in the viewer's time zone. */
  from: string;
  to: string;
}

export const AUDIT_FILTER_KEYS = ['action', 'actor', 'subjectType', 'from', 'to'] as const;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function parseAuditFilters(params: Record<string, string | string[] | undefined>): TAuditFilters {
  const get = (key: string) => {
    const value = params[key];
    return (Array.isArray(value) ? value[0] : value)?.trim().slice(0, 254) ?? '';
  };
  const day = (key: string) => (DAY.test(get(key)) ? get(key) : '');
  return { action: get('action'), actor: get('actor'), subjectType: get('subjectType'), from: day('from'), to: day('to') };
}

export function auditFiltersSearch(filters: TAuditFilters): string {
  const params = new URLSearchParams();
  for (const key of AUDIT_FILTER_KEYS) if (filters[key]) params.set(key, filters[key]);
  return params.toString();
}

export function hasAuditFilters(filters: TAuditFilters): boolean {
  return AUDIT_FILTER_KEYS.some((key) => filters[key] !== '');
}

/** The audit.list input: whole days, from the start of `from` to the end of `to`, local time. */
export function auditQueryInput(filters: TAuditFilters) {
  return {
    ...(filters.action ? { action: filters.action } : {}),
    ...(filters.actor ? { actor: filters.actor } : {}),
    ...(filters.subjectType ? { subjectType: filters.subjectType } : {}),
    ...(filters.from ? { from: new Date(`${filters.from}T00:00:00`) } : {}),
    ...(filters.to ? { to: new Date(`${filters.to}T23:59:59.999`) } : {}),
    limit: 50,
  };
}
