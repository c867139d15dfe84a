import type { Metadata } from 'next';
import Link from 'next/link';
import { CodeBlock } from '@/components/ui/code-block';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePrincipal } from '../current-principal';

export const metadata: Metadata = { title: 'Models' };

export default async function ModelsPage() {
  await requirePrincipal('/models');
  return (
    <>
      <PageHeader title="Models" description="Registered models, their versions and where each stands in the lifecycle." />
      <EmptyState title="No models registered yet">
        <p>
          Register a model version from a training run in <Link href="/experiments">Experiments</Link>. It starts in <code>development</code>; each
          promotion (to <code>staging</code>, then <code>production</code>) shows its gates here: validation tests, the latency benchmark and an
          owner&apos;s approval.
        </p>
        <CodeBlock
          code={`import mlflow

# after a run that logged an ONNX model under "model"
mlflow.register_model(f"runs:/{run_id}/model", "churn-classifier")`}
        />
      </EmptyState>
    </>
  );
}
