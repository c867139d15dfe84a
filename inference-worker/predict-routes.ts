import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ZPredictRequest, type TPredictResponse } from '../server/contracts/worker-predict';
import { ZOipInferRequest, type TOipRequestInput } from '../server/contracts/worker-oip';
import { formatZodIssues } from '../server/contracts/zod-issues';
import { readPrediction, type ItemOutcome } from './model-output';
import { oipInputToRows, rowsToOipOutput } from './oip-tensor';
import { packRows } from './predict-input';
import type { AdmissionGate, GateTicket } from './admission-gate';
import { QueueFullError } from './batch-queue';
import { describeError, HttpError, parseJson, readBody, refuseUnsafeJson, sendJson } from './http-io';
import type { PredictionLog } from './prediction-log';
import type { RouteChoice, VersionRegistry } from './version-registry';
import type { WorkerMetrics } from './worker-metrics';

/*
 * POST /predict and POST /v2/models/{name}[/versions/{v}]/infer share one path: parse, admit, check,
 * route to a version, validate against its signature, queue for a batch, answer, count, log. Only the
 * body shapes differ.
 *
 * Refusals are cheap and early: the row count is read from the parsed body before any schema runs,
 * so a request over the row limit or one the queue cannot serve in time is answered (400 / 429 with
 * Retry-After) before validation spends time on it. A refused or failed request logs at most one item
 * (its first row, once that row has passed the body checks): rows beyond the limits never reach the log.
 */

export interface PredictDeps {
  registry: VersionRegistry;
  gate: AdmissionGate;
  metrics: WorkerMetrics;
  log: PredictionLog | null;
  maxBodyBytes: number;
  maxRowsPerRequest: number;
  deadlineMs: number;
  logError: (line: string) => void;
}

interface Served {
  choice: RouteChoice;
  out: Float32Array;
  rows: number;
}

/** Runs validated rows through the chosen version's queue, counting the outcome against that version. */
async function serve(
  deps: PredictDeps,
  choice: RouteChoice,
  pack: () => { data: Float32Array; rows: number },
  started: number,
  ticket: GateTicket,
): Promise<Served> {
  const { entry } = choice;
  const labels = [entry.model, String(entry.version)];
  try {
    const { data, rows } = pack();
    const queued = entry.queue!.submit(data, rows, deps.deadlineMs);
    ticket.release(); // the rows are in the queue's depth now (or refused): the gate's promise is kept
    const out = await queued;
    entry.lastServedAt = Date.now();
    deps.metrics.requests.inc(labels);
    deps.metrics.rows.inc(labels, rows);
    deps.metrics.latency.observe(labels, (performance.now() - started) / 1000);
    return { choice, out, rows };
  } catch (err) {
    const d = describeError(err);
    deps.metrics.errors.inc([...labels, String(d.status)]);
    if (d.status >= 500 && d.status !== 504) deps.logError(`${entry.model} v${entry.version}: ${(err as Error).stack ?? err}`);
    throw err;
  }
}

/**
 * Waits at the admission gate before the body is read; null when the request was refused there
 * (answered 413 or 429, its body never parsed).
 */
async function enterGate(deps: PredictDeps, req: IncomingMessage, res: ServerResponse, kind: string): Promise<GateTicket | null> {
  const declared = Number(req.headers['content-length']);
  // Over the size limit is a 413 whatever the queue holds: no reason to wait for room first.
  if (declared > deps.maxBodyBytes) {
    fail(deps, res, new HttpError(413, `body of ${declared} bytes is over the limit of ${deps.maxBodyBytes} bytes`, 'body_too_large'));
    return null;
  }
  const bytes = Number.isFinite(declared) && declared > 0 ? declared : null;
  const ticket = await deps.gate.enter(deps.gate.estimateRows(kind, bytes));
  if (!ticket) fail(deps, res, new QueueFullError(1));
  return ticket;
}

/** Rows a body claims, read without validating it (the schema runs later). */
function claimedRows(raw: unknown, read: (body: Record<string, unknown>) => unknown): number | null {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const n = read(raw as Record<string, unknown>);
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : null;
}

/** 400 over the row limit, 429 when no serving version of the model could take the rows in time. */
function admit(deps: PredictDeps, model: unknown, rows: number | null, where: string): void {
  if (rows === null) return;
  if (rows > deps.maxRowsPerRequest) throw new HttpError(400, `invalid request: ${where}: ${rows} rows is over the limit of ${deps.maxRowsPerRequest} per request`, 'invalid_input');
  if (typeof model !== 'string' || rows === 0) return;
  const retryAfterS = deps.registry.admission(model, rows);
  if (retryAfterS !== null) throw new QueueFullError(retryAfterS);
}

function fail(deps: PredictDeps, res: ServerResponse, err: unknown): void {
  const d = describeError(err);
  if (d.status < 500 || d.status === 504) deps.metrics.badRequests.inc([d.reason]);
  else if (d.status === 500 && !(err instanceof HttpError)) deps.logError(String((err as Error).stack ?? err));
  sendJson(res, d.status, { error: d.message }, d.headers);
}

export async function handlePredict(deps: PredictDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const ticket = await enterGate(deps, req, res, 'predict');
  if (!ticket) return;
  try {
    await predictAdmitted(deps, req, res, started, ticket);
  } finally {
    ticket.release();
  }
}

async function predictAdmitted(deps: PredictDeps, req: IncomingMessage, res: ServerResponse, started: number, ticket: GateTicket): Promise<void> {
  const requestId = randomUUID();
  let body: ReturnType<typeof ZPredictRequest.parse>;
  let choice: RouteChoice;
  try {
    const bytes = await readBody(req, deps.maxBodyBytes);
    const raw = parseJson(bytes);
    const rows = claimedRows(raw, (b) => (Array.isArray(b.inputs) ? b.inputs.length : null));
    if (rows) deps.gate.learn('predict', bytes.length, rows);
    admit(deps, (raw as { model?: unknown } | null)?.model, rows, 'inputs');
    refuseUnsafeJson(raw);
    const parsed = ZPredictRequest.safeParse(raw);
    if (!parsed.success) throw new HttpError(400, `invalid request: ${formatZodIssues(parsed.error).join('; ')}`, 'invalid_request');
    body = parsed.data;
    choice = deps.registry.route(body.model, body.routing_key ?? requestId, body.version);
  } catch (err) {
    return fail(deps, res, err);
  }
  const sig = choice.entry.signature!;
  let served: Served;
  try {
    served = await serve(
      deps,
      choice,
      () => ({ data: packRows(body.inputs, { width: sig.width, features: sig.features, allowNonFinite: sig.allowNonFinite, maxRows: deps.maxRowsPerRequest }), rows: body.inputs.length }),
      started,
      ticket,
    );
  } catch (err) {
    const d = describeError(err);
    deps.log?.record({ requestId, model: body.model, version: choice.entry.version, variant: choice.variant, items: body.inputs.slice(0, 1), outcomes: [], latencyMs: performance.now() - started, error: d.message, routingKey: body.routing_key, features: sig.features });
    return fail(deps, res, err);
  }
  const latencyMs = Math.round((performance.now() - started) * 1000) / 1000;
  const outcomes: ItemOutcome[] = [];
  for (let r = 0; r < served.rows; r++) outcomes.push(readPrediction(served.out, r, sig.outputWidth, sig.labels));
  const response: TPredictResponse = {
    request_id: requestId,
    model: body.model,
    variant: choice.variant,
    predictions: outcomes.map((o) => ({ ...o, model_version: choice.entry.version, latency_ms: latencyMs })),
  };
  sendJson(res, 200, response);
  deps.log?.record({ requestId, model: body.model, version: choice.entry.version, variant: choice.variant, items: body.inputs, outcomes, latencyMs, error: null, routingKey: body.routing_key, features: sig.features });
}

/** The first row of an OIP input tensor (nested or flat), for the log of a refused request; [] when unreadable. */
function firstOipRow(input: TOipRequestInput | undefined, width: number): unknown[] {
  if (!input || !Array.isArray(input.data) || !input.data.length) return [];
  const head: unknown = input.data[0];
  if (Array.isArray(head)) return [head];
  return [input.data.slice(0, width)];
}

export async function handleInfer(deps: PredictDeps, req: IncomingMessage, res: ServerResponse, model: string, version: number | undefined): Promise<void> {
  const started = performance.now();
  const ticket = await enterGate(deps, req, res, `infer:${model}`);
  if (!ticket) return;
  try {
    await inferAdmitted(deps, req, res, model, version, started, ticket);
  } finally {
    ticket.release();
  }
}

async function inferAdmitted(deps: PredictDeps, req: IncomingMessage, res: ServerResponse, model: string, version: number | undefined, started: number, ticket: GateTicket): Promise<void> {
  let body: ReturnType<typeof ZOipInferRequest.parse>;
  let choice: RouteChoice;
  let requestId: string;
  let routingKey: string | undefined;
  try {
    const bytes = await readBody(req, deps.maxBodyBytes);
    const raw = parseJson(bytes);
    const rows = claimedRows(raw, (b) => (Array.isArray(b.inputs) ? (b.inputs[0] as { shape?: unknown[] } | undefined)?.shape?.[0] : null));
    if (rows) deps.gate.learn(`infer:${model}`, bytes.length, rows);
    admit(deps, model, rows, 'inputs[0].shape');
    refuseUnsafeJson(raw);
    const parsed = ZOipInferRequest.safeParse(raw);
    if (!parsed.success) throw new HttpError(400, `invalid inference request: ${formatZodIssues(parsed.error).join('; ')}`, 'invalid_request');
    body = parsed.data;
    requestId = body.id ?? randomUUID();
    routingKey = typeof body.parameters?.routing_key === 'string' ? body.parameters.routing_key : undefined;
    choice = deps.registry.route(model, routingKey ?? requestId, version);
  } catch (err) {
    return fail(deps, res, err);
  }
  const sig = choice.entry.signature!;
  let served: Served;
  let rowsForLog: unknown[] = [];
  try {
    const wanted = body.outputs?.map((o) => o.name) ?? [];
    const unknown = wanted.find((n) => n !== sig.outputName);
    if (unknown) throw new HttpError(400, `outputs: unknown output '${unknown.slice(0, 64)}'; this model has '${sig.outputName}'`, 'invalid_input');
    served = await serve(
      deps,
      choice,
      () => {
        const packed = oipInputToRows(body.inputs, { name: sig.inputName, width: sig.width, maxRows: deps.maxRowsPerRequest, allowNonFinite: sig.allowNonFinite });
        if (deps.log) rowsForLog = Array.from({ length: packed.rows }, (_, r) => Array.from(packed.data.subarray(r * sig.width, (r + 1) * sig.width)));
        return packed;
      },
      started,
      ticket,
    );
  } catch (err) {
    // One item at most: the first row as read, or as sent when the tensor itself was refused.
    const items = rowsForLog.length ? rowsForLog.slice(0, 1) : firstOipRow(body.inputs[0], sig.width);
    deps.log?.record({ requestId, model, version: choice.entry.version, variant: choice.variant, items, outcomes: [], latencyMs: performance.now() - started, error: describeError(err).message, routingKey, features: sig.features });
    return fail(deps, res, err);
  }
  sendJson(res, 200, {
    model_name: model,
    model_version: String(choice.entry.version),
    id: requestId,
    outputs: [rowsToOipOutput(sig.outputName, served.out, served.rows, sig.outputWidth)],
  });
  if (deps.log) {
    const outcomes = rowsForLog.map((_, r) => readPrediction(served.out, r, sig.outputWidth, sig.labels));
    deps.log.record({ requestId, model, version: choice.entry.version, variant: choice.variant, items: rowsForLog, outcomes, latencyMs: performance.now() - started, error: null, routingKey, features: sig.features });
  }
}
