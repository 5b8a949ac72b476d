import { closeSync, read, readSync } from 'node:fs';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';
// The core's dataset modules by name, not its index: the data worker's bundle holds these only.
import { datasetFormatOf, isJsonRecords, type RecordFormat } from '../core/datasets/format';
import {
  DatasetScanner,
  DEFAULT_BOUNDS,
  sampleOf,
  seededRandom,
  type DatasetSample,
  type SampleBounds,
} from '../core/datasets/sample';
import type { Finding } from '../core/types';
import { openRegular } from './confine';

export type DatasetRead = { ok: true; sample: DatasetSample } | { ok: false; reason: string };

/** What a reader is told while it reads: whether to stop, and where to say it has got to. */
export interface ReadSignal {
  readonly cancelled: boolean;
  /** Bytes of the file read so far, of `size` (called once per chunk). */
  progress?(read: number, size: number): void;
  /** Aborted when `cancelled` becomes true: a reading in another thread stops that thread. */
  readonly abort?: AbortSignal;
}

/** Bytes read from disk per chunk. */
const CHUNK_BYTES = 1024 * 1024;

const readAsync = promisify(read);

/** The file's bytes in fresh chunks (the scanner keeps views into them), never past the size it reported. */
async function* chunks(fd: number, size: number, signal?: ReadSignal): AsyncGenerator<Buffer> {
  for (let at = 0; at < size;) {
    const buf = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, size - at));
    const { bytesRead } = await readAsync(fd, buf, 0, buf.length, at);
    if (bytesRead === 0) return;
    at += bytesRead;
    signal?.progress?.(at, size);
    yield bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
  }
}

/**
 * Reads a training data file as a bounded sample of its records: streamed in chunks (through
 * gzip or zstd when compressed), never loaded whole, stopped at the first bound reached.
 * Parquet is read by byte ranges: its footer, then the pages of the rows sampled. Only
 * regular files are opened (no FIFO, no device); nothing is fetched from anywhere else.
 */
export async function readDataset(
  file: string,
  format: RecordFormat | undefined = datasetFormatOf(file)?.format,
  bounds: SampleBounds = DEFAULT_BOUNDS,
  signal?: ReadSignal,
): Promise<DatasetRead> {
  const kind = datasetFormatOf(file);
  const opened = openRegular(file);
  if (!opened.ok) return opened;
  const { fd, size } = opened;
  let closed = false;
  const close = () => {
    if (!closed) closeSync(fd);
    closed = true;
  };
  try {
    if (!format) return { ok: false, reason: 'not a data file' };
    if (format === 'parquet') return await readParquet(fd, size, bounds, signal);
    // The scanner's time bound counts from the first bytes read: a reading that waits its turn
    // (others read alongside it, on this thread) is not cut short for the time it waited.
    let made: DatasetScanner | undefined;
    const scanner = {
      push: (chunk: Buffer) => (made ??= new DatasetScanner(format, bounds)).push(chunk),
      finish: (estimateFrom: number | undefined, complete: boolean) =>
        (made ??= new DatasetScanner(format, bounds)).finish(estimateFrom, complete),
    };
    const raw = Readable.from(chunks(fd, size, signal), { objectMode: false });
    let complete = true;
    let stopped = false;
    if (kind?.compression === 'zstd') {
      const zstd = new Decompress((data) => {
        if (!stopped && !scanner.push(Buffer.from(data))) stopped = true;
      });
      for await (const chunk of raw as AsyncIterable<Buffer>) {
        zstd.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
        if (stopped || signal?.cancelled) {
          complete = false;
          break;
        }
      }
    } else {
      const stream = kind?.compression === 'gzip' ? raw.pipe(createGunzip()) : raw;
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        if (!scanner.push(chunk) || signal?.cancelled) {
          complete = false;
          break;
        }
      }
      if (stream !== raw) stream.destroy();
    }
    raw.destroy();
    // Compressed sizes say little about the records inside: the estimate uses the bytes read.
    const estimateFrom = kind?.compression ? undefined : size;
    return { ok: true, sample: scanner.finish(estimateFrom, complete) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, reason: `not readable as ${format ?? 'data'}${code ? ` (${code})` : ''}` };
  } finally {
    close();
  }
}

/** Row groups a Parquet sample's windows are spread over, besides the first rows'. */
const MAX_PARQUET_WINDOWS = 5;

/** Parquet: the first rows, then seeded windows of rows spread over the file, within the bounds. */
async function readParquet(fd: number, size: number, bounds: SampleBounds, signal?: ReadSignal): Promise<DatasetRead> {
  // hyparquet is an ES module: loaded when a Parquet file is first read.
  const { parquetMetadataAsync, parquetReadObjects } = await import('hyparquet');
  let bytesRead = 0;
  const file = {
    byteLength: size,
    slice(start: number, end = size): ArrayBuffer {
      const length = Math.max(0, Math.min(end, size) - start);
      const buf = Buffer.alloc(length);
      let at = 0;
      while (at < length) {
        const n = readSync(fd, buf, at, length - at, start + at);
        if (n === 0) break;
        at += n;
      }
      bytesRead += at;
      return buf.buffer.slice(buf.byteOffset, buf.byteOffset + at);
    },
  };
  const started = Date.now();
  const metadata = await parquetMetadataAsync(file);
  const total = Number(metadata.num_rows);
  const rows: { index: number; value: Record<string, unknown> }[] = [];
  // The offset index, where the file has one, limits decoding to the pages the rows are in.
  const head = await parquetReadObjects({
    file,
    metadata,
    rowStart: 0,
    rowEnd: Math.min(bounds.head, total),
    useOffsetIndex: true,
  });
  head.forEach((value, index) => rows.push({ index, value }));
  signal?.progress?.(bytesRead, size);
  let bound: 'bytes' | 'time' | undefined;
  if (total > bounds.head && bounds.sample > 0) {
    // A few windows of consecutive rows: each costs the pages it touches, whatever its length,
    // and decoding a row group's pages is most of the cost of reading a Parquet file (a 50,000
    // row group of text took 0.3 to 1 s), so the sample is taken from at most 5 of them.
    const windows = Math.min(MAX_PARQUET_WINDOWS, Math.ceil(bounds.sample / 100));
    const width = Math.ceil(bounds.sample / windows);
    const random = seededRandom(bounds.seed);
    const starts = new Set<number>();
    for (let i = 0; i < windows * 4 && starts.size < windows; i++)
      starts.add(bounds.head + Math.floor(random() * Math.max(1, total - bounds.head - width)));
    // Windows in one row group are read in one call: a call decodes the pages it touches, and
    // two calls into one row group would decode its pages twice.
    const groupEnds: number[] = [];
    let end = 0;
    for (const g of metadata.row_groups) groupEnds.push((end += Number(g.num_rows)));
    const byGroup = new Map<number, { from: number; to: number; windows: [number, number][] }>();
    for (const start of [...starts].sort((a, b) => a - b)) {
      const stop = Math.min(total, start + width);
      const g = groupEnds.findIndex((e) => start < e);
      const entry = byGroup.get(g) ?? { from: start, to: stop, windows: [] };
      entry.to = Math.max(entry.to, stop);
      entry.windows.push([start, stop]);
      byGroup.set(g, entry);
    }
    for (const { from, to, windows: within } of byGroup.values()) {
      // Decoding blocks: other work (an editor's requests) runs between row groups.
      await new Promise((resolve) => setImmediate(resolve));
      if (signal?.cancelled) break;
      if (bytesRead >= bounds.maxBytes) bound = 'bytes';
      else if (Date.now() - started > bounds.maxMs) bound = 'time';
      if (bound) break;
      const objects = await parquetReadObjects({ file, metadata, rowStart: from, rowEnd: to, useOffsetIndex: true });
      objects.forEach((value, i) => {
        const index = from + i;
        if (within.some(([a, b]) => index >= a && index < b)) rows.push({ index, value });
      });
      signal?.progress?.(bytesRead, size);
    }
  }
  const seen = new Set<number>();
  const unique = rows.filter((r) => !seen.has(r.index) && seen.add(r.index));
  return { ok: true, sample: sampleOf(unique, total, bound) };
}

/** Characters of a text pushed per slice: the event loop is given back between slices. */
const TEXT_SLICE_CHARS = 1024 * 1024;

/**
 * Samples a data file held as text (an editor's document) like a streamed one: the text is
 * encoded and pushed a slice at a time, and between slices other work runs, so a large
 * document does not hold up the requests that arrive while it is read.
 */
export async function sampleText(
  text: string,
  format: Exclude<RecordFormat, 'parquet'>,
  bounds: SampleBounds = DEFAULT_BOUNDS,
  signal?: ReadSignal,
): Promise<DatasetRead> {
  const scanner = new DatasetScanner(format, bounds);
  const encoder = new TextEncoder();
  let complete = true;
  for (let at = 0; at < text.length;) {
    let end = Math.min(text.length, at + TEXT_SLICE_CHARS);
    // A slice never ends between the two halves of a surrogate pair.
    if (end < text.length && /[\uD800-\uDBFF]/.test(text[end - 1])) end--;
    const bytes = encoder.encode(text.slice(at, end));
    at = end;
    if (!scanner.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length))) {
      complete = false;
      break;
    }
    signal?.progress?.(at, text.length);
    if (at < text.length) await new Promise((resolve) => setImmediate(resolve));
    if (signal?.cancelled) {
      complete = false;
      break;
    }
  }
  return { ok: true, sample: scanner.finish(text.length, complete) };
}

/** The record format of a file the server and the CLI stream as data: by its name, or a `.json` file holding an array of records. */
export function streamedFormatOf(abs: string): RecordFormat | undefined {
  const named = datasetFormatOf(abs)?.format;
  if (named) return named;
  if (!/\.json$/i.test(abs)) return undefined;
  const opened = openRegular(abs);
  if (!opened.ok) return undefined;
  try {
    const head = Buffer.alloc(Math.min(4096, opened.size));
    const n = readSync(opened.fd, head, 0, head.length, 0);
    return isJsonRecords(head.subarray(0, n).toString('utf8')) ? 'json' : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(opened.fd);
  }
}

function thousands(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function rough(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1).replace(/\.0$/, '')}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1).replace(/\.0$/, '')}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(0)}k`;
  return thousands(n);
}

/**
 * What a dataset's data file holds, in one line for a lineage node: how many of its fields are
 * sensitive (one CG203 finding each) and how much of the file that rests on. Counts only.
 */
export function contentLine(findings: readonly Finding[], sample: DatasetSample): string {
  const fields = findings.filter((f) => f.ruleId === 'CG203').length;
  const sampled = sample.records.filter((r) => r.value).length;
  const of =
    sample.exact && sampled >= sample.total
      ? `all ${thousands(sampled)} records read`
      : `sampled ${thousands(sampled)} of ${sample.exact ? thousands(sample.total) : `~${rough(sample.total)}`} records`;
  return `content: ${fields === 0 ? 'no' : fields} sensitive field${fields === 1 ? '' : 's'} (${of})`;
}
