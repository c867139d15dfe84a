import { describe, expect, it } from 'vitest';
import {
  effectiveBatchSize,
  formatConfigIssues,
  formatFieldPath,
  SEED_MAX,
  ZTrainingConfig,
  type TConfigIssue,
} from './training-config';

const MD5 = 'md5:d41d8cd98f00b204e9800998ecf8427e';

function minimalConfig(): Record<string, unknown> {
  return {
    model: { architecture: 'resnet50' },
    optimizer: { name: 'adamw', learning_rate: 0.001 },
    lr_schedule: { name: 'cosine' },
    batch_size_per_device: 32,
    max_epochs: 10,
    seed: 42,
    datasets: [{ name: 'imagenet-1k', version: MD5 }],
  };
}

function issuesOf(input: unknown): TConfigIssue[] {
  const result = ZTrainingConfig.safeParse(input);
  if (result.success) throw new Error('expected the config to be refused');
  return formatConfigIssues(result.error).issues;
}

describe('ZTrainingConfig', () => {
  it('applies defaults to a minimal config', () => {
    expect(ZTrainingConfig.parse(minimalConfig())).toEqual({
      model: { architecture: 'resnet50', hyperparameters: {} },
      optimizer: { name: 'adamw', learning_rate: 0.001, weight_decay: 0, params: {} },
      lr_schedule: { name: 'cosine', params: {} },
      batch_size_per_device: 32,
      device_count: 1,
      gradient_accumulation_steps: 1,
      max_epochs: 10,
      seed: 42,
      datasets: [{ name: 'imagenet-1k', version: MD5 }],
      extra: {},
    });
  });

  it('keeps open records open and nested JSON intact', () => {
    const config = ZTrainingConfig.parse({
      ...minimalConfig(),
      model: { architecture: 'vit', hyperparameters: { depth: 12, dropout: 0.1, act: 'gelu', stages: [1, [2, 3]], norm: null } },
      optimizer: { name: 'adamw', learning_rate: 3e-4, weight_decay: 0.05, params: { betas: [0.9, 0.999] } },
      early_stopping: { patience: 0, metric: 'val_loss', mode: 'min' },
      extra: { anything: { goes: true } },
    });
    expect(config.model.hyperparameters.stages).toEqual([1, [2, 3]]);
    expect(config.optimizer.params.betas).toEqual([0.9, 0.999]);
    expect(config.early_stopping).toEqual({ patience: 0, metric: 'val_loss', mode: 'min' });
  });

  it('accepts the seed bounds 0 and 2^32-1 and refuses just outside them', () => {
    // 2^32 - 1 = 4294967295
    expect(SEED_MAX).toBe(4294967295);
    expect(ZTrainingConfig.safeParse({ ...minimalConfig(), seed: 0 }).success).toBe(true);
    expect(ZTrainingConfig.safeParse({ ...minimalConfig(), seed: 4294967295 }).success).toBe(true);
    expect(issuesOf({ ...minimalConfig(), seed: 4294967296 })).toEqual([{ field: 'seed', rule: 'must be <= 4294967295' }]);
    expect(issuesOf({ ...minimalConfig(), seed: -1 })).toEqual([{ field: 'seed', rule: 'must be >= 0' }]);
    expect(issuesOf({ ...minimalConfig(), seed: 1.5 })).toEqual([{ field: 'seed', rule: 'must be an integer' }]);
  });

  it('names the field and the rule for each violation', () => {
    const input = {
      ...minimalConfig(),
      optimizer: { name: 'sgd', learning_rate: 0, weight_decay: -0.1 },
      batch_size_per_device: 0,
      device_count: 2.5,
      early_stopping: { patience: 3, metric: 'acc', mode: 'up' },
      datasets: [],
    };
    expect(issuesOf(input)).toEqual([
      { field: 'optimizer.learning_rate', rule: 'must be > 0' },
      { field: 'optimizer.weight_decay', rule: 'must be >= 0' },
      { field: 'batch_size_per_device', rule: 'must be >= 1' },
      { field: 'device_count', rule: 'must be an integer' },
      { field: 'early_stopping.mode', rule: 'must be one of: min, max' },
      { field: 'datasets', rule: 'must have at least 1 item' },
    ]);
  });

  it('reports missing fields as required', () => {
    const withoutSeed = minimalConfig();
    delete withoutSeed.seed;
    expect(issuesOf({ ...withoutSeed, model: {} })).toEqual([
      { field: 'model.architecture', rule: 'required' },
      { field: 'seed', rule: 'required' },
    ]);
  });

  it('refuses unknown keys, except inside records', () => {
    expect(issuesOf({ ...minimalConfig(), optimizer: { name: 'adamw', learning_rte: 0.1, learning_rate: 0.1 } })).toEqual([
      { field: 'optimizer.learning_rte', rule: 'unknown field' },
    ]);
    expect(issuesOf({ ...minimalConfig(), epochs: 3 })).toEqual([{ field: 'epochs', rule: 'unknown field' }]);
  });

  it('refuses effective_batch_size and says it is computed', () => {
    const result = ZTrainingConfig.safeParse({ ...minimalConfig(), effective_batch_size: 256 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/effective_batch_size is computed/);
    const report = formatConfigIssues(result.error!);
    expect(report.issues).toEqual([{ field: 'effective_batch_size', rule: expect.stringMatching(/^is computed .*remove it$/) }]);
    expect(report.message).toMatch(/^Invalid training config: effective_batch_size is computed/);
  });

  it('points at the non-JSON leaf inside an open record', () => {
    const issues = issuesOf({ ...minimalConfig(), optimizer: { name: 'adamw', learning_rate: 0.1, params: { betas: [0.9, Number.NaN] } } });
    expect(issues).toEqual([{ field: 'optimizer.params.betas[1]', rule: 'NaN is not a JSON number' }]);
    expect(issuesOf({ ...minimalConfig(), extra: { when: new Date(0) } })[0]?.field).toBe('extra.when');
    expect(issuesOf({ ...minimalConfig(), extra: { f: Number.POSITIVE_INFINITY } })[0]?.rule).toBe('Infinity is not a JSON number');
  });

  it('refuses learning_rate Infinity and non-numeric strings', () => {
    expect(issuesOf({ ...minimalConfig(), optimizer: { name: 'adamw', learning_rate: Infinity } })[0]?.field).toBe('optimizer.learning_rate');
    expect(issuesOf({ ...minimalConfig(), optimizer: { name: 'adamw', learning_rate: '0.1' } })).toEqual([
      { field: 'optimizer.learning_rate', rule: 'must be a number' },
    ]);
  });

  it('carries dataset reference errors with their path', () => {
    const issues = issuesOf({ ...minimalConfig(), datasets: [{ name: 'a', version: MD5 }, { name: 'b', version: 'latest' }] });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.field).toBe('datasets[1].version');
    expect(issues[0]?.rule).toMatch(/moving name/);
  });

  it('refuses the same dataset name twice', () => {
    const issues = issuesOf({
      ...minimalConfig(),
      datasets: [
        { name: 'a', version: MD5 },
        { name: 'a', version: 's3://bucket/k?versionId=v' },
      ],
    });
    expect(issues).toEqual([{ field: 'datasets[1].name', rule: 'duplicates datasets[0].name "a"; each dataset may appear once' }]);
  });

  it('refuses empty names after trimming', () => {
    expect(issuesOf({ ...minimalConfig(), lr_schedule: { name: '  ' } })).toEqual([{ field: 'lr_schedule.name', rule: 'must not be empty' }]);
  });
});

describe('effectiveBatchSize', () => {
  it('multiplies per-device batch, devices and accumulation steps', () => {
    // 32 x 8 x 4 = 1024
    expect(effectiveBatchSize({ batch_size_per_device: 32, device_count: 8, gradient_accumulation_steps: 4 })).toBe(1024);
    // defaults: 16 x 1 x 1 = 16
    expect(effectiveBatchSize(ZTrainingConfig.parse({ ...minimalConfig(), batch_size_per_device: 16 }))).toBe(16);
  });
});

describe('formatConfigIssues', () => {
  it('builds a one-line message naming at most three issues', () => {
    const result = ZTrainingConfig.safeParse({});
    const report = formatConfigIssues(result.error!);
    // model, optimizer, lr_schedule, batch_size_per_device, max_epochs, seed, datasets are required: 7.
    expect(report.issues).toHaveLength(7);
    expect(report.message).toBe('Invalid training config: model required; optimizer required; lr_schedule required (and 4 more)');
    expect(report.message).not.toContain('\n');
  });

  it('reports a non-object root', () => {
    expect(formatConfigIssues(ZTrainingConfig.safeParse([]).error!).issues).toEqual([{ field: '(root)', rule: 'must be a map' }]);
  });
});

describe('formatFieldPath', () => {
  it('uses dots for identifiers, brackets for indices and odd keys', () => {
    expect(formatFieldPath(['optimizer', 'learning_rate'])).toBe('optimizer.learning_rate');
    expect(formatFieldPath(['datasets', 0, 'version'])).toBe('datasets[0].version');
    expect(formatFieldPath(['extra', 'a.b', 'c-d'])).toBe('extra["a.b"]["c-d"]');
    expect(formatFieldPath([])).toBe('(root)');
  });
});
