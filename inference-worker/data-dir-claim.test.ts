import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { claimDataDir } from './data-dir-claim';

const dir = () => mkdtempSync(path.join(tmpdir(), 'ballast-claim-'));
const worker = () => true;

describe('claimDataDir', () => {
  it('claims a directory once; a second worker is refused with what to do', () => {
    const d = dir();
    const release = claimDataDir(d, { isWorker: worker });
    expect(readFileSync(path.join(d, 'worker.pid'), 'utf8').trim()).toBe(String(process.pid));
    expect(readdirSync(d)).toEqual(['worker.pid']);
    // As if a second worker (the parent process's pid) started on the same directory.
    expect(() => claimDataDir(d, { pid: process.ppid, isWorker: worker })).toThrow(
      `another worker (pid ${process.pid}) uses the data directory ${d}: give each worker its own BALLAST_WORKER_DATA_DIR`,
    );
    release();
    expect(existsSync(path.join(d, 'worker.pid'))).toBe(false);
    claimDataDir(d, { pid: process.ppid, isWorker: worker })();
  });

  it('takes over a claim left by a process that is gone, or by a pid that now runs something else', () => {
    const d = dir();
    writeFileSync(path.join(d, 'worker.pid'), '4194303\n'); // above Linux's pid_max: never alive
    claimDataDir(d, { isWorker: worker })();
    writeFileSync(path.join(d, 'worker.pid'), `${process.ppid}\n`); // alive, but not a worker
    const release = claimDataDir(d, { isWorker: () => false });
    expect(readFileSync(path.join(d, 'worker.pid'), 'utf8').trim()).toBe(String(process.pid));
    release();
  });
});
