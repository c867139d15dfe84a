/*
 * Runs the Python client's unittest suite (clients/python/tests) against a real Ballast server:
 * the MLflow route handlers and the artifact proxy behind a node:http server in this process,
 * on this file's own migrated database, with an `ingest` API token. Then checks, in the database,
 * that the config hash the server computed for each logged run is the one Python computed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as artifacts from '@/app/api/2.0/mlflow-artifacts/artifacts/[[...path]]/route';
import * as mlflow from '@/app/api/2.0/mlflow/[...path]/route';
import { canonicalJson } from '@/server/domain/canonical-config';
import { runIdToUuid } from '@/server/domain/run-id';
import { makeToken, testDb } from '@/server/testing/fixtures';

// Artifacts of this file go to a scratch directory of their own.
const PYTHON = process.env.PYTHON ?? 'python3';
const hasPython = spawnSync(PYTHON, ['--version'], { stdio: 'ignore' }).status === 0;
const ROOT = path.resolve(import.meta.dirname, '..');

type THandler = (request: Request) => Promise<Response>;

function routeOf(method: string, pathname: string): THandler | undefined {
  if (pathname === '/api/2.0/mlflow-artifacts/artifacts' || pathname.startsWith('/api/2.0/mlflow-artifacts/artifacts/')) {
    return method === 'GET' ? artifacts.GET : method === 'PUT' ? artifacts.PUT : undefined;
  }
  if (pathname.startsWith('/api/2.0/mlflow/')) {
    return ({ GET: mlflow.GET, POST: mlflow.POST, PATCH: mlflow.PATCH, DELETE: mlflow.DELETE } as Record<string, THandler>)[method];
  }
  return undefined;
}

// node:http -> the App Router's Request/Response, as Next.js does for these route handlers.
async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
  const handler = routeOf(req.method ?? 'GET', url.pathname);
  if (!handler) {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error_code: 'ENDPOINT_NOT_FOUND', message: `No route ${req.method} ${url.pathname}` }));
    return;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers.set(key, value);
    else if (Array.isArray(value)) for (const item of value) headers.append(key, item);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const response = await handler(new Request(url, { method: req.method, headers, body: hasBody ? Buffer.concat(chunks) : undefined }));
  const body = Buffer.from(await response.arrayBuffer());
  const out: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    if (key !== 'content-length' && key !== 'transfer-encoding') out[key] = value;
  });
  res.writeHead(response.status, { ...out, 'content-length': String(body.length) });
  res.end(body);
}

function runPython(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    // Asynchronous on purpose: this process must keep answering the client's requests meanwhile.
    const child = spawn(PYTHON, ['-m', 'unittest', 'discover', '-s', 'clients/python/tests', '-v'], { cwd: ROOT, env });
    let output = '';
    child.stdout.on('data', (data: Buffer) => (output += data.toString('utf8')));
    child.stderr.on('data', (data: Buffer) => (output += data.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

type TReported = { run_id: string; config_hash: string; config_json: string; purpose: string };

describe.skipIf(!hasPython)(`Python client against a real server${hasPython ? '' : ' (skipped: python3 is not on PATH)'}`, () => {
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      serve(req, res).catch((err: unknown) => {
        console.error(err);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error_code: 'INTERNAL_ERROR', message: String(err) }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('passes its unittest suite, and the server stores the config hash Python computed', { timeout: 300_000 }, async () => {
    const { token } = await makeToken('engineer', ['ingest']);
    const report = path.join(mkdtempSync(path.join(tmpdir(), 'ballast-python-report-')), 'runs.json');
    const { code, output } = await runPython({
      ...process.env,
      BALLAST_TEST_URL: baseUrl,
      BALLAST_TEST_TOKEN: token.secret,
      BALLAST_TEST_REPORT: report,
      PYTHONDONTWRITEBYTECODE: '1',
      PYTHONUNBUFFERED: '1',
    });
    if (code !== 0) console.error(output);
    expect(code, `python3 -m unittest failed:\n${output}`).toBe(0);
    // The server-backed tests must have run, not been skipped.
    expect(output).toMatch(/test_server\.ServerTest[^\n]* \.\.\. ok/);
    expect(output).not.toMatch(/test_server\.ServerTest[^\n]*skipped/);

    const reported = JSON.parse(readFileSync(report, 'utf8')) as TReported[];
    expect(reported.length).toBeGreaterThanOrEqual(2);
    for (const entry of reported) {
      const run = await testDb().db.run.findUniqueOrThrow({ where: { id: runIdToUuid(entry.run_id)! } });
      expect(run.configHash, entry.purpose).toBe(entry.config_hash);
      // Compared as booleans: a config may be long, and a mismatch is explained by the hash above.
      expect(canonicalJson(run.config) === entry.config_json, `${entry.purpose}: stored config equals Python's canonical JSON`).toBe(true);
      expect(run.effectiveBatchSize, entry.purpose).not.toBeNull();
    }
  });
});
