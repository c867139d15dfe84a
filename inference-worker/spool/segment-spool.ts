import { mkdir, open, readdir, rename, rm, stat, writeFile, readFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/*
 * The prediction log's on-disk spool: an ordered queue of JSON lines split over numbered segment
 * files (seg-000000000001.jsonl, ...). Appends go to the newest segment, which is sealed and
 * replaced once it reaches `segmentBytes`; the reader streams the oldest segment from the cursor in
 * fixed-size chunks, so memory stays bounded by a chunk plus one batch whatever the spool's size.
 * The cursor file (segment + byte offset) is committed after each shipped batch, so after a crash
 * at most one batch is read and sent again (ingest dedupes it); segments wholly behind the cursor
 * are deleted. A crash mid-append leaves a torn last line: open() cuts it off (it was never a
 * whole record) and reports how many bytes went.
 *
 * At the size cap (`maxBytes`, every segment file counted) what is already stored is kept and new
 * lines are refused, for the caller to count as dropped: the spool is a record of what happened,
 * ingest dedupes and orders by timestamp, and deleting the oldest lines would destroy records the
 * worker already promised to keep. The cap frees itself as replay deletes shipped segments.
 */

export interface SpoolPosition {
  segment: number;
  offset: number;
}

export interface SpoolOptions {
  dir: string;
  /** A segment is sealed once it holds this many bytes (a single longer line still fits whole). */
  segmentBytes?: number;
  /** Total bytes of segment files beyond which appends are refused. */
  maxBytes?: number;
  /** Bytes read from disk per read call. */
  readChunkBytes?: number;
  /** A line longer than this (no newline in sight) is skipped as unreadable instead of buffered. */
  maxLineBytes?: number;
  /** A single-file spool of an older worker (JSON lines + `<file>.offset`), adopted as the oldest segment. */
  legacyFile?: string;
}

export interface SpoolBatch {
  /** Whole lines, in spool order, without their newline. */
  lines: string[];
  /** Stretches of bytes that could not be read as lines (over-long or cut off), with their start. */
  unreadable: { at: SpoolPosition; bytes: number }[];
  /** Where the next batch starts: commit this once the batch is dealt with. */
  end: SpoolPosition;
  bytes: number;
}

export interface SpoolOpenReport {
  /** Bytes of a torn last line cut off the newest segment (a crash mid-append). */
  tornBytes: number;
  /** Whether an older single-file spool was adopted. */
  adoptedLegacy: boolean;
}

const SEGMENT_RE = /^seg-(\d{12})\.jsonl$/;
const NEWLINE = 0x0a;
const segmentName = (n: number) => `seg-${String(n).padStart(12, '0')}.jsonl`;

export class SegmentSpool {
  readonly segmentBytes: number;
  readonly maxBytes: number;
  private readonly readChunkBytes: number;
  private readonly maxLineBytes: number;
  private readonly cursorFile: string;
  /** Segment number -> its size in bytes, oldest first (Map keeps insertion order). */
  private readonly segments = new Map<number, number>();
  private totalBytes = 0;
  private pendingRecords = 0;
  private cursor: SpoolPosition = { segment: 0, offset: 0 };
  private writer: { segment: number; handle: FileHandle } | null = null;
  // Reader state: an open segment, the file offset of `buf[0]`, and bytes read but not yet taken.
  private reader: { segment: number; handle: FileHandle } | null = null;
  private readPos: SpoolPosition = { segment: 0, offset: 0 };
  private buf: Buffer = Buffer.alloc(0);
  private closed = false;

  private constructor(private readonly opts: SpoolOptions) {
    this.segmentBytes = opts.segmentBytes ?? 64 << 20;
    this.maxBytes = opts.maxBytes ?? 2 * 1024 ** 3;
    this.readChunkBytes = opts.readChunkBytes ?? 1 << 20;
    this.maxLineBytes = opts.maxLineBytes ?? 64 << 20;
    this.cursorFile = path.join(opts.dir, 'cursor.json');
  }

  static async open(opts: SpoolOptions): Promise<{ spool: SegmentSpool; report: SpoolOpenReport }> {
    const spool = new SegmentSpool(opts);
    const report = await spool.load();
    return { spool, report };
  }

  /** Bytes of every segment file on disk (shipped lines of the oldest segment included until it is deleted). */
  get bytes(): number {
    return this.totalBytes;
  }

  /** Lines stored behind the cursor: not yet shipped. */
  get records(): number {
    return this.pendingRecords;
  }

  get isEmpty(): boolean {
    return this.pendingRecords === 0;
  }

  /**
   * Appends whole lines (no newline inside any of them), in order. Lines that do not fit under the
   * cap are refused from the first that does not fit onwards, so what is stored stays a prefix of
   * what happened; the answer says how many were written.
   */
  async append(lines: readonly string[]): Promise<{ written: number; refused: number }> {
    let written = 0;
    while (written < lines.length) {
      const w = await this.activeWriter();
      let size = this.segments.get(w.segment)!;
      const parts: string[] = [];
      let bytes = 0;
      let i = written;
      for (; i < lines.length; i++) {
        const n = Buffer.byteLength(lines[i]!) + 1;
        if (this.totalBytes + bytes + n > this.maxBytes) break;
        // Seal at the segment size, except that an empty segment always takes its first line.
        if (size + bytes > 0 && size + bytes + n > this.segmentBytes) break;
        parts.push(lines[i]!);
        bytes += n;
      }
      if (parts.length === 0) {
        if (size > 0 && this.totalBytes + Buffer.byteLength(lines[i]!) + 1 <= this.maxBytes) {
          await this.seal();
          continue;
        }
        break; // the cap
      }
      const data = Buffer.from(`${parts.join('\n')}\n`);
      let at = 0;
      while (at < data.length) at += (await w.handle.write(data, at, data.length - at)).bytesWritten;
      size += data.length;
      this.segments.set(w.segment, size);
      this.totalBytes += data.length;
      this.pendingRecords += parts.length;
      written += parts.length;
    }
    return { written, refused: lines.length - written };
  }

  /**
   * The next lines after the read position (not the cursor: a batch read but not yet committed is
   * not read again), at most `maxLines` lines and about `maxBytes` bytes; null when nothing is left.
   */
  async read(maxLines: number, maxBytes: number): Promise<SpoolBatch | null> {
    const lines: string[] = [];
    const unreadable: SpoolBatch['unreadable'] = [];
    let bytes = 0;
    while (lines.length < maxLines && bytes < maxBytes) {
      const nl = this.buf.indexOf(NEWLINE);
      if (nl >= 0) {
        lines.push(this.buf.toString('utf8', 0, nl));
        bytes += nl + 1;
        this.take(nl + 1);
        continue;
      }
      if (this.buf.length > this.maxLineBytes) {
        // No newline in sight: skip to the next one rather than hold an unbounded line.
        unreadable.push({ at: { ...this.readPos }, bytes: this.buf.length });
        bytes += this.buf.length;
        this.take(this.buf.length);
        await this.skipToNewline(unreadable[unreadable.length - 1]!);
        continue;
      }
      const more = await this.fill();
      if (more === 'more') continue;
      if (more === 'segment-end') {
        if (this.buf.length) {
          // A sealed segment ends mid-line (an adopted legacy spool): the fragment is not a record.
          unreadable.push({ at: { ...this.readPos }, bytes: this.buf.length });
          this.take(this.buf.length);
        }
        await this.nextSegment();
        continue;
      }
      break; // 'caught-up': the writer has nothing more yet
    }
    if (lines.length === 0 && unreadable.length === 0) return null;
    return { lines, unreadable, end: { ...this.readPos }, bytes };
  }

  /**
   * Moves the cursor to `to` (a batch's `end`), `lines` fewer pending, and deletes segments wholly
   * behind it. Committed atomically (write + rename), so a crash leaves the old cursor or the new.
   */
  async commit(to: SpoolPosition, lines: number): Promise<void> {
    this.pendingRecords = Math.max(0, this.pendingRecords - lines);
    this.cursor = { ...to };
    for (const [n, size] of this.segments) {
      if (n >= to.segment) break;
      await this.deleteSegment(n, size);
    }
    const size = this.segments.get(to.segment);
    const last = this.lastSegment();
    if (this.pendingRecords === 0 && this.caughtUp(to) && last !== undefined) {
      // Drained: drop every segment, and number the next one after them so the cursor stays ahead.
      this.cursor = { segment: last + 1, offset: 0 };
      await this.writeCursor();
      await this.writer?.handle.close();
      this.writer = null;
      for (const [n, s] of this.segments) await this.deleteSegment(n, s);
      this.readPos = { ...this.cursor };
      this.buf = Buffer.alloc(0);
      return;
    }
    if (size !== undefined && to.offset >= size && to.segment !== last) {
      await this.deleteSegment(to.segment, size);
      this.cursor = { segment: [...this.segments.keys()].find((n) => n > to.segment)!, offset: 0 };
    }
    await this.writeCursor();
  }

  private caughtUp(to: SpoolPosition): boolean {
    const last = this.lastSegment();
    return this.buf.length === 0 && to.segment === last && to.offset === this.segments.get(last) && this.readPos.segment === to.segment && this.readPos.offset === to.offset;
  }

  private lastSegment(): number | undefined {
    let last: number | undefined;
    for (const n of this.segments.keys()) last = n;
    return last;
  }

  private async writeCursor(): Promise<void> {
    const tmp = `${this.cursorFile}.tmp`;
    await writeFile(tmp, JSON.stringify(this.cursor));
    await rename(tmp, this.cursorFile);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.writer?.handle.close();
    await this.reader?.handle.close();
    this.writer = null;
    this.reader = null;
  }

  /** Segment file names, oldest first (tests and operators). */
  segmentFiles(): string[] {
    return [...this.segments.keys()].map((n) => path.join(this.opts.dir, segmentName(n)));
  }

  private async load(): Promise<SpoolOpenReport> {
    await mkdir(this.opts.dir, { recursive: true });
    let names = (await readdir(this.opts.dir)).filter((n) => SEGMENT_RE.test(n)).sort();
    let adoptedLegacy = false;
    try {
      this.cursor = JSON.parse(await readFile(this.cursorFile, 'utf8')) as SpoolPosition;
    } catch {
      this.cursor = { segment: 0, offset: 0 };
    }
    if (this.opts.legacyFile && names.length === 0) adoptedLegacy = await this.adoptLegacy(this.opts.legacyFile);
    if (adoptedLegacy) names = (await readdir(this.opts.dir)).filter((n) => SEGMENT_RE.test(n)).sort();
    for (const name of names) {
      const n = Number(SEGMENT_RE.exec(name)![1]);
      const size = (await stat(path.join(this.opts.dir, name))).size;
      this.segments.set(n, size);
      this.totalBytes += size;
    }
    // Segments wholly behind the cursor are leftovers of a crash between commit and delete.
    for (const [n, size] of this.segments) if (n < this.cursor.segment) await this.deleteSegment(n, size);
    if (this.segments.size && !this.segments.has(this.cursor.segment)) this.cursor = { segment: this.segments.keys().next().value!, offset: 0 };
    // No segment at all (removed by hand after a crash?): the next one starts after the cursor's, from its start.
    if (this.segments.size === 0 && this.cursor.offset > 0) this.cursor = { segment: this.cursor.segment + 1, offset: 0 };
    const tornBytes = await this.cutTornTail();
    this.totalBytes -= tornBytes;
    this.pendingRecords = await this.countPending();
    this.readPos = { ...this.cursor };
    return { tornBytes, adoptedLegacy };
  }

  private async adoptLegacy(file: string): Promise<boolean> {
    let size = 0;
    try {
      size = (await stat(file)).size;
    } catch {
      return false;
    }
    let offset = 0;
    try {
      offset = Number(await readFile(`${file}.offset`, 'utf8')) || 0;
    } catch {
      // no replay was in progress
    }
    if (size === 0 || offset >= size) {
      await rm(file, { force: true });
      await rm(`${file}.offset`, { force: true });
      return false;
    }
    await rename(file, path.join(this.opts.dir, segmentName(1)));
    this.cursor = { segment: 1, offset };
    await writeFile(this.cursorFile, JSON.stringify(this.cursor));
    await rm(`${file}.offset`, { force: true });
    return true;
  }

  private async cutTornTail(): Promise<number> {
    const last = this.lastSegment();
    if (last === undefined) return 0;
    const size = this.segments.get(last)!;
    if (size === 0) return 0;
    const file = path.join(this.opts.dir, segmentName(last));
    const handle = await open(file, 'r+');
    try {
      const chunk = Buffer.alloc(64 * 1024);
      let end = size;
      while (end > 0) {
        const start = Math.max(0, end - chunk.length);
        const { bytesRead } = await handle.read(chunk, 0, end - start, start);
        const nl = chunk.subarray(0, bytesRead).lastIndexOf(NEWLINE);
        if (nl >= 0) {
          const keep = start + nl + 1;
          if (keep === size) return 0;
          await handle.truncate(keep);
          this.segments.set(last, keep);
          return size - keep;
        }
        end = start;
      }
      await handle.truncate(0);
      this.segments.set(last, 0);
      return size;
    } finally {
      await handle.close();
    }
  }

  /** Newlines after the cursor: a streamed count, once at open. */
  private async countPending(): Promise<number> {
    let count = 0;
    const chunk = Buffer.alloc(this.readChunkBytes);
    for (const [n, size] of this.segments) {
      const handle = await open(path.join(this.opts.dir, segmentName(n)), 'r');
      try {
        let at = n === this.cursor.segment ? this.cursor.offset : 0;
        while (at < size) {
          const { bytesRead } = await handle.read(chunk, 0, Math.min(chunk.length, size - at), at);
          if (bytesRead === 0) break;
          for (let i = chunk.indexOf(NEWLINE, 0); i >= 0 && i < bytesRead; i = chunk.indexOf(NEWLINE, i + 1)) count++;
          at += bytesRead;
        }
      } finally {
        await handle.close();
      }
    }
    return count;
  }

  private async activeWriter(): Promise<{ segment: number; handle: FileHandle }> {
    if (this.closed) throw new Error('the spool is closed');
    if (this.writer) return this.writer;
    const last = this.lastSegment();
    // Reopen the newest segment after a restart unless it is already full; with none, start at the cursor.
    const n = last === undefined ? Math.max(1, this.cursor.segment) : this.segments.get(last)! < this.segmentBytes ? last : last + 1;
    const handle = await open(path.join(this.opts.dir, segmentName(n)), 'a');
    if (!this.segments.has(n)) this.segments.set(n, 0);
    if (this.segments.size === 1 && this.cursor.segment !== n) {
      this.cursor = { segment: n, offset: 0 };
      this.readPos = { ...this.cursor };
    }
    this.writer = { segment: n, handle };
    return this.writer;
  }

  private async seal(): Promise<void> {
    const w = this.writer;
    if (!w) return;
    await w.handle.close();
    const n = w.segment + 1;
    const handle = await open(path.join(this.opts.dir, segmentName(n)), 'a');
    this.segments.set(n, 0);
    this.writer = { segment: n, handle };
  }

  private take(n: number): void {
    this.buf = this.buf.subarray(n);
    this.readPos.offset += n;
  }

  /** Reads the next chunk of the reader's segment into `buf`. */
  private async fill(): Promise<'more' | 'segment-end' | 'caught-up'> {
    const seg = this.readPos.segment;
    const size = this.segments.get(seg);
    if (size === undefined) {
      // The read position names a segment that is gone or not yet made: move to the oldest there is.
      const next = [...this.segments.keys()].find((n) => n > seg);
      if (next === undefined) return 'caught-up';
      await this.nextSegment();
      return 'more';
    }
    const fileAt = this.readPos.offset + this.buf.length;
    if (fileAt >= size) return seg === this.lastSegment() ? 'caught-up' : 'segment-end';
    if (!this.reader || this.reader.segment !== seg) {
      await this.reader?.handle.close();
      this.reader = { segment: seg, handle: await open(path.join(this.opts.dir, segmentName(seg)), 'r') };
    }
    const want = Math.min(this.readChunkBytes, size - fileAt);
    const chunk = Buffer.allocUnsafe(want);
    const { bytesRead } = await this.reader.handle.read(chunk, 0, want, fileAt);
    if (bytesRead === 0) return 'caught-up';
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
    return 'more';
  }

  private async skipToNewline(record: { bytes: number }): Promise<void> {
    for (;;) {
      const r = await this.fill();
      if (r !== 'more') return;
      const nl = this.buf.indexOf(NEWLINE);
      const n = nl >= 0 ? nl + 1 : this.buf.length;
      record.bytes += n;
      this.take(n);
      if (nl >= 0) return;
    }
  }

  private async nextSegment(): Promise<void> {
    const seg = this.readPos.segment;
    const next = [...this.segments.keys()].find((n) => n > seg);
    await this.reader?.handle.close();
    this.reader = null;
    this.buf = Buffer.alloc(0);
    if (next !== undefined) this.readPos = { segment: next, offset: 0 };
  }

  private async deleteSegment(n: number, size: number): Promise<void> {
    if (this.writer?.segment === n) return;
    if (this.reader?.segment === n) {
      await this.reader.handle.close();
      this.reader = null;
    }
    await rm(path.join(this.opts.dir, segmentName(n)), { force: true });
    this.segments.delete(n);
    this.totalBytes -= size;
  }
}
