import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { claimDataDir } from './data-dir-claim';

const dir = () => mkdtempSync(path.join(tmpdir(), 'ballast-claim-'));

describe('claimDataDir', () => {
  it('claims a directory once; a second live process is refused with what to do', () => {
    const d = dir();
    const release = claimDataDir(d);
    expect(readFileSync(path.join(d, 'worker.pid'), 'utf8').trim()).toBe(String(process.pid));
    // The parent process is alive: as if a second worker started on the same directory.
    expect(() => claimDataDir(d, process.ppid)).toThrow(`another worker (pid ${process.pid}) uses the data directory ${d}: give each worker its own BALLAST_WORKER_DATA_DIR`);
    release();
    expect(existsSync(path.join(d, 'worker.pid'))).toBe(false);
    claimDataDir(d, process.ppid)();
  });

  it('takes over a claim left by a process that is gone', () => {
    const d = dir();
    writeFileSync(path.join(d, 'worker.pid'), '4194303\n'); // above Linux's pid_max: never alive
    const release = claimDataDir(d);
    expect(readFileSync(path.join(d, 'worker.pid'), 'utf8').trim()).toBe(String(process.pid));
    release();
  });
});
