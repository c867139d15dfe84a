import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/*
 * Prediction-log records the control plane refused for good (a rejected record, or a whole batch
 * refused with 400/413/422): kept beside the spool as JSON lines `{at, reason, record}` for an
 * operator to read, never retried. Bounded: the file rotates at `maxBytes` into `<file>.1` ...
 * `<file>.<keep>`, and the oldest rotation is deleted, so the dead letters take at most
 * (keep + 1) x maxBytes of disk.
 */

export interface DeadLetterOptions {
  file: string;
  maxBytes?: number;
  /** Rotated files kept besides the current one. */
  keep?: number;
}

export interface DeadLetter {
  reason: string;
  /** The record as it was spooled: a JSON text (kept byte for byte) or a value. */
  record: string | unknown;
  /** Whether `record` is raw JSON text to embed as it is. */
  raw?: boolean;
}

export class DeadLetterFile {
  readonly file: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private handle: FileHandle | null = null;
  private size = 0;
  /** Writes one after another: the shipper may dead-letter from a read-ahead while a batch ships. */
  private chain: Promise<void> = Promise.resolve();

  constructor(opts: DeadLetterOptions) {
    this.file = opts.file;
    this.maxBytes = opts.maxBytes ?? 64 << 20;
    this.keep = opts.keep ?? 3;
  }

  write(letters: readonly DeadLetter[], now = new Date()): Promise<void> {
    const run = this.chain.then(() => this.writeNow(letters, now));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async writeNow(letters: readonly DeadLetter[], now: Date): Promise<void> {
    if (letters.length === 0) return;
    const at = JSON.stringify(now.toISOString());
    for (const l of letters) {
      const record = l.raw && typeof l.record === 'string' && isJsonText(l.record) ? l.record : JSON.stringify(l.record) ?? 'null';
      const line = Buffer.from(`{"at":${at},"reason":${JSON.stringify(l.reason)},"record":${record}}\n`);
      const h = await this.open();
      if (this.size > 0 && this.size + line.length > this.maxBytes) await this.rotate();
      const w = this.handle ?? h;
      let done = 0;
      while (done < line.length) done += (await w.write(line, done, line.length - done)).bytesWritten;
      this.size += line.length;
    }
  }

  async close(): Promise<void> {
    await this.chain;
    await this.handle?.close();
    this.handle = null;
  }

  private async open(): Promise<FileHandle> {
    if (this.handle) return this.handle;
    await mkdir(path.dirname(this.file), { recursive: true });
    this.handle = await open(this.file, 'a');
    this.size = (await stat(this.file)).size;
    return this.handle;
  }

  private async rotate(): Promise<void> {
    await this.handle?.close();
    this.handle = null;
    await rm(`${this.file}.${this.keep}`, { force: true });
    for (let i = this.keep - 1; i >= 1; i--) await rename(`${this.file}.${i}`, `${this.file}.${i + 1}`).catch(() => undefined);
    if (this.keep > 0) await rename(this.file, `${this.file}.1`);
    else await rm(this.file, { force: true });
    await this.open();
  }
}

/** A spooled line is embedded as it is only when it is JSON (a corrupt line is quoted as a string). */
function isJsonText(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
