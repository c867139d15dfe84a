import type { Metadata } from 'next';
import Link from 'next/link';
import { ExperimentList } from '@/components/experiments/experiment-list';
import { CodeBlock } from '@/components/ui/code-block';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePrincipal } from '../current-principal';
import { requestOrigin } from '../request-origin';

export const metadata: Metadata = { title: 'Experiments' };

export default async function ExperimentsPage() {
  await requirePrincipal('/experiments');
  const origin = await requestOrigin();
  const howTo = (
    <EmptyState title="No experiments yet">
      <p>Log a run from a training script with an MLflow client: Ballast speaks the MLflow tracking API, so only the tracking address and a token change.</p>
      <ol>
        <li>
          Create an API token with the <code>ingest</code> scope in <Link href="/settings">Settings</Link>.
        </li>
        <li>Point the MLflow client at Ballast and run your script:</li>
      </ol>
      <CodeBlock
        code={`export MLFLOW_TRACKING_URI=${origin}
export MLFLOW_TRACKING_TOKEN=<an ingest token from Settings>
python train.py`}
      />
      <p>Inside the script, log as you already do:</p>
      <CodeBlock
        code={`import mlflow

mlflow.set_experiment("churn-classifier")
with mlflow.start_run():
    mlflow.log_params({"learning_rate": 3e-4, "batch_size": 64, "seed": 42})
    for epoch in range(10):
        mlflow.log_metric("val_loss", train_one_epoch(), step=epoch)`}
      />
      <p>The run shows up here as soon as it starts; compare runs side by side once you have two.</p>
    </EmptyState>
  );
  return (
    <>
      <PageHeader title="Experiments" description="Training runs with their config, metrics, code version and datasets." />
      <ExperimentList empty={howTo} />
    </>
  );
}
