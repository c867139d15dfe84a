import type { Metadata } from 'next';
import { DatasetView } from '@/components/datasets/dataset-view';
import { requirePrincipal } from '../../current-principal';

export const metadata: Metadata = { title: 'Dataset' };

export default async function DatasetPage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  await requirePrincipal(`/datasets/${encodeURIComponent(decodeURIComponent(name))}`);
  return <DatasetView name={decodeURIComponent(name)} />;
}
