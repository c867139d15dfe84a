import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeadLetterFile } from './dead-letter';

const file = () => path.join(mkdtempSync(path.join(tmpdir(), 'ballast-dead-letter-')), 'dl.jsonl');
const read = (f: string) => readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('DeadLetterFile', () => {
  it('writes JSON lines with the time, the reason and the record (a spooled line embedded as it is)', async () => {
    const f = file();
    const dl = new DeadLetterFile({ file: f });
    const at = new Date('2026-12-06T10:00:00.000Z');
    await dl.write([{ reason: 'unknown model version', record: '{"request_id":"r1","item":0}', raw: true }, { reason: 'bad', record: { request_id: 'r2' } }], at);
    await dl.write([{ reason: 'unreadable spool line', record: '{"torn', raw: true }], at);
    await dl.close();
    expect(read(f)).toEqual([
      { at: '2026-12-06T10:00:00.000Z', reason: 'unknown model version', record: { request_id: 'r1', item: 0 } },
      { at: '2026-12-06T10:00:00.000Z', reason: 'bad', record: { request_id: 'r2' } },
      // Text that is not JSON is kept as a string, so the file stays JSON lines.
      { at: '2026-12-06T10:00:00.000Z', reason: 'unreadable spool line', record: '{"torn' },
    ]);
  });

  it('rotates at maxBytes and keeps at most `keep` old files', async () => {
    const f = file();
    const dl = new DeadLetterFile({ file: f, maxBytes: 1000, keep: 2 });
    for (let i = 0; i < 100; i++) await dl.write([{ reason: `r${i}`, record: { i, pad: 'p'.repeat(50) } }]);
    await dl.close();
    for (const name of [f, `${f}.1`, `${f}.2`]) expect(statSync(name).size).toBeLessThanOrEqual(1000);
    expect(existsSync(`${f}.3`)).toBe(false);
    // The newest letters are in the current file, the ones before them in .1 and .2, in order.
    const kept = [...read(`${f}.2`), ...read(`${f}.1`), ...read(f)].map((l) => (l.record as { i: number }).i);
    expect(kept.at(-1)).toBe(99);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, k) => 100 - kept.length + k));
  });
});
