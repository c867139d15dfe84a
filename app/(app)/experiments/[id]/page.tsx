import type { Metadata } from 'next';
import { ExperimentView } from '@/components/experiments/experiment-view';
import { requirePrincipal } from '../../current-principal';
import { requestOrigin } from '../../request-origin';

export const metadata: Metadata = { title: 'Experiment' };

export default async function ExperimentPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { id } = await params;
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(await searchParams)) for (const v of [value ?? []].flat()) search.append(key, v);
  const query = search.toString();
  await requirePrincipal(`/experiments/${encodeURIComponent(id)}${query ? `?${query}` : ''}`);
  return <ExperimentView experimentId={id} origin={await requestOrigin()} />;
}
