import type { Metadata } from 'next';
import { Suspense } from 'react';
import { RunView } from '@/components/runs/run-view';
import { requirePrincipal } from '../../current-principal';

export const metadata: Metadata = { title: 'Run' };

export default async function RunPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ tab?: string | string[] }> }) {
  const { id } = await params;
  const { tab } = await searchParams;
  await requirePrincipal(`/runs/${encodeURIComponent(id)}${typeof tab === 'string' ? `?tab=${encodeURIComponent(tab)}` : ''}`);
  return (
    <Suspense fallback={<div className="card loading">Loading run…</div>}>
      <RunView runId={id} />
    </Suspense>
  );
}
