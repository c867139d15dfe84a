import type { Metadata } from 'next';
import { DatasetList } from '@/components/datasets/dataset-list';
import { CodeBlock } from '@/components/ui/code-block';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePrincipal } from '../current-principal';

export const metadata: Metadata = { title: 'Datasets' };

export default async function DatasetsPage() {
  await requirePrincipal('/datasets');
  const howTo = (
    <EmptyState title="No dataset versions yet">
      <p>
        A dataset version is registered when a training run logs it as an input. Name it by an immutable version, so the run can be reproduced byte for
        byte:
      </p>
      <ul>
        <li>
          a DVC content hash: <code>md5:1f3870be274f6c49b3e31a0c6728957f</code>
        </li>
        <li>
          an S3 object version: <code>s3://bucket/train.parquet?versionId=3HL4kqtJlcpXroDTDmJ</code>
        </li>
        <li>
          a registry release: <code>1.4.2</code>
        </li>
      </ul>
      <p>
        Moving references such as <code>latest</code>, a branch name or a bare path are refused, with the form to use instead.
      </p>
      <CodeBlock
        code={`import mlflow

dataset = mlflow.data.from_pandas(
    df,
    source="s3://bucket/train.parquet?versionId=3HL4kqtJlcpXroDTDmJ",
    name="churn-train",
)
with mlflow.start_run():
    mlflow.log_input(dataset, context="training")`}
      />
    </EmptyState>
  );
  return (
    <>
      <PageHeader title="Datasets" description="Dataset versions and the runs and models that used them." />
      <DatasetList empty={howTo} />
    </>
  );
}
