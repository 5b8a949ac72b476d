import type { RecordFormat } from './format';
import {
  csvRecords,
  csvRows,
  jsonArrayRecords,
  jsonLines,
  scanJsonArray,
  parseJson,
  rowRecord,
  type Columns,
  type ParsedRecord,
} from './records';

/**
 * How much of one data file is read: the first `head` records, then a seeded reservoir sample
 * of `sample` records from the rest, reading at most `maxBytes` (of decompressed data) and for
 * at most `maxMs`. A 10 GB file costs what its first `maxBytes` cost.
 */
export interface SampleBounds {
  readonly head: number;
  readonly sample: number;
  readonly maxBytes: number;
  readonly maxMs: number;
  /** A record longer than this is counted but not read. */
  readonly maxRecordBytes: number;
  /** The head is held as text for positions; it is cut at this many bytes. */
  readonly maxHeadBytes: number;
  readonly seed: number;
}

export const DEFAULT_BOUNDS: SampleBounds = {
  head: 100,
  sample: 900,
  maxBytes: 128 * 1024 * 1024,
  maxMs: 4000,
  maxRecordBytes: 1024 * 1024,
  maxHeadBytes: 4 * 1024 * 1024,
  seed: 0x5eed,
};

/** Which bound stopped the reading, when one did. */
export type BoundReached = 'bytes' | 'time';

export interface SampledRecord {
  /** 0-based position among the file's records. */
  readonly index: number;
  readonly value: Record<string, unknown> | undefined;
  /** Where it starts in `DatasetSample.headText`, for records of the head. */
  readonly offset?: number;
  readonly text?: string;
}

/** What was read of one data file. */
export interface DatasetSample {
  readonly records: readonly SampledRecord[];
  /** Records seen (counted) while reading. */
  readonly seen: number;
  /** Records in the whole file: exact when it was read to the end, else estimated from the bytes. */
  readonly total: number;
  readonly exact: boolean;
  readonly bound?: BoundReached;
  /** The file's first records as text: positions of findings are offsets into it. */
  readonly headText: string;
  readonly columns?: Columns;
  /** Records over `maxRecordBytes`, counted but not read. */
  readonly oversized: number;
  /** Records that are not JSON objects (JSON Lines, JSON arrays). */
  readonly unparsed: number;
}

/** A small seeded generator (mulberry32): the same file gives the same sample in CI and in the editor. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NO_PARTS: readonly Uint8Array[] = [];

function concat(parts: readonly Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Reads a text data file (JSON Lines, a JSON array, CSV, TSV) pushed in chunks of bytes, and
 * keeps a bounded sample of its records. Only the head and the records the reservoir keeps are
 * decoded and parsed; the others are only split and counted, so reading costs little more
 * than the bytes themselves. Chunks must not be reused by the caller after `push`. A shell
 * should push Node's Buffers where it has them: their `indexOf` is native, which makes
 * splitting many times faster than the generic typed-array one.
 */
export class DatasetScanner {
  private readonly random: () => number;
  private readonly started = Date.now();
  private bytes = 0;
  private count = 0;
  private oversized = 0;
  private stopped: BoundReached | undefined;
  private readonly headParts: Uint8Array[] = [];
  private headBytes = 0;
  private headDone = false;
  private headText = '';
  private headRecords: ParsedRecord[] = [];
  private columns: Columns | undefined;
  private headerRow = false;
  /** The record being read past the head: its parts so far (dropped once it is too long). */
  private parts: Uint8Array[] = [];
  private partsBytes = 0;
  private inRecord = false;
  private readonly reservoir: { index: number; bytes: Uint8Array }[] = [];
  private kept = 0;
  // Splitting state: quotes (CSV), and nesting and strings (JSON arrays).
  private quoted = false;
  private depth = 0;
  private inString = false;
  private escaped = false;

  constructor(
    private readonly format: Exclude<RecordFormat, 'parquet'>,
    private readonly bounds: SampleBounds = DEFAULT_BOUNDS,
  ) {
    this.random = seededRandom(bounds.seed);
  }

  /** Reads one chunk; false once a bound is reached and nothing more is wanted. */
  push(chunk: Uint8Array): boolean {
    if (this.stopped) return false;
    this.bytes += chunk.length;
    if (!this.headDone) {
      this.headParts.push(chunk);
      this.headBytes += chunk.length;
      // The head is parsed from text once it holds enough records (or bytes); the rest of the
      // chunk after it is split like any later chunk.
      const end = this.headEnd();
      if (end === undefined) {
        if (this.headBytes < this.bounds.maxHeadBytes) return this.checkBounds();
      }
      this.finishHead(end);
      const rest = this.headRest;
      this.headRest = undefined;
      if (rest && rest.length) this.split(rest);
      return this.checkBounds();
    }
    this.split(chunk);
    return this.checkBounds();
  }

  private headRest: Uint8Array | undefined;

  private checkBounds(): boolean {
    if (this.bytes >= this.bounds.maxBytes) this.stopped = 'bytes';
    else if (Date.now() - this.started > this.bounds.maxMs) this.stopped = 'time';
    return this.stopped === undefined;
  }

  /**
   * Where the head ends in the bytes held so far: after the `head`-th record (plus the header
   * row of a CSV file), or undefined while they are fewer. JSON arrays are cut at the byte
   * limit only, and their head parsed from the complete elements.
   */
  private headEnd(): number | undefined {
    if (this.format === 'json') return undefined;
    const all = concat(this.headParts, this.headBytes);
    this.headParts.length = 0;
    this.headParts.push(all);
    let lines = 0;
    const wanted = this.bounds.head + (this.format === 'jsonl' ? 0 : 1);
    let quoted = false;
    for (let i = 0; i < all.length; i++) {
      const c = all[i];
      if (c === 0x22 && this.format !== 'jsonl') quoted = !quoted;
      else if (c === 0x0a && !quoted && ++lines >= wanted) return i + 1;
    }
    return undefined;
  }

  private finishHead(end: number | undefined): void {
    const all = concat(this.headParts, this.headBytes);
    this.headParts.length = 0;
    let cut = end ?? all.length;
    if (end === undefined && this.format !== 'json') {
      // Cut at the last complete line; what follows is the start of the next record.
      const nl = all.lastIndexOf(0x0a);
      cut = nl < 0 ? all.length : nl + 1;
    }
    this.headDone = true;
    const decoder = new TextDecoder('utf-8');
    let text = decoder.decode(all.subarray(0, cut));
    if (text.charCodeAt(0) === 0xfeff) text = ' ' + text.slice(1);
    this.headText = text;
    const partial = end === undefined;
    if (this.format === 'jsonl') this.headRecords = jsonLines(text);
    else if (this.format === 'json') {
      this.headRecords = jsonArrayRecords(text);
      // Past the head, JSON elements are split from where the head's scan stopped.
      this.resumeJsonAfter(text);
    } else {
      const csv = csvRecords(text, this.format === 'tsv', partial && end === undefined);
      this.columns = csv.columns;
      this.headerRow = csv.headerRow;
      this.headRecords = csv.records;
    }
    this.count = this.headRecords.length + (this.headerRow ? 0 : 0);
    if (this.format !== 'json') this.headRest = all.subarray(cut);
    else this.headRest = undefined;
  }

  /** JSON arrays: the head is all the bytes held so far; later chunks continue the element being read. */
  private resumeJsonAfter(text: string): void {
    // Recompute the splitting state at the end of the head text, and keep the open element's text.
    const { depth, inString, start } = scanJsonArray(text);
    this.depth = depth;
    this.inString = inString;
    // An escape at the very end of the head is rare; a wrong guess costs one element.
    this.escaped = false;
    if (start >= 0 && depth > 1) {
      const open = new TextEncoder().encode(text.slice(start));
      this.parts = [open];
      this.partsBytes = open.length;
      this.inRecord = true;
      // The open element is not part of the head's records, so its text is not a position.
      this.headText = text.slice(0, start);
    }
  }

  private split(chunk: Uint8Array): void {
    if (this.format === 'json') return this.splitJson(chunk);
    const csv = this.format !== 'jsonl';
    let from = 0;
    let pos = 0;
    // The next quote at or after `pos`, found once per stretch (-1: none left in the chunk).
    let nextQuote = -2;
    const quoteFrom = (p: number) => {
      if (nextQuote === -2 || (nextQuote >= 0 && nextQuote < p)) nextQuote = chunk.indexOf(0x22, p);
      return nextQuote;
    };
    for (;;) {
      let nl = -1;
      for (;;) {
        if (this.quoted) {
          // A newline inside quotes is part of a cell; a doubled quote closes and reopens.
          const q = quoteFrom(pos);
          if (q < 0) break;
          this.quoted = false;
          pos = q + 1;
          continue;
        }
        nl = chunk.indexOf(0x0a, pos);
        const q = csv ? quoteFrom(pos) : -1;
        if (q >= 0 && (nl < 0 || q < nl)) {
          this.quoted = true;
          nl = -1;
          pos = q + 1;
          continue;
        }
        break;
      }
      if (nl < 0) break;
      this.endRecord(chunk, from, nl);
      from = pos = nl + 1;
    }
    this.addPart(chunk, from, chunk.length);
  }

  private splitJson(chunk: Uint8Array): void {
    let from = this.inRecord ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c) this.escaped = true;
        else if (c === 0x22) this.inString = false;
        continue;
      }
      if (c === 0x22) {
        this.inString = true;
        if (this.depth === 1 && from < 0) from = this.begin(i);
      } else if (c === 0x7b || c === 0x5b) {
        if (this.depth === 1 && from < 0) from = this.begin(i);
        this.depth++;
      } else if (c === 0x7d || c === 0x5d) {
        this.depth--;
        if (this.depth === 1 && from >= 0) {
          this.endRecord(chunk, from, i + 1);
          from = -1;
        }
      } else if (c === 0x2c && this.depth === 1 && from >= 0) {
        this.endRecord(chunk, from, i);
        from = -1;
      }
    }
    if (from >= 0) this.addPart(chunk, from, chunk.length);
  }

  private begin(i: number): number {
    this.inRecord = true;
    this.parts = [];
    this.partsBytes = 0;
    return i;
  }

  private addPart(chunk: Uint8Array, from: number, to: number): void {
    if (to <= from) return;
    this.inRecord = true;
    if (this.partsBytes + (to - from) > this.bounds.maxRecordBytes) {
      // Too long to keep: counted when it ends, never read.
      this.parts = [];
      this.partsBytes = Number.POSITIVE_INFINITY;
      return;
    }
    this.parts.push(chunk.subarray(from, to));
    this.partsBytes += to - from;
  }

  private endRecord(chunk: Uint8Array, from: number, to: number): void {
    const length = this.partsBytes + (to - from);
    // Most records lie within one chunk: no array is allocated for them.
    const parts = this.parts.length === 0 ? NO_PARTS : this.parts;
    if (parts !== NO_PARTS) this.parts = [];
    this.partsBytes = 0;
    this.inRecord = false;
    // Blank lines are no records.
    if (length === 0 || (length <= 2 && isBlank(parts, chunk, from, to))) return;
    const index = this.count++;
    if (length > this.bounds.maxRecordBytes) {
      this.oversized++;
      return;
    }
    // Reservoir sampling (Algorithm R) over the records after the head.
    const seenAfterHead = ++this.kept;
    let slot = -1;
    if (this.reservoir.length < this.bounds.sample) slot = this.reservoir.length;
    else {
      const j = Math.floor(this.random() * seenAfterHead);
      if (j < this.bounds.sample) slot = j;
    }
    if (slot < 0) return;
    // A copy: the record must not keep the whole chunk it was read from alive.
    const own = new Uint8Array(concat([...parts, chunk.subarray(from, to)], length));
    this.reservoir[slot] = { index, bytes: own };
  }

  /** The sample, once the file is read to its end (`complete`) or reading stopped at a bound. */
  finish(fileBytes?: number, complete = true): DatasetSample {
    if (!this.headDone) {
      this.finishHead(this.format === 'json' ? undefined : this.headBytes);
      this.headRest = undefined;
    } else if (complete && !this.stopped && this.parts.length > 0 && this.format !== 'json') {
      // The last line without a newline.
      const parts = this.parts;
      this.parts = [];
      const last = concat(parts, this.partsBytes);
      this.endRecord(last, 0, last.length);
    }
    const decoder = new TextDecoder('utf-8');
    const records: SampledRecord[] = this.headRecords.map((r, index) => ({
      index,
      value: r.value,
      offset: r.offset,
      text: r.text,
    }));
    const later = [...this.reservoir].sort((a, b) => a.index - b.index);
    for (const r of later) {
      const text = decoder.decode(r.bytes);
      records.push({ index: r.index, value: this.parse(text) });
    }
    const exact = complete && !this.stopped;
    const total =
      exact || !fileBytes || this.bytes === 0 ? this.count : Math.round((this.count * fileBytes) / this.bytes);
    const unparsed = records.filter((r) => r.value === undefined).length;
    return {
      records,
      seen: this.count,
      total: Math.max(total, this.count),
      exact,
      bound: this.stopped,
      headText: this.headText,
      columns: this.columns,
      oversized: this.oversized,
      unparsed,
    };
  }

  private parse(text: string): Record<string, unknown> | undefined {
    if (this.format === 'jsonl' || this.format === 'json') return parseJson(text);
    const rows = csvRows(text, this.columns?.delimiter ?? ',');
    return rows.length ? rowRecord(this.columns ?? { names: [], delimiter: ',' }, rows[0].cells) : undefined;
  }
}

function isBlank(parts: readonly Uint8Array[], chunk: Uint8Array, from: number, to: number): boolean {
  const bytes = [...parts.flatMap((p) => [...p]), ...chunk.subarray(from, to)];
  return bytes.every((b) => b === 0x20 || b === 0x0d || b === 0x09);
}

/** A sample of records handed over already decoded (Parquet rows, read by the shell's reader). */
export function sampleOf(
  records: readonly { index: number; value: Record<string, unknown> }[],
  total: number,
  bound?: BoundReached,
): DatasetSample {
  return {
    records: records.map((r) => ({ index: r.index, value: r.value })),
    seen: records.length,
    total,
    exact: true,
    bound,
    headText: '',
    oversized: 0,
    unparsed: 0,
  };
}
