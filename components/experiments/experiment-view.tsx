'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { Suspense } from 'react';
import { CodeBlock } from '../ui/code-block';
import { EmptyState } from '../ui/empty-state';
import { ErrorAlert } from '../ui/error-alert';
import { formatDateTime } from '../ui/format';
import { PageHeader } from '../ui/page-header';
import { useTRPC } from '../trpc';
import { RunsView } from './runs-view';

export function ExperimentView({ experimentId, origin }: { experimentId: string; origin: string }) {
  const trpc = useTRPC();
  const experiment = useQuery(trpc.experiments.get.queryOptions({ experimentId }));
  if (experiment.isPending) return <div className="card loading">Loading experiment…</div>;
  if (experiment.error) return <ErrorAlert error={experiment.error} />;
  const e = experiment.data;
  const tags = e.tags.filter((t) => !t.key.startsWith('mlflow.'));

  const noRuns = (
    <EmptyState title="No runs yet" testId="runs-empty">
      <p>
        Runs logged to <code>{e.name}</code> appear here as soon as they start. From a training script:
      </p>
      <CodeBlock
        code={`export MLFLOW_TRACKING_URI=${origin}
export MLFLOW_TRACKING_TOKEN=<an ingest token from Settings>

import mlflow
mlflow.set_experiment(${JSON.stringify(e.name)})
with mlflow.start_run():
    mlflow.log_param("ballast.config", open("config.yaml").read())
    mlflow.set_tags({"model": "resnet50", "dataset": "imagenet-1k"})
    for step, loss in enumerate(train()):
        mlflow.log_metric("train_loss", loss, step=step)`}
      />
      <p>
        The <code>ballast.config</code> param (or a <code>config.yaml</code> artifact) records the TrainingConfig the run can be reproduced from. Create a
        token in <Link href="/settings">Settings</Link>.
      </p>
    </EmptyState>
  );

  return (
    <>
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link href="/experiments">Experiments</Link> <span aria-hidden="true">/</span> <span>{e.name}</span>
      </nav>
      <PageHeader
        title={e.name}
        description={
          <>
            Experiment {e.experimentId} · created {formatDateTime(new Date(e.creationTime))}
            {tags.length ? (
              <span className="tag-list inline">
                {tags.map((t) => (
                  <span key={t.key} className="kv-chip">
                    <span className="kv-key">{t.key}</span>
                    <span className="kv-value">{t.value}</span>
                  </span>
                ))}
              </span>
            ) : null}
          </>
        }
      />
      <Suspense fallback={<div className="card loading">Loading runs…</div>}>
        <RunsView experimentId={experimentId} noRuns={noRuns} />
      </Suspense>
    </>
  );
}
