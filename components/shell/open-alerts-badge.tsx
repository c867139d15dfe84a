'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useTRPC } from '../trpc';

/** The open-alerts count in the header, polled every 15 s; red when one of them is critical. */
export function OpenAlertsBadge() {
  const trpc = useTRPC();
  const query = useQuery({ ...trpc.alerts.openCount.queryOptions(), refetchInterval: 15_000, staleTime: 5_000 });
  const open = query.data?.open ?? 0;
  const critical = query.data?.critical ?? 0;
  const label = open ? `${open} open alert${open === 1 ? '' : 's'}${critical ? `, ${critical} critical` : ''}` : 'No open alerts';
  return (
    <Link href="/monitoring/alerts" className={`alerts-badge${open ? (critical ? ' alerts-badge-critical' : ' alerts-badge-open') : ''}`} title={label} aria-label={label} data-testid="alerts-badge" data-count={open}>
      <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
        <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
        <path d="M13.73 21a2 2 0 0 1-3.46 0" />
      </svg>
      {open ? <span className="alerts-badge-count">{open > 99 ? '99+' : open}</span> : null}
    </Link>
  );
}
