'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useTRPC } from '../trpc';
import { ErrorAlert } from '../ui/error-alert';

/** Jump between models' monitoring pages; the current one is preselected. */
export function ModelPicker({ current }: { current?: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const models = useQuery(trpc.models.list.queryOptions());
  if (models.error) return <ErrorAlert error={models.error} />;
  return (
    <label className="model-picker">
      <span className="field-label">Model</span>
      <select
        value={current ?? ''}
        onChange={(e) => e.target.value && router.push(`/monitoring/${encodeURIComponent(e.target.value)}`)}
        data-testid="monitoring-model-picker"
        disabled={!models.data}
      >
        {current ? null : <option value="">Choose a model…</option>}
        {(models.data ?? []).map((m) => (
          <option key={m.id} value={m.name}>
            {m.name}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The monitoring landing page: every registered model, with what production serves. */
export function MonitoringModelList() {
  const trpc = useTRPC();
  const models = useQuery(trpc.models.list.queryOptions());
  const deployments = useQuery(trpc.deployments.list.queryOptions({ active: true }));
  if (models.isPending) return <div className="card loading">Loading models…</div>;
  if (models.error) return <ErrorAlert error={models.error} />;
  if (!models.data.length) return null;
  return (
    <section className="card">
      <div className="card-header">
        <div>
          <h2>Models</h2>
          <p>Pick a model to see its traffic, latency, confidence, drift and alerts.</p>
        </div>
      </div>
      <div className="table-wrap">
        <table className="table table-hover" data-testid="monitoring-models">
          <thead>
            <tr>
              <th>Model</th>
              <th>Production</th>
              <th>Active deployment</th>
              <th>SLA</th>
            </tr>
          </thead>
          <tbody>
            {models.data.map((m) => {
              const d = deployments.data?.find((x) => x.modelName === m.name);
              return (
                <tr key={m.id}>
                  <td>
                    <Link className="strong-link" href={`/monitoring/${encodeURIComponent(m.name)}`}>
                      {m.name}
                    </Link>
                  </td>
                  <td className="mono">{m.productionVersion ? `v${m.productionVersion}` : <span className="muted">none</span>}</td>
                  <td>{d ? <Link href={`/deployments/${d.id}`}>{`${d.strategy.replace('_', ' ')} → v${d.candidate?.version} (${d.candidatePercent}%)`}</Link> : <span className="muted">—</span>}</td>
                  <td>{m.slaClass}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
