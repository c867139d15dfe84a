import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/*
 * One worker per data directory: two processes sharing a prediction-log spool would replay and
 * truncate each other's records, and race on the model cache and the desired-state file. The
 * claim is a pid file, published whole with link() (atomic, fails when the file exists); one left
 * by a process that is gone - or whose pid now belongs to something that is not a worker, as after
 * a container restart - is taken over.
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

/** Linux: whether the process runs the worker (a reused pid of some other program holds nothing); elsewhere, assume it does. */
function runsWorker(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('inference-worker');
  } catch {
    return true;
  }
}

function readHolder(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Claims `dir` for this process; returns the release. Throws, naming the holder, when a live worker holds it. */
export function claimDataDir(dir: string, opts: { pid?: number; isWorker?: (pid: number) => boolean } = {}): () => void {
  const pid = opts.pid ?? process.pid;
  const isWorker = opts.isWorker ?? runsWorker;
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'worker.pid');
  const draft = path.join(dir, `worker.pid.${pid}.draft`);
  writeFileSync(draft, `${pid}\n`);
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(draft, file);
        return () => {
          if (readHolder(file) === pid) unlinkSync(file);
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const holder = readHolder(file);
        if (holder !== null && holder !== pid && isAlive(holder) && isWorker(holder)) {
          throw new Error(`another worker (pid ${holder}) uses the data directory ${dir}: give each worker its own BALLAST_WORKER_DATA_DIR`);
        }
        try {
          unlinkSync(file); // left by a worker that is gone (or by this pid before): take it over
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        }
      }
    }
    throw new Error(`could not claim the data directory ${dir}: another worker keeps claiming it`);
  } finally {
    unlinkSync(draft);
  }
}
