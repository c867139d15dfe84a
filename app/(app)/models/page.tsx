import type { Metadata } from 'next';
import Link from 'next/link';
import { ModelList } from '@/components/models/model-list';
import { CodeBlock } from '@/components/ui/code-block';
import { EmptyState } from '@/components/ui/empty-state';
import { Forbidden } from '@/components/ui/forbidden';
import { PageHeader } from '@/components/ui/page-header';
import { neededRoleText } from '@/components/ui/roles';
import { hasScope } from '@/server/auth/permissions';
import { requirePrincipal } from '../current-principal';

export const metadata: Metadata = { title: 'Models' };

export default async function ModelsPage() {
  const principal = await requirePrincipal('/models');
  if (!hasScope(principal.scopes, 'model:read')) return <Forbidden title={`You need ${neededRoleText('model:read')} to see the model registry`} />;
  return (
    <>
      <PageHeader
        title="Models"
        description="Registered models, their versions and where each stands in the lifecycle."
        actions={
          hasScope(principal.scopes, 'model:approve') ? (
            <Link href="/approvals" className="btn">
              Approvals inbox
            </Link>
          ) : null
        }
      />
      <ModelList
        empty={
          <EmptyState title="No models registered yet">
            <p>
              Register a model version from a training run in <Link href="/experiments">Experiments</Link>. It starts in <code>development</code>; each
              promotion (to <code>staging</code>, then <code>production</code>) shows its gates here: validation checks, the latency benchmark and an
              owner&apos;s approval.
            </p>
            <p>With the MLflow client, after a run that logged an ONNX model (with golden examples and reference statistics) under &quot;model&quot;:</p>
            <CodeBlock
              code={`import mlflow

# MLFLOW_TRACKING_TOKEN: an API token with the ingest scope (Settings)
mlflow.set_tracking_uri("http://localhost:3000")  # your Ballast URL
mlflow.register_model(f"runs:/{run_id}/model", "churn-classifier")`}
            />
            <p>Or through the API, with a token that has the ingest scope:</p>
            <CodeBlock
              code={`POST /api/2.0/mlflow/registered-models/create   {"name": "churn-classifier"}
POST /api/2.0/mlflow/model-versions/create      {"name": "churn-classifier", "source": "runs:/<run_id>/model", "run_id": "<run_id>"}`}
            />
          </EmptyState>
        }
      />
    </>
  );
}
