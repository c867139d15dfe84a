import { describe, expect, it } from 'vitest';
import type { TPrincipal } from '../auth/principal';
import { downsampleMetricSeries } from '../domain/metric-downsample';
import { createRun } from '../services/create-run';
import { createExperiment } from '../services/create-experiment';
import { logRunInputs } from '../services/link-run-datasets';
import { logRunData } from '../services/log-run-data';
import { ctxAs, makeUser, testDb } from '../testing/fixtures';
import { createCaller } from './root';

const callerAs = (principal: TPrincipal) => createCaller({ db: testDb().db, principal, authError: null, requestId: 'test' });
const FP = (c: string) => `sha256:${c.repeat(64)}`;

describe('datasets router', () => {
  it('registers immutable versions: idempotent, 409 on a different fingerprint (unchanged), 400 naming the rule for a mutable ref', async () => {
    const engineer = callerAs((await makeUser('engineer')).principal);
    const first = await engineer.datasets.registerVersion({ name: 'clicks', version: '1.4.2', fingerprint: FP('a'), rowCount: 10, schema: { id: 'int' } });
    expect(first).toMatchObject({ name: 'clicks', version: '1.4.2', kind: 'semver', created: true });
    const again = await engineer.datasets.registerVersion({ name: 'clicks', version: '1.4.2', fingerprint: FP('a') });
    expect(again).toMatchObject({ id: first.id, created: false });
    await expect(engineer.datasets.registerVersion({ name: 'clicks', version: '1.4.2', fingerprint: FP('b') })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/immutable/),
    });
    expect((await testDb().db.datasetVersion.findUniqueOrThrow({ where: { id: first.id } })).fingerprint).toBe(FP('a'));
    for (const [version, rule] of [
      ['latest', /moving name/],
      ['data/train.csv', /is a location/],
      ['^1.4.0', /version range/],
      ['s3://bucket-x/key.csv', /no versionId/],
    ] as const) {
      await expect(engineer.datasets.registerVersion({ name: 'clicks', version, fingerprint: FP('c') })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(rule) });
    }
    const viewer = callerAs((await makeUser('viewer')).principal);
    await expect(viewer.datasets.registerVersion({ name: 'clicks', version: '1.4.3', fingerprint: FP('a') })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('lists datasets and shows each version with the runs that read it', async () => {
    const user = await makeUser('engineer');
    const ctx = ctxAs(user.principal);
    const { experimentId } = await createExperiment(ctx, { name: 'lineage' });
    const run = await createRun(ctx, { experiment_id: experimentId, run_name: 'reader' });
    const caller = callerAs(user.principal);
    await caller.datasets.registerVersion({ name: 'images', version: 'md5:d41d8cd98f00b204e9800998ecf8427e', fingerprint: FP('d') });
    await logRunInputs(ctx, { run_id: run.runId, datasets: [{ tags: [{ key: 'ballast.dataset.version', value: 'md5:d41d8cd98f00b204e9800998ecf8427e' }], dataset: { name: 'images', digest: 'x' } }] });
    const list = await caller.datasets.list();
    expect(list.find((d) => d.name === 'images')).toMatchObject({ versionCount: 1 });
    const images = await caller.datasets.get({ name: 'images' });
    expect(images.versions[0]).toMatchObject({ version: 'md5:d41d8cd98f00b204e9800998ecf8427e', kind: 'dvc-md5', fingerprint: FP('d'), runs: [{ runId: run.runId, runName: 'reader' }] });
    await expect(caller.datasets.get({ name: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('experiments and runs routers', () => {
  it('list runs with server-side filters (tag, status, param, metric), sort and pages', async () => {
    const user = await makeUser('engineer');
    const ctx = ctxAs(user.principal);
    const { experimentId } = await createExperiment(ctx, { name: 'table' });
    for (let i = 0; i < 12; i++) {
      const run = await createRun(ctx, { experiment_id: experimentId, run_name: `t${String(i).padStart(2, '0')}`, start_time: 1000 + i });
      await logRunData(ctx, {
        runId: run.runId,
        metrics: [{ key: 'acc', value: i / 100, timestamp: 1, step: 0 }],
        params: [{ key: 'opt', value: i % 3 === 0 ? 'sgd' : 'adam' }],
        tags: [{ key: 'model', value: i % 2 ? 'vit' : 'resnet' }],
      });
    }
    const caller = callerAs((await makeUser('viewer')).principal);
    expect((await caller.experiments.list()).experiments.map((e) => e.name)).toContain('table');
    expect(await caller.experiments.get({ experimentId })).toMatchObject({ name: 'table' });
    const page = await caller.runs.list({
      experimentId,
      tags: [{ key: 'model', value: 'vit' }],
      params: [{ key: 'opt', op: '=', value: 'adam' }],
      metrics: [{ key: 'acc', op: '>=', value: 0.03 }],
      status: ['RUNNING'],
      sort: { by: 'metric', key: 'acc', direction: 'desc' },
      pageSize: 2,
    });
    // vit = odd i; adam = i not divisible by 3; acc >= 0.03 -> i in {5, 7, 11}
    expect(page.total).toBe(3);
    expect(page.runs.map((r) => r.runName)).toEqual(['t11', 't07']);
    const next = await caller.runs.list({ experimentId, tags: [{ key: 'model', value: 'vit' }], params: [{ key: 'opt', value: 'adam' }], metrics: [{ key: 'acc', op: '>=', value: 0.03 }], sort: { by: 'metric', key: 'acc', direction: 'desc' }, pageSize: 2, page: 1 });
    expect(next.runs.map((r) => r.runName)).toEqual(['t05']);
    expect((await caller.runs.list({ experimentId, status: ['FINISHED'] })).total).toBe(0);
    const byName = await caller.runs.list({ experimentId, sort: { by: 'attribute', key: 'run_name', direction: 'asc' }, pageSize: 3 });
    expect(byName.runs.map((r) => r.runName)).toEqual(['t00', 't01', 't02']);
  });

  it('get a run with its record, and compare runs: config diff and params/metrics table', async () => {
    const user = await makeUser('engineer');
    const ctx = ctxAs(user.principal);
    const { experimentId } = await createExperiment(ctx, { name: 'compare' });
    const yaml = (lr: number) =>
      `model: {architecture: resnet50}\noptimizer: {name: adamw, learning_rate: ${lr}}\nlr_schedule: {name: cosine}\nbatch_size_per_device: 32\nmax_epochs: 10\nseed: 7\ndatasets: [{name: imgs, version: "md5:d41d8cd98f00b204e9800998ecf8427e"}]\n`;
    const ids: string[] = [];
    for (const lr of [0.1, 0.2]) {
      const run = await createRun(ctx, { experiment_id: experimentId, tags: [{ key: 'ballast.hardware', value: '{"device_type":"gpu","device_count":8}' }] });
      await logRunData(ctx, { runId: run.runId, params: [{ key: 'ballast.config', value: yaml(lr) }, { key: 'lr', value: String(lr) }], metrics: [{ key: 'loss', value: lr, timestamp: 1, step: 0 }] });
      ids.push(run.runId);
    }
    const caller = callerAs(user.principal);
    const details = await caller.runs.get({ runId: ids[0]! });
    expect(details.record).toMatchObject({ effectiveBatchSize: 32, seed: 7, hardware: { device_type: 'gpu', device_count: 8 }, missingRequiredTags: ['model', 'dataset', 'engineer'] });
    expect(details.record.configYaml).toContain('learning_rate: 0.1');
    const compared = await caller.runs.compare({ runIds: ids });
    expect(compared.configDiff.find((r) => r.path === 'optimizer.learning_rate')).toEqual({ path: 'optimizer.learning_rate', values: [0.1, 0.2], changed: true });
    expect(compared.configDiff.find((r) => r.path === 'seed')).toMatchObject({ changed: false });
    expect(compared.params.find((p) => p.key === 'lr')).toEqual({ key: 'lr', values: ['0.1', '0.2'], changed: true });
    expect(compared.metrics).toEqual([{ key: 'loss', values: [0.1, 0.2] }]);
    await expect(caller.runs.compare({ runIds: [ids[0]!] })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('downsamples a long metric series to <= 2000 points from the rollups, keeping the envelope', async () => {
    const user = await makeUser('engineer');
    const ctx = ctxAs(user.principal);
    const { experimentId } = await createExperiment(ctx, { name: 'series' });
    const run = await createRun(ctx, { experiment_id: experimentId });
    const n = 40_000;
    const values = Array.from({ length: n }, (_, i) => Math.sin(i / 500) + ((i * 7919) % 1000) / 5000);
    values[12_345] = 5; // a spike that must survive
    values[23_456] = -5;
    values[30_000] = Number.NaN;
    for (let start = 0; start < n; start += 1000) {
      await logRunData(ctx, { runId: run.runId, metrics: values.slice(start, start + 1000).map((value, j) => ({ key: 'loss', value, timestamp: start + j, step: start + j })) });
    }
    const caller = callerAs(user.principal);
    const series = await caller.runs.metricSeries({ runId: run.runId, key: 'loss' });
    expect(series.source).toBe('rollup');
    expect(series.points.length).toBeLessThanOrEqual(2000);
    expect(series.points.length).toBeGreaterThan(1000);
    expect(series.points[0]).toEqual({ step: 0, value: values[0] });
    expect(series.points.at(-1)).toEqual({ step: n - 1, value: values[n - 1] });
    expect(series.points).toContainEqual({ step: 12_345, value: 5 });
    expect(series.points).toContainEqual({ step: 23_456, value: -5 });
    // Same envelope as downsampling every raw point, to within one bucket's width of steps.
    const exact = downsampleMetricSeries(values.map((value, step) => ({ step, value })), 2000);
    const finite = (pts: { value: number }[]) => pts.filter((p) => Number.isFinite(p.value)).map((p) => p.value);
    expect(Math.max(...finite(series.points))).toBe(Math.max(...finite(exact)));
    expect(Math.min(...finite(series.points))).toBe(Math.min(...finite(exact)));
    const short = await caller.runs.metricSeries({ runId: run.runId, key: 'loss', maxPoints: 10 });
    expect(short.points.length).toBeLessThanOrEqual(10);
  });
});
