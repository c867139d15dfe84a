import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiskCachedSource, sha256Hex, type ArtifactRequest, type ModelSource } from './model-source';

/** An inner source that answers every request at once, once all of them have asked: the writes race. */
class TogetherSource implements ModelSource {
  private waiting: (() => void)[] = [];
  constructor(
    private readonly bytes: Uint8Array,
    private readonly expected: number,
  ) {}
  fetch(_req: ArtifactRequest): Promise<Uint8Array> {
    return new Promise((resolve) => {
      this.waiting.push(() => resolve(this.bytes));
      if (this.waiting.length === this.expected) for (const go of this.waiting) go();
    });
  }
}

describe('DiskCachedSource', () => {
  it('caches one file for versions that share it, written concurrently into an empty cache', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'ballast-cache-')), 'models');
    const bytes = new Uint8Array(200_000).map((_, i) => (i * 31) % 251);
    const sha256 = sha256Hex(bytes);
    const requests = ['churn', 'fraud', 'churn-copy', 'fraud-copy'].map((model, i) => ({ model, version: i + 1, sha256 }));
    const source = new DiskCachedSource(new TogetherSource(bytes, requests.length), dir);
    const got = await Promise.all(requests.map((r) => source.fetch(r)));
    for (const g of got) expect(sha256Hex(g)).toBe(sha256);
    expect(readdirSync(dir)).toEqual([`${sha256}.onnx`]); // no temp file left behind
    expect(sha256Hex(new Uint8Array(readFileSync(path.join(dir, `${sha256}.onnx`))))).toBe(sha256);
  });
});
