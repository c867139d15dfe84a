import type { Metadata } from 'next';
import Link from 'next/link';
import { CodeBlock } from '@/components/ui/code-block';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePrincipal } from '../current-principal';

export const metadata: Metadata = { title: 'Monitoring' };

export default async function MonitoringPage() {
  await requirePrincipal('/monitoring');
  return (
    <>
      <PageHeader title="Monitoring" description="Drift against the training reference, A/B results and alerts." />
      <EmptyState title="No predictions to watch yet">
        <p>
          Drift charts and alerts fill in once a model version serves traffic (see <Link href="/deployments">Deployments</Link>): workers ship their
          prediction logs here, and each window is compared with the training-time reference statistics.
        </p>
        <p>Each inference worker also exposes Prometheus metrics; add them to your scrape configuration:</p>
        <CodeBlock
          code={`scrape_configs:
  - job_name: ballast-workers
    metrics_path: /metrics
    static_configs:
      - targets: ["<worker-host>:<port>"]`}
        />
      </EmptyState>
    </>
  );
}
