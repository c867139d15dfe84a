import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/*
 * Where model bytes come from. Production: the registry, through the control plane, cached on disk
 * by sha256 so a restart or a rollback never downloads again. Whatever the source, the worker
 * verifies the digest before ONNX Runtime sees a byte (content addressing is the artifact contract).
 */

export interface ArtifactRequest {
  model: string;
  version: number;
  sha256: string;
}

export interface ModelSource {
  fetch(req: ArtifactRequest): Promise<Uint8Array>;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function verifyDigest(bytes: Uint8Array, req: ArtifactRequest): void {
  const got = sha256Hex(bytes);
  if (got !== req.sha256) throw new Error(`${req.model} v${req.version}: sha256 mismatch: expected ${req.sha256}, got ${got}`);
}

export type FetchFn = typeof fetch;

/**
 * GET {controlPlane}/api/worker/v1/models/{name}/versions/{version}/artifact -> the ONNX bytes
 * (application/octet-stream), worker token as bearer.
 */
export class ControlPlaneModelSource implements ModelSource {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string | undefined,
    private readonly fetchFn: FetchFn = fetch,
  ) {}

  async fetch(req: ArtifactRequest): Promise<Uint8Array> {
    const url = new URL(`/api/worker/v1/models/${encodeURIComponent(req.model)}/versions/${req.version}/artifact`, this.baseUrl);
    const res = await this.fetchFn(url, { headers: this.token ? { authorization: `Bearer ${this.token}` } : {} });
    if (!res.ok) throw new Error(`${req.model} v${req.version}: artifact download failed: HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  }
}

/** Caches verified artifacts as {dir}/{sha256}.onnx; a corrupt cache entry is fetched again. */
export class DiskCachedSource implements ModelSource {
  constructor(
    private readonly inner: ModelSource,
    private readonly dir: string,
  ) {}

  async fetch(req: ArtifactRequest): Promise<Uint8Array> {
    const file = path.join(this.dir, `${req.sha256}.onnx`);
    try {
      const cached = new Uint8Array(await readFile(file));
      if (sha256Hex(cached) === req.sha256) return cached;
    } catch {
      // not cached yet
    }
    const bytes = await this.inner.fetch(req);
    verifyDigest(bytes, req);
    await mkdir(this.dir, { recursive: true });
    // A temp name of its own per write: two versions sharing one ONNX file (one digest) load at the
    // same time, and a shared temp name let one writer rename the other's file away (ENOENT).
    const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
    try {
      await writeFile(tmp, bytes);
      await rename(tmp, file); // atomic: a crash never leaves a half-written model under its digest
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => undefined);
      // A concurrent writer may have won the rename (on some file systems the loser's rename fails):
      // its file has the same verified content, so the cache is right either way.
      if (!(await this.holds(file, req.sha256))) throw err;
    }
    return bytes;
  }

  private async holds(file: string, sha256: string): Promise<boolean> {
    try {
      return sha256Hex(new Uint8Array(await readFile(file))) === sha256;
    } catch {
      return false;
    }
  }
}
