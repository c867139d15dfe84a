import type { TJsonValue } from '@/server/contracts/training-config';

/** A JSON record's entries as display rows: nested values are shown as compact JSON. */
export function jsonEntries(value: TJsonValue | null): { key: string; value: string }[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value === null ? [] : [{ key: 'value', value: JSON.stringify(value) }];
  return Object.entries(value).map(([key, v]) => ({ key, value: typeof v === 'string' ? v : JSON.stringify(v) }));
}

export function jsonField(value: TJsonValue | null, path: string[]): TJsonValue | undefined {
  let current: TJsonValue | undefined = value ?? undefined;
  for (const key of path) {
    if (current === null || current === undefined || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** The shell command that trains the run again from its recorded config, code and data versions. */
export function reproduceCommand(input: {
  gitRepo: string | null;
  gitCommit: string | null;
  hasRequirements: boolean;
  datasets: { datasetName: string; version: string }[];
}): string {
  const lines: string[] = [];
  if (input.datasets.length) {
    lines.push('# Data versions this run read (immutable; config.yaml names them too):');
    for (const d of input.datasets) lines.push(`#   ${d.datasetName} @ ${d.version}`);
  }
  if (input.gitRepo) {
    const dir = input.gitRepo.replace(/\/+$/, '').split(/[/:]/).pop()!.replace(/\.git$/, '') || 'repo';
    lines.push(`git clone ${input.gitRepo} ${dir} && cd ${dir}`);
  }
  lines.push(input.gitCommit ? `git checkout ${input.gitCommit}` : '# (no git commit was recorded: check out the code you trained with)');
  if (input.hasRequirements) lines.push('pip install -r requirements.txt   # saved with the run, see Environment');
  lines.push('python train.py --config config.yaml');
  return lines.join('\n');
}
