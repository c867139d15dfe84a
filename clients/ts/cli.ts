/*
 * `ballast`: the command line of a Ballast control plane, for people and CI pipelines.
 * Env: BALLAST_URL (default http://localhost:3000), BALLAST_TOKEN (an API token).
 * Exit codes: 0 done, 1 the server refused or could not be reached (one line `error: ...` on stderr),
 * 2 a usage error.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { BallastError, createBallastClient, parseTrainingConfig, type TBallastClient } from './ballast-client';

const USAGE = `usage: ballast <command> [options]

commands:
  whoami
  status [model]
  log-run --experiment E --config config.yaml [--metrics metrics.json] [--artifact path ...] [--tag k=v ...] [--name N]
  register-dataset --name N --version V --fingerprint sha256:... [--description D] [--rows N]
  register-version --model M --run RUN_ID [--description D] [--features a,b,...]
                                       (--features: the input's column names, in order)
  request-promotion --model M --version V [--comment C] [--canary PERCENT [--canary-minutes N]]
                                       (with --canary, the approval starts a canary that ends in production)
  approve --request ID [--comment C]
  reject --request ID --comment C      (the comment says what to fix)
  withdraw --request ID                (the requester takes it back)
  promote --model M --version V        (development -> staging)
  rollback --model M [--reason R]      (production back to the previous version)
  rename-model --model M --new-name N [--reason R]
                                       (owners; an admin who does not own M gives --reason; refused while M is served)
  webhooks list [--model M]
  webhooks deliveries [--model M] [--webhook ID]
  webhooks add --url URL [--model M] [--event E ...]   (no --model: every model, admins only)
  webhooks disable|enable|delete|test --webhook ID [--reason R]
  webhooks redeliver --delivery ID [--reason R]        (a failed delivery, sent again)

options: --json prints the server's answer as JSON
env: BALLAST_URL (default http://localhost:3000), BALLAST_TOKEN`;

class UsageError extends Error {}

const OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  experiment: { type: 'string' },
  config: { type: 'string' },
  metrics: { type: 'string' },
  artifact: { type: 'string', multiple: true },
  tag: { type: 'string', multiple: true },
  name: { type: 'string' },
  version: { type: 'string' },
  fingerprint: { type: 'string' },
  description: { type: 'string' },
  rows: { type: 'string' },
  model: { type: 'string' },
  run: { type: 'string' },
  comment: { type: 'string' },
  request: { type: 'string' },
  reason: { type: 'string' },
  canary: { type: 'string' },
  features: { type: 'string' },
  'canary-minutes': { type: 'string' },
  'new-name': { type: 'string' },
  webhook: { type: 'string' },
  delivery: { type: 'string' },
  url: { type: 'string' },
  event: { type: 'string', multiple: true },
} as const;

type TValues = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function need(values: TValues, key: 'experiment' | 'config' | 'name' | 'version' | 'fingerprint' | 'model' | 'run' | 'request' | 'new-name' | 'webhook' | 'delivery' | 'url'): string {
  const value = values[key];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${key} is required`);
  return value;
}

function versionNumber(values: TValues): number {
  const raw = need(values, 'version');
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--version must be a version number (1, 2, ...), not "${raw}"`);
  return n;
}

/** --canary 10 [--canary-minutes 60]: the rollout a promotion request asks for (the server checks the ranges). */
function canaryOption(values: TValues): { percent: number; durationS?: number } | undefined {
  if (values.canary === undefined) {
    if (values['canary-minutes'] !== undefined) throw new UsageError('--canary-minutes needs --canary PERCENT');
    return undefined;
  }
  const percent = Number(values.canary);
  if (!Number.isFinite(percent)) throw new UsageError(`--canary must be a percent of traffic (e.g. 10), not "${values.canary}"`);
  const minutes = values['canary-minutes'] === undefined ? undefined : Number(values['canary-minutes']);
  if (minutes !== undefined && !(Number.isInteger(minutes) && minutes > 0)) throw new UsageError(`--canary-minutes must be a whole number of minutes, not "${values['canary-minutes']}"`);
  return { percent, ...(minutes ? { durationS: minutes * 60 } : {}) };
}

function parseTags(list: string[] | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const item of list ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--tag must be key=value, not "${item}"`);
    tags[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return tags;
}

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new BallastError(`cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/** metrics.json: {"loss": 0.3} (step 0), {"loss": [0.5, 0.4]} (steps 0, 1, ...) or [{"key", "value", "step"}]. */
export function parseMetrics(text: string): { key: string; value: number; step: number }[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new BallastError(`metrics file is not JSON: ${(err as Error).message}`);
  }
  const points: { key: string; value: number; step: number }[] = [];
  const bad = (what: string) => new BallastError(`metrics file: ${what} (expected {"name": number | number[]} or [{"key", "value", "step"}])`);
  if (Array.isArray(parsed)) {
    for (const p of parsed as unknown[]) {
      const point = p as { key?: unknown; value?: unknown; step?: unknown };
      if (typeof point?.key !== 'string' || typeof point.value !== 'number') throw bad('each point needs a string key and a number value');
      points.push({ key: point.key, value: point.value, step: typeof point.step === 'number' ? point.step : 0 });
    }
  } else if (parsed && typeof parsed === 'object') {
    for (const [key, value] of Object.entries(parsed)) {
      if (typeof value === 'number') points.push({ key, value, step: 0 });
      else if (Array.isArray(value) && value.every((v) => typeof v === 'number')) value.forEach((v: number, step) => points.push({ key, value: v, step }));
      else throw bad(`"${key}" is neither a number nor a list of numbers`);
    }
  } else throw bad('not an object or a list');
  return points;
}

function print(json: boolean, data: unknown, human: () => string) {
  // BigInt (artifact sizes, ids) as a number when it fits, else as a string.
  const replacer = (_key: string, value: unknown) => (typeof value === 'bigint' ? (Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()) : value);
  console.log(json ? JSON.stringify(data, replacer, 2) : human());
}

async function status(client: TBallastClient, model: string | undefined, json: boolean) {
  const { trpc, call } = client;
  if (model) {
    const details = await call(() => trpc.models.get.query({ name: model }));
    const deployments = await optional(call(() => trpc.deployments.list.query({ modelName: model, active: true })));
    const alias = (name: string) => details.aliases.find((a) => a.alias === name)?.version ?? null;
    const open = details.promotions.filter((p) => p.status === 'requested');
    const data = { model: details.name, production: alias('production'), previous: alias('previous'), versions: details.versionCount, openRequests: open, activeDeployments: deployments };
    print(json, data, () =>
      [
        `model ${details.name} (${details.versionCount} versions, sla ${details.slaClass})`,
        `  production: ${data.production ? `v${data.production}` : '-'}   previous: ${data.previous ? `v${data.previous}` : '-'}`,
        ...details.versions.map((v) => `  v${v.version} ${v.stage}${v.aliases?.length ? ` [${v.aliases.join(', ')}]` : ''}`),
        `  open promotion requests: ${open.length ? '' : 'none'}`,
        ...open.map((p) => `    ${p.id} v${p.version} by ${p.requestedBy}${p.comment ? `: ${p.comment}` : ''}`),
        `  active deployment: ${deployments === null ? NO_DEPLOYMENT_READ : deployments.length ? '' : 'none'}`,
        ...(deployments ?? []).map((d) => `    ${JSON.stringify(deploymentSummary(d))}`),
      ].join('\n'),
    );
    return;
  }
  const models = await call(() => trpc.models.list.query());
  const inbox = await call(() => trpc.promotions.inbox.query());
  const deployments = await optional(call(() => trpc.deployments.list.query({ active: true })));
  const data = {
    models: models.map((m) => ({ name: m.name, production: m.productionVersion, previous: m.aliases.find((a) => a.alias === 'previous')?.version ?? null, versions: m.versionCount })),
    openRequests: inbox.map((r) => ({ id: r.id, model: r.model, version: r.version, requestedBy: r.requestedBy })),
    activeDeployments: deployments === null ? null : deployments.map(deploymentSummary),
  };
  print(json, data, () =>
    [
      `models: ${data.models.length ? '' : 'none'}`,
      ...data.models.map((m) => `  ${m.name}: production ${m.production ? `v${m.production}` : '-'}, previous ${m.previous ? `v${m.previous}` : '-'}, ${m.versions} versions`),
      `open promotion requests (yours to decide): ${data.openRequests.length ? '' : 'none'}`,
      ...data.openRequests.map((r) => `  ${r.id} ${r.model} v${r.version} by ${r.requestedBy}`),
      `active deployments: ${data.activeDeployments === null ? NO_DEPLOYMENT_READ : data.activeDeployments.length ? '' : 'none'}`,
      ...(data.activeDeployments ?? []).map((d) => `  ${JSON.stringify(d)}`),
    ].join('\n'),
  );
}

const NO_DEPLOYMENT_READ = '(not shown: this token lacks deployment:read)';

/** A section of the status that the token may not read (403) is left out instead of failing the command. */
async function optional<T>(promise: Promise<T>): Promise<T | null> {
  try {
    return await promise;
  } catch (err) {
    if (err instanceof BallastError && (err.status === 403 || err.code === 'FORBIDDEN')) return null;
    throw err;
  }
}

function deploymentSummary(d: unknown): Record<string, unknown> {
  const o = (d ?? {}) as Record<string, unknown>;
  const pick = ['id', 'modelName', 'model', 'status', 'strategy', 'phase', 'stableVersion', 'candidateVersion', 'canaryPercent', 'trafficPercent'];
  return Object.fromEntries(pick.filter((k) => o[k] !== undefined && typeof o[k] !== 'object').map((k) => [k, o[k]]));
}

const WEBHOOK_SUBCOMMANDS = ['list', 'deliveries', 'add', 'disable', 'enable', 'delete', 'test', 'redeliver'];

async function webhooks(client: TBallastClient, rest: string[], values: TValues, json: boolean) {
  const { trpc, call } = client;
  const [sub, ...more] = rest;
  if (!sub || !WEBHOOK_SUBCOMMANDS.includes(sub)) throw new UsageError(`webhooks needs one of ${WEBHOOK_SUBCOMMANDS.join(', ')}${sub ? `, not "${sub}"` : ''}`);
  if (more.length) throw new UsageError(`unexpected argument "${more[0]}" for webhooks ${sub}`);
  const reason = values.reason;
  switch (sub) {
    case 'list': {
      const hooks = await call(() => trpc.webhooks.list.query({ modelName: values.model }));
      print(json, hooks, () =>
        hooks.length
          ? hooks.map((h) => `${h.id} ${h.model ?? '(every model)'} ${h.active ? 'active' : 'disabled'} ${h.url ?? '(url hidden: for the model owners and admins)'} [${h.events.join(', ')}]`).join('\n')
          : 'no webhooks',
      );
      return;
    }
    case 'deliveries': {
      const log = await call(() => trpc.webhooks.deliveries.query({ modelName: values.model, webhookId: values.webhook }));
      print(json, log, () =>
        log.length
          ? log.map((d) => `${d.id} ${d.event} ${d.status} attempts=${d.attempts}${d.responseCode ? ` http=${d.responseCode}` : ''}${d.lastError ? ` error: ${d.lastError}` : ''}`).join('\n')
          : 'no deliveries',
      );
      return;
    }
    case 'add': {
      const events = values.event as never[] | undefined;
      const hook = await call(() => trpc.webhooks.create.mutate({ modelName: values.model, url: need(values, 'url'), ...(events?.length ? { events } : {}), reason }));
      print(json, hook, () => `webhook ${hook.id} added for ${hook.model ?? 'every model'}\nsigning secret (shown once): ${hook.secret}`);
      return;
    }
    case 'disable':
    case 'enable': {
      const id = need(values, 'webhook');
      const result = await call(() => trpc.webhooks.setActive.mutate({ id, active: sub === 'enable', reason }));
      print(json, result, () => `webhook ${id} ${result.active ? 'enabled' : 'disabled'}`);
      return;
    }
    case 'delete': {
      const id = need(values, 'webhook');
      await call(() => trpc.webhooks.delete.mutate({ id, reason }));
      print(json, { id, deleted: true }, () => `webhook ${id} deleted`);
      return;
    }
    case 'test': {
      const id = need(values, 'webhook');
      const result = await call(() => trpc.webhooks.sendTest.mutate({ id, reason }));
      print(json, result, () => `test event queued as delivery ${result.deliveryId} (see: ballast webhooks deliveries --webhook ${id})`);
      return;
    }
    case 'redeliver': {
      const deliveryId = need(values, 'delivery');
      const result = await call(() => trpc.webhooks.redeliver.mutate({ deliveryId, reason }));
      print(json, result, () => `delivery ${deliveryId} queued again as delivery ${result.deliveryId}`);
      return;
    }
  }
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let values: TValues;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true }));
  } catch (err) {
    console.error(`error: ${(err as Error).message}`);
    console.error(USAGE);
    return 2;
  }
  const [command, ...rest] = positionals;
  if (values.help || !command || command === 'help') {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  const json = values.json ?? false;
  try {
    const client = createBallastClient({ url: env.BALLAST_URL || 'http://localhost:3000', token: env.BALLAST_TOKEN || undefined });
    const { trpc, call } = client;
    const extra = (max: number) => {
      if (rest.length > max) throw new UsageError(`unexpected argument "${rest[max]}" for ${command}`);
    };
    switch (command) {
      case 'whoami': {
        extra(0);
        const me = await call(() => trpc.session.me.query());
        if (!me) throw new BallastError(env.BALLAST_TOKEN ? 'not authenticated: BALLAST_TOKEN was not accepted (unknown, revoked or expired token)' : 'not authenticated: set BALLAST_TOKEN to an API token', 'UNAUTHORIZED', 401);
        print(json, me, () => `${me.label} (${me.kind}${me.role ? `, role ${me.role}` : ''})\nscopes: ${me.scopes.join(' ')}`);
        return 0;
      }
      case 'status':
        extra(1);
        await status(client, rest[0], json);
        return 0;
      case 'log-run': {
        extra(0);
        const experiment = need(values, 'experiment');
        const config = parseTrainingConfig(await readText(need(values, 'config'), 'config'));
        const tags = parseTags(values.tag);
        const metrics = values.metrics ? parseMetrics(await readText(values.metrics, 'metrics')) : [];
        const run = await client.startRun({ experiment, config, tags, runName: values.name });
        try {
          const byStep = new Map<number, Record<string, number>>();
          for (const p of metrics) byStep.set(p.step, { ...byStep.get(p.step), [p.key]: p.value });
          for (const [step, m] of byStep) await run.logMetrics(m, step);
          const artifacts: string[] = [];
          for (const file of values.artifact ?? []) artifacts.push(await run.logArtifact(file));
          await run.end('FINISHED');
          print(json, { runId: run.runId, experimentId: run.experimentId, metrics: metrics.length, artifacts }, () => `run ${run.runId} logged in experiment ${experiment} (${metrics.length} metric points, ${artifacts.length + 1} artifacts)\n${run.runId}`);
        } catch (err) {
          await run.end('FAILED').catch(() => undefined);
          throw err;
        }
        return 0;
      }
      case 'register-dataset': {
        extra(0);
        const rows = values.rows === undefined ? undefined : Number(values.rows);
        if (rows !== undefined && (!Number.isInteger(rows) || rows < 0)) throw new UsageError(`--rows must be a whole number, not "${values.rows}"`);
        const input = { name: need(values, 'name'), version: need(values, 'version'), fingerprint: need(values, 'fingerprint'), description: values.description, rowCount: rows };
        const result = await call(() => trpc.datasets.registerVersion.mutate(input));
        print(json, result, () => `dataset ${input.name}@${input.version} registered (${input.fingerprint})`);
        return 0;
      }
      case 'register-version': {
        extra(0);
        const modelName = need(values, 'model');
        const features = values.features?.split(',').map((f) => f.trim());
        const result = await call(() => trpc.models.createVersion.mutate({ modelName, runId: need(values, 'run'), description: values.description ?? '', features }));
        const v = result as { version?: number; stage?: string };
        print(json, result, () => `${modelName} v${v.version ?? '?'} registered${v.stage ? ` (${v.stage})` : ''}`);
        return 0;
      }
      case 'request-promotion': {
        extra(0);
        const modelName = need(values, 'model');
        const version = versionNumber(values);
        const canary = canaryOption(values);
        const result = await call(() => trpc.promotions.request.mutate({ modelName, version, comment: values.comment ?? '', canary }));
        const id = (result as { id?: string }).id;
        const how = canary ? `a ${canary.percent}% canary of ${modelName} v${version}` : `promotion of ${modelName} v${version} to production`;
        print(json, result, () => `${how} requested${id ? `: request ${id}` : ''}`);
        return 0;
      }
      case 'approve': {
        extra(0);
        const requestId = need(values, 'request');
        const result = await call(() => trpc.promotions.approve.mutate({ requestId, comment: values.comment ?? '' }));
        const deploymentId = (result as { deploymentId?: string | null }).deploymentId;
        print(json, result, () => `request ${requestId} approved${deploymentId ? `: canary deployment ${deploymentId} started` : ''}`);
        return 0;
      }
      case 'reject': {
        extra(0);
        const requestId = need(values, 'request');
        if (!values.comment?.trim()) throw new UsageError('--comment is required: say what the requester should fix');
        const result = await call(() => trpc.promotions.reject.mutate({ requestId, comment: values.comment! }));
        print(json, result, () => `request ${requestId} rejected`);
        return 0;
      }
      case 'withdraw': {
        extra(0);
        const requestId = need(values, 'request');
        const result = await call(() => trpc.promotions.withdraw.mutate({ requestId }));
        print(json, result, () => `request ${requestId} withdrawn`);
        return 0;
      }
      case 'promote': {
        extra(0);
        const modelName = need(values, 'model');
        const version = versionNumber(values);
        const result = await call(() => trpc.versions.promote.mutate({ modelName, version }));
        print(json, result, () => `${modelName} v${version} promoted to staging`);
        return 0;
      }
      case 'rollback': {
        extra(0);
        const modelName = need(values, 'model');
        const result = await call(() => trpc.versions.rollback.mutate({ modelName, reason: values.reason }));
        print(json, result, () => `${modelName} rolled back${values.reason ? `: ${values.reason}` : ''}`);
        return 0;
      }
      case 'rename-model': {
        extra(0);
        const name = need(values, 'model');
        const newName = need(values, 'new-name');
        const result = await call(() => trpc.models.rename.mutate({ name, newName, reason: values.reason }));
        print(json, result, () => `model ${name} renamed to ${newName}`);
        return 0;
      }
      case 'webhooks':
        await webhooks(client, rest, values, json);
        return 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`error: ${err.message}`);
      console.error(USAGE);
      return 2;
    }
    const e = err instanceof BallastError ? err : new BallastError(err instanceof Error ? err.message : String(err));
    let message = e.message.split('\n')[0] ?? e.message;
    if ((e.status === 401 || e.code === 'UNAUTHORIZED') && !env.BALLAST_TOKEN && !/BALLAST_TOKEN/.test(message)) message += ' (set BALLAST_TOKEN to an API token)';
    console.error(`error: ${message}`);
    return 1;
  }
}

// Run when executed (tsx clients/ts/cli.ts or node --import tsx clients/ts/cli.ts); bin.mjs imports main().
const invoked = process.argv[1] ? new URL(`file://${process.argv[1]}`).pathname : '';
if (invoked.endsWith('/clients/ts/cli.ts')) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    },
  );
}
