/** Test-only: a small valid config.yaml (an MLP on one dataset version), as training scripts log it. */
export function trainingConfigYaml(opts: { dataset?: string; fingerprint?: string; learningRate?: number } = {}): string {
  return `model:
  architecture: mlp
optimizer:
  name: adamw
  learning_rate: ${opts.learningRate ?? 0.001}
lr_schedule:
  name: cosine
batch_size_per_device: 32
device_count: 1
gradient_accumulation_steps: 1
max_epochs: 3
seed: 7
datasets:
  - name: ${opts.dataset ?? 'transactions'}
    version: 1.0.0
    fingerprint: ${opts.fingerprint ?? `sha256:${'a'.repeat(64)}`}
`;
}
