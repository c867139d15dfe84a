import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/*
 * One worker per data directory: two processes sharing a prediction-log spool would replay and
 * truncate each other's records, and race on the model cache and the desired-state file. The
 * claim is a pid file created exclusively; one left by a process that is gone is taken over.
 */

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Claims `dir` for this process; returns the release. Throws, naming the holder, when a live process holds it. */
export function claimDataDir(dir: string, pid = process.pid): () => void {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'worker.pid');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, `${pid}\n`, { flag: 'wx' });
      return () => {
        try {
          if (readFileSync(file, 'utf8').trim() === String(pid)) unlinkSync(file);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== pid && isAlive(holder)) {
        throw new Error(`another worker (pid ${holder}) uses the data directory ${dir}: give each worker its own BALLAST_WORKER_DATA_DIR`);
      }
      unlinkSync(file); // left by a process that is gone (or by this one): take it over
    }
  }
  throw new Error(`could not claim the data directory ${dir}`);
}
