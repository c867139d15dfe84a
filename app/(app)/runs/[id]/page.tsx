import type { Metadata } from 'next';
import { Suspense } from 'react';
import { RunView } from '@/components/runs/run-view';
import { hasScope } from '@/server/auth/permissions';
import { requirePrincipal } from '../../current-principal';

export const metadata: Metadata = { title: 'Run' };

export default async function RunPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ tab?: string | string[] }> }) {
  const { id } = await params;
  const { tab } = await searchParams;
  const principal = await requirePrincipal(`/runs/${encodeURIComponent(id)}${typeof tab === 'string' ? `?tab=${encodeURIComponent(tab)}` : ''}`);
  return (
    <Suspense fallback={<div className="card loading">Loading run…</div>}>
      <RunView runId={id} canRegister={hasScope(principal.scopes, 'model:write')} />
    </Suspense>
  );
}
