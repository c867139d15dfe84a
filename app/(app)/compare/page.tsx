import type { Metadata } from 'next';
import Link from 'next/link';
import { MAX_COMPARE, MIN_COMPARE } from '@/components/compare/compare-limits';
import { CompareView } from '@/components/compare/compare-view';
import { PageHeader } from '@/components/ui/page-header';
import { requirePrincipal } from '../current-principal';

export const metadata: Metadata = { title: 'Compare runs' };

export default async function ComparePage({ searchParams }: { searchParams: Promise<{ runs?: string | string[] }> }) {
  const { runs } = await searchParams;
  const raw = [runs ?? []].flat().join(',');
  await requirePrincipal(raw ? `/compare?runs=${encodeURIComponent(raw)}` : '/compare');
  const runIds = [...new Set(raw.split(',').map((id) => id.trim().toLowerCase()).filter(Boolean))];
  const valid = runIds.length >= MIN_COMPARE && runIds.length <= MAX_COMPARE;
  return (
    <>
      <PageHeader title="Compare runs" description="Config diff, overlaid metric curves, and params and metrics side by side." />
      {valid ? (
        <CompareView runIds={runIds} />
      ) : (
        <section className="card empty-state" data-testid="compare-invalid" role="alert">
          <h2>{runIds.length < MIN_COMPARE ? `Pick at least ${MIN_COMPARE} runs to compare` : `Compare at most ${MAX_COMPARE} runs at a time`}</h2>
          <p>
            {runIds.length < MIN_COMPARE
              ? `This link names ${runIds.length === 0 ? 'no runs' : 'only one run'}. `
              : `This link names ${runIds.length} runs; curves for more than ${MAX_COMPARE} are unreadable. `}
            Open an experiment, tick {MIN_COMPARE} to {MAX_COMPARE} runs in its table and press Compare.
          </p>
          <Link href="/experiments" className="btn">
            Go to experiments
          </Link>
        </section>
      )}
    </>
  );
}
