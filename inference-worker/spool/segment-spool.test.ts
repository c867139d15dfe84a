import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SegmentSpool } from './segment-spool';

const dir = () => mkdtempSync(path.join(tmpdir(), 'ballast-segment-spool-'));
const lines = (from: number, n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ n: String(from + i).padStart(6, '0'), pad: 'x'.repeat(20) }));
const segs = (d: string) => readdirSync(d).filter((f) => f.startsWith('seg-')).sort();

/** Reads everything, committing after each batch, as the shipper does. */
async function drain(spool: SegmentSpool, batch = 7): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const b = await spool.read(batch, 1 << 20);
    if (!b) return out;
    out.push(...b.lines);
    await spool.commit(b.end, b.lines.length + b.unreadable.length);
  }
}

describe('SegmentSpool', () => {
  it('splits appends over segments of about segmentBytes and reads them back in order', async () => {
    const d = dir();
    const { spool } = await SegmentSpool.open({ dir: d, segmentBytes: 1000, readChunkBytes: 64 });
    const all = lines(0, 200); // 44 bytes a line with its newline: 22 lines a segment
    for (let i = 0; i < all.length; i += 13) await spool.append(all.slice(i, i + 13));
    expect(spool.records).toBe(200);
    const files = segs(d);
    expect(files.length).toBeGreaterThanOrEqual(7);
    for (const f of files) expect(statSync(path.join(d, f)).size).toBeLessThanOrEqual(1000);
    expect(spool.bytes).toBe(all.reduce((s, l) => s + l.length + 1, 0));
    expect(await drain(spool)).toEqual(all);
    expect(spool.records).toBe(0);
    // Every shipped segment is deleted once the spool is drained.
    expect(segs(d)).toEqual([]);
    expect(spool.bytes).toBe(0);
    await spool.close();
  });

  it('keeps a single line longer than a segment whole', async () => {
    const { spool } = await SegmentSpool.open({ dir: dir(), segmentBytes: 100, readChunkBytes: 16 });
    const long = JSON.stringify({ big: 'y'.repeat(500) });
    await spool.append(['{"a":1}', long, '{"b":2}']);
    expect(await drain(spool, 1)).toEqual(['{"a":1}', long, '{"b":2}']);
    await spool.close();
  });

  it('deletes a segment once the cursor has passed it, and only then', async () => {
    const d = dir();
    const { spool } = await SegmentSpool.open({ dir: d, segmentBytes: 200 });
    await spool.append(lines(0, 30));
    const before = segs(d);
    expect(before.length).toBeGreaterThan(2);
    const b = await spool.read(6, 1 << 20); // the first segment holds 4 lines (44 bytes each)
    expect(b!.lines).toHaveLength(6);
    expect(segs(d)).toEqual(before); // read is not commit
    await spool.commit(b!.end, 6);
    expect(segs(d)).toEqual(before.slice(1));
    await spool.close();
  });

  it('after a crash re-reads at most the batch that was not committed, nothing shipped before it', async () => {
    const d = dir();
    const first = await SegmentSpool.open({ dir: d, segmentBytes: 300 });
    await first.spool.append(lines(0, 50));
    const a = await first.spool.read(10, 1 << 20);
    await first.spool.commit(a!.end, 10);
    const b = await first.spool.read(10, 1 << 20); // shipped, then the process dies before commit
    expect(b!.lines).toEqual(lines(10, 10));
    // no close(): a crash
    const second = await SegmentSpool.open({ dir: d, segmentBytes: 300 });
    expect(second.spool.records).toBe(40);
    expect(await drain(second.spool, 10)).toEqual(lines(10, 40));
    await second.spool.close();
    await first.spool.close();
  });

  it('cuts a torn last line (a crash mid-append) and appends after it cleanly', async () => {
    const d = dir();
    const first = await SegmentSpool.open({ dir: d });
    await first.spool.append(lines(0, 3));
    await first.spool.close();
    const file = path.join(d, segs(d).at(-1)!);
    appendFileSync(file, '{"n":"000003","pad":"xx'); // the crash
    const { spool, report } = await SegmentSpool.open({ dir: d });
    expect(report.tornBytes).toBe('{"n":"000003","pad":"xx'.length);
    expect(spool.records).toBe(3);
    await spool.append(lines(4, 2));
    expect(await drain(spool)).toEqual([...lines(0, 3), ...lines(4, 2)]);
    await spool.close();
  });

  it('a segment that is nothing but a torn line is emptied', async () => {
    const d = dir();
    writeFileSync(path.join(d, 'seg-000000000001.jsonl'), '{"half');
    const { spool, report } = await SegmentSpool.open({ dir: d });
    expect(report).toEqual({ tornBytes: 6, adoptedLegacy: false });
    expect(spool.records).toBe(0);
    expect(await spool.read(10, 1 << 20)).toBeNull();
    await spool.close();
  });

  it('refuses new lines at the cap and keeps what is stored; space comes back as segments ship', async () => {
    const d = dir();
    const line = lines(0, 1)[0]!; // every line is as long
    const size = line.length + 1;
    const { spool } = await SegmentSpool.open({ dir: d, segmentBytes: size * 4, maxBytes: size * 10 });
    expect(await spool.append(lines(0, 8))).toEqual({ written: 8, refused: 0 });
    expect(await spool.append(lines(8, 5))).toEqual({ written: 2, refused: 3 });
    expect(spool.bytes).toBe(size * 10);
    expect(await spool.append(lines(13, 1))).toEqual({ written: 0, refused: 1 });
    // Ship one segment (4 lines): 4 lines of room again.
    const b = await spool.read(4, 1 << 20);
    await spool.commit(b!.end, 4);
    expect(spool.bytes).toBe(size * 6);
    expect(await spool.append(lines(20, 5))).toEqual({ written: 4, refused: 1 });
    expect(await drain(spool)).toEqual([...lines(4, 6), ...lines(20, 4)]);
    await spool.close();
  });

  it('reads lines appended while a replay is under way, in order, without reading a line twice', async () => {
    const { spool } = await SegmentSpool.open({ dir: dir(), segmentBytes: 250, readChunkBytes: 50 });
    const got: string[] = [];
    await spool.append(lines(0, 5));
    for (let round = 0; round < 20; round++) {
      const b = await spool.read(3, 1 << 20);
      if (b) {
        got.push(...b.lines);
        await spool.commit(b.end, b.lines.length);
      }
      await spool.append(lines(5 + round * 2, 2));
    }
    got.push(...(await drain(spool)));
    expect(got).toEqual(lines(0, 45));
    await spool.close();
  });

  it('keeps its numbering ahead of the cursor after it drained and restarts', async () => {
    const d = dir();
    const first = await SegmentSpool.open({ dir: d });
    await first.spool.append(lines(0, 3));
    expect(await drain(first.spool)).toHaveLength(3);
    await first.spool.close();
    const second = await SegmentSpool.open({ dir: d });
    await second.spool.append(lines(3, 2));
    await second.spool.close();
    // The new lines survive a restart (they are not mistaken for a segment behind the cursor).
    const third = await SegmentSpool.open({ dir: d });
    expect(third.spool.records).toBe(2);
    expect(await drain(third.spool)).toEqual(lines(3, 2));
    await third.spool.close();
  });

  it('adopts an older single-file spool at its shipped offset', async () => {
    const d = dir();
    const legacy = path.join(d, 'spool.jsonl');
    const old = lines(0, 6);
    writeFileSync(legacy, `${old.join('\n')}\n`);
    writeFileSync(`${legacy}.offset`, String(old.slice(0, 2).reduce((s, l) => s + l.length + 1, 0)));
    const { spool, report } = await SegmentSpool.open({ dir: path.join(d, 'spool'), legacyFile: legacy });
    expect(report.adoptedLegacy).toBe(true);
    expect(existsSync(legacy)).toBe(false);
    expect(existsSync(`${legacy}.offset`)).toBe(false);
    expect(spool.records).toBe(4);
    await spool.append(lines(6, 1));
    expect(await drain(spool)).toEqual([...old.slice(2), ...lines(6, 1)]);
    await spool.close();
  });

  it('skips an over-long stretch without a newline as unreadable and goes on', async () => {
    const d = dir();
    writeFileSync(path.join(d, 'seg-000000000001.jsonl'), `{"a":1}\n${'z'.repeat(5000)}\n{"b":2}\n`);
    const { spool } = await SegmentSpool.open({ dir: d, maxLineBytes: 1000, readChunkBytes: 256 });
    expect(spool.records).toBe(3);
    const b = await spool.read(10, 1 << 20);
    expect(b!.lines).toEqual(['{"a":1}', '{"b":2}']);
    expect(b!.unreadable).toEqual([{ at: { segment: 1, offset: 8 }, bytes: 5001 }]);
    await spool.commit(b!.end, 3);
    expect(spool.records).toBe(0);
    await spool.close();
  });

  it('holds memory to about a chunk however large the spool (streams, never reads a segment whole)', async () => {
    const d = dir();
    const { spool } = await SegmentSpool.open({ dir: d, segmentBytes: 1 << 30, readChunkBytes: 4096 });
    await spool.append(lines(0, 20_000)); // 880 KB in one segment
    const b = await spool.read(10, 1 << 20);
    expect(b!.lines).toEqual(lines(0, 10));
    // What the reader holds beyond the batch is less than one chunk.
    expect((spool as unknown as { buf: Buffer }).buf.length).toBeLessThan(4096);
    await spool.close();
    expect(readFileSync(path.join(d, segs(d)[0]!), 'utf8').split('\n')).toHaveLength(20_001);
  });
});
