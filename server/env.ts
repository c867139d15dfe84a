import path from 'node:path';
import { z } from 'zod';
import { parseAllowHosts, type TWebhookDestinationPolicy } from './domain/webhook-destination';

const WEBHOOK_ENV = {
  /** Webhooks to http:// destinations too (a test receiver, a trusted network); off: https:// only. */
  BALLAST_WEBHOOK_ALLOW_HTTP: z.enum(['on', 'off']).default('off'),
  /** Hosts (names or addresses, comma separated) webhooks may reach although they are loopback or private. */
  BALLAST_WEBHOOK_ALLOW_HOSTS: z.string().max(10_000).default(''),
};

// Validated once; every server module reads configuration from here, never from process.env.
const ZServerEnv = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  // An empty value means unset (embedded), as shells and .env files often leave it.
  DATABASE_URL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// connection string').optional(),
  ),
  BALLAST_DATA_DIR: z.string().default('.ballast'),
  BALLAST_DB_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  NEXTAUTH_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  NEXTAUTH_URL: z.string().url().optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** The dashboard listens here; 0.0.0.0 to serve other machines (behind TLS). */
  BALLAST_HOST: z.string().default('127.0.0.1'),
  /** In-process jobs (archival, webhook delivery, canary evaluation): on, or off on replicas that should not run them. */
  BALLAST_JOBS: z.enum(['on', 'off']).default('on'),
  /** Behind a load balancer that sets X-Forwarded-For: believe it for per-address sign-in limits. */
  BALLAST_TRUST_PROXY: z.enum(['on', 'off']).default('off'),
  BALLAST_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** Where run artifacts (content-addressed blobs) live; default <data dir>/artifacts. */
  BALLAST_ARTIFACT_ROOT: z.string().min(1).optional(),
  /** Largest single artifact accepted (bytes); larger uploads get 413. */
  BALLAST_ARTIFACT_MAX_BYTES: z.coerce.number().int().min(1).default(512 * 1024 * 1024),
  /** GET /api/metrics without credentials: on for a Prometheus on a trusted network; off (default) needs a token with monitoring:read. */
  BALLAST_METRICS_PUBLIC: z.enum(['on', 'off']).default('off'),
  ...WEBHOOK_ENV,
  /** Largest tRPC request body (bytes), chunked included; larger ones get 413 before they are read in full. */
  BALLAST_TRPC_MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(256 * 1024 * 1024).default(1024 * 1024),
});

export type TServerEnv = z.infer<typeof ZServerEnv>;

let cached: TServerEnv | undefined;

export function serverEnv(): TServerEnv {
  if (cached) return cached;
  const parsed = ZServerEnv.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  cached = parsed.data;
  return cached;
}

export function dataDir(): string {
  return path.resolve(serverEnv().BALLAST_DATA_DIR);
}

export function embeddedDbDir(): string {
  return path.join(dataDir(), 'db');
}

export function artifactRoot(): string {
  const configured = serverEnv().BALLAST_ARTIFACT_ROOT;
  return configured ? path.resolve(configured) : path.join(dataDir(), 'artifacts');
}

/**
 * The webhook destination rules. Read from the environment on every call, not from the start-up
 * snapshot: creation and delivery each ask, so a host taken off the allow list stops receiving
 * at the next delivery (and tests can flip it between creation and delivery).
 */
export function webhookDestinationPolicy(): TWebhookDestinationPolicy {
  const parsed = z.object(WEBHOOK_ENV).safeParse(process.env);
  if (!parsed.success) throw new Error(`Invalid environment:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  return { allowHttp: parsed.data.BALLAST_WEBHOOK_ALLOW_HTTP === 'on', allowHosts: parseAllowHosts(parsed.data.BALLAST_WEBHOOK_ALLOW_HOSTS) };
}
