import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { finished } from 'node:stream/promises';
import { artifactRoot, serverEnv } from '../env';
import { DomainError } from '../domain/errors';

/*
 * Content-addressed blobs on local disk: <root>/blobs/ab/cd/<sha256>. An upload streams into a
 * temporary file while its sha256 and size are computed, never held in memory whole; it is
 * refused (413) the moment it passes the size limit, and moved into place only when complete,
 * so a reader never sees a partial blob. Identical content is stored once.
 */

const SHA256_RE = /^[0-9a-f]{64}$/;

export function blobPath(sha256: string): string {
  if (!SHA256_RE.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
  return path.join(artifactRoot(), 'blobs', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
}

export async function writeBlob(
  body: ReadableStream<Uint8Array> | null,
  options: { declaredSize?: number; expectedSha256?: string; maxBytes?: number } = {},
): Promise<{ sha256: string; size: number }> {
  const maxBytes = options.maxBytes ?? serverEnv().BALLAST_ARTIFACT_MAX_BYTES;
  if (options.declaredSize !== undefined && options.declaredSize > maxBytes) {
    throw new DomainError('PAYLOAD_TOO_LARGE', `artifact is ${options.declaredSize} bytes; the limit is ${maxBytes} bytes`);
  }
  const tmpDir = path.join(artifactRoot(), 'tmp');
  await mkdir(tmpDir, { recursive: true });
  const tmp = path.join(tmpDir, randomUUID());
  const hash = createHash('sha256');
  let size = 0;
  const out = createWriteStream(tmp, { flags: 'wx' });
  try {
    if (body) {
      const reader = body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > maxBytes) {
          await reader.cancel().catch(() => {});
          throw new DomainError('PAYLOAD_TOO_LARGE', `artifact is over the ${maxBytes}-byte limit`);
        }
        hash.update(value);
        if (!out.write(value)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      }
    }
    out.end();
    await finished(out);
    const sha256 = hash.digest('hex');
    if (options.expectedSha256 && options.expectedSha256.toLowerCase() !== sha256) {
      throw new DomainError('BAD_REQUEST', `artifact content has sha256 ${sha256}, not the ${options.expectedSha256} the client declared`);
    }
    const target = blobPath(sha256);
    await mkdir(path.dirname(target), { recursive: true });
    const exists = await stat(target).then(() => true, () => false);
    if (exists) await rm(tmp, { force: true });
    else await rename(tmp, target);
    return { sha256, size };
  } catch (err) {
    out.destroy();
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Streams a blob, re-hashing as it goes: content that no longer matches its address (disk
 * corruption, tampering) aborts the stream instead of completing as if it were intact.
 */
export function openBlob(sha256: string): ReadableStream<Uint8Array> {
  const hash = createHash('sha256');
  const verify = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      const actual = hash.digest('hex');
      callback(actual === sha256 ? null : new Error(`artifact blob ${sha256} is corrupt (content hashes to ${actual})`));
    },
  });
  return Readable.toWeb(createReadStream(blobPath(sha256)).pipe(verify)) as ReadableStream<Uint8Array>;
}

export async function readSmallBlob(sha256: string, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of createReadStream(blobPath(sha256))) {
    total += (chunk as Buffer).length;
    if (total > limit) throw new DomainError('BAD_REQUEST', `file is over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
