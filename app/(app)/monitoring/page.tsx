import type { Metadata } from 'next';
import Link from 'next/link';
import { MonitoringModelList } from '@/components/monitoring/model-picker';
import { CodeBlock } from '@/components/ui/code-block';
import { Forbidden } from '@/components/ui/forbidden';
import { PageHeader } from '@/components/ui/page-header';
import { neededRoleText } from '@/components/ui/roles';
import { hasScope } from '@/server/auth/permissions';
import { requirePrincipal } from '../current-principal';

export const metadata: Metadata = { title: 'Monitoring' };

export default async function MonitoringPage() {
  const principal = await requirePrincipal('/monitoring');
  if (!hasScope(principal.scopes, 'monitoring:read')) return <Forbidden title={`You need ${neededRoleText('monitoring:read')} to see monitoring`} />;
  return (
    <>
      <PageHeader
        title="Monitoring"
        description="Traffic, latency, confidence and drift against the training reference, per model."
        actions={
          <Link href="/monitoring/alerts" className="btn">
            Alerts
          </Link>
        }
      />
      <div className="stack">
        <MonitoringModelList />
        <section className="card">
          <div className="card-header">
            <div>
              <h2>How it fills in</h2>
              <p>
                Charts fill in once a version serves traffic (see <Link href="/deployments">Deployments</Link>): workers report per-minute counters and ship their
                prediction logs, and each 5-minute and 1-hour window is compared with the version&apos;s training reference statistics. The control plane
                exports open alerts and drift as Prometheus gauges at <code>/api/metrics</code>; each worker exposes its own metrics:
              </p>
            </div>
          </div>
          <div className="card-body">
            <CodeBlock
              code={`scrape_configs:
  - job_name: ballast-control-plane
    metrics_path: /api/metrics
    static_configs:
      - targets: ["<ballast-host>:3000"]
  - job_name: ballast-workers
    metrics_path: /metrics
    static_configs:
      - targets: ["<worker-host>:<port>"]`}
            />
          </div>
        </section>
      </div>
    </>
  );
}
