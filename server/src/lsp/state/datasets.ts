import { statSync } from 'node:fs';
import * as path from 'node:path';
import type { CancellationToken } from 'vscode-languageserver';
import { DEFAULT_BOUNDS, type RecordFormat } from '../../core';
import { BackgroundReader } from '../../host/background-read';
import { readDataset, sampleText, streamedFormatOf, type DatasetRead, type ReadSignal } from '../../host/datasets';

/** Files and texts from this size on show their reading as progress. */
export const PROGRESS_BYTES = 16 * 1024 * 1024;

/** What reading a data file gave: its sample, why it was not read, or that the user stopped it. */
export type DataOutcome = DatasetRead | { ok: false; reason: string; cancelled: true };

/** A progress shown to the user while a large file is read; `token` is cancelled by its Cancel button. */
export interface ShownProgress {
  readonly token: CancellationToken;
  report(percent: number, message: string): void;
  done(): void;
}

/**
 * Text files up to this size are read in this thread: one chunk, too little to hold up a
 * request. Larger ones, and every Parquet file (a single row group's decoding blocks for up
 * to a second, whatever the file's size), are read by the background reader.
 */
export const IN_THREAD_BYTES = 1024 * 1024;

/** What a reading is told: whether to stop (also as an abort signal, for the reading thread), and its progress. */
class Reading implements ReadSignal {
  private readonly controller = new AbortController();
  progress?: (read: number, size: number) => void;

  get cancelled(): boolean {
    return this.controller.signal.aborted;
  }

  get abort(): AbortSignal {
    return this.controller.signal;
  }

  cancel(): void {
    this.controller.abort();
  }
}

interface Job {
  readonly key: string;
  readonly signal: Reading;
  readonly outcome: Promise<DataOutcome>;
  /** Requests waiting for it: when the last is cancelled, the reading stops. */
  waiters: number;
  settled: boolean;
  /** The outcome, once settled: what a request that cannot wait shows. */
  result?: DataOutcome;
}

/**
 * Saved files read at once, at most: a lineage naming twenty data files reads them side by
 * side (a file's I/O overlaps another's scanning) without starting twenty readings at a time.
 */
export const CONCURRENT_READS = 4;

/** The reading was cancelled by the request that waited for it (`$/cancelRequest`). */
export class ReadCancelled extends Error {}

/**
 * The samples of the workspace's data files: each read from disk once per size and
 * modification time (a manifest edit re-checks the data files without reading them again),
 * or from an open document's text once per version. Reading is streamed and bounded, runs
 * alongside other requests, shows progress for large files, and stops when the user cancels
 * the progress or every request waiting for it is cancelled.
 */
export class DataSamples {
  private readonly jobs = new Map<string, Job>();
  /** Per folder listing: its data files and their formats, so `.json` heads are peeked once per listing. */
  private readonly listed = new WeakMap<readonly string[], ReadonlyMap<string, RecordFormat>>();
  /** One thread for the readings that would block this one. */
  private readonly background = new BackgroundReader();
  /** Disk readings running now, and those waiting for one of them to end. */
  private reading = 0;
  private readonly queued: (() => void)[] = [];

  constructor(private readonly showProgress: (title: string) => Promise<ShownProgress | undefined>) {}

  /** The server is shutting down: the reading thread stops. */
  dispose(): void {
    this.background.dispose();
  }

  /** A saved file's key: its size and modification time; undefined when it is not a regular file. */
  statKey(abs: string): string | undefined {
    try {
      const st = statSync(abs);
      return st.isFile() ? `${st.size}-${Math.floor(st.mtimeMs)}` : undefined;
    } catch {
      return undefined;
    }
  }

  /** The data files among a folder's files, with their formats. */
  dataFiles(files: readonly string[]): ReadonlyMap<string, RecordFormat> {
    let found = this.listed.get(files);
    if (!found) {
      found = new Map(
        files.flatMap((f): [string, RecordFormat][] => {
          const format = streamedFormatOf(f);
          return format ? [[f, format]] : [];
        }),
      );
      this.listed.set(files, found);
    }
    return found;
  }

  /** A saved data file's sample, read from disk unless its size and modification time are unchanged. */
  fromDisk(abs: string, format: RecordFormat, token?: CancellationToken): Promise<DataOutcome> {
    const key = this.statKey(abs);
    if (!key) return Promise.resolve({ ok: false, reason: 'not readable' });
    const size = Number(key.split('-')[0]);
    return this.run(`disk:${abs}`, key, size, path.basename(abs), token, (signal) =>
      this.bounded(signal, () =>
        format === 'parquet' || size > IN_THREAD_BYTES
          ? this.background.read(abs, format, DEFAULT_BOUNDS, signal)
          : readDataset(abs, format, DEFAULT_BOUNDS, signal),
      ),
    );
  }

  /**
   * A saved file's outcome when it has been read at its current size and modification time,
   * without waiting; undefined when it has not (or is being read).
   */
  settledFromDisk(abs: string): DataOutcome | undefined {
    const job = this.jobs.get(`disk:${abs}`);
    return job?.settled && job.key === this.statKey(abs) ? job.result : undefined;
  }

  /** Runs `read` once fewer than `CONCURRENT_READS` disk readings run; a reading cancelled while it waits never starts. */
  private async bounded(signal: Reading, read: () => Promise<DatasetRead>): Promise<DatasetRead> {
    if (this.reading >= CONCURRENT_READS) await new Promise<void>((resolve) => this.queued.push(resolve));
    this.reading++;
    try {
      return signal.cancelled ? { ok: false, reason: 'reading was cancelled' } : await read();
    } finally {
      this.reading--;
      this.queued.shift()?.();
    }
  }

  /** Files changed on disk: a reading of an older version of one stops now rather than when next asked for. */
  changed(files: readonly string[]): void {
    for (const abs of files) {
      const job = this.jobs.get(`disk:${abs}`);
      if (job && !job.settled && job.key !== this.statKey(abs)) {
        job.signal.cancel();
        this.jobs.delete(`disk:${abs}`);
      }
    }
  }

  /** An open document's sample at `version`, pushed in slices: a large text gives way to other requests between them. */
  fromText(
    uri: string,
    version: number,
    text: string,
    format: Exclude<RecordFormat, 'parquet'>,
    token?: CancellationToken,
  ): Promise<DataOutcome> {
    const name = decodeURIComponent(uri.slice(uri.lastIndexOf('/') + 1));
    return this.run(`text:${uri}`, String(version), text.length, name, token, (signal) =>
      sampleText(text, format, DEFAULT_BOUNDS, signal),
    );
  }

  /** A document was closed: what was read from its text is dropped. */
  forgetText(uri: string): void {
    const job = this.jobs.get(`text:${uri}`);
    if (job) job.signal.cancel();
    this.jobs.delete(`text:${uri}`);
  }

  private run(
    id: string,
    key: string,
    size: number,
    name: string,
    token: CancellationToken | undefined,
    read: (signal: Job['signal']) => Promise<DatasetRead>,
  ): Promise<DataOutcome> {
    let job = this.jobs.get(id);
    if (!job || job.key !== key) {
      if (job && !job.settled) job.signal.cancel();
      job = this.start(id, key, size, name, read);
      this.jobs.set(id, job);
    }
    return job.settled ? job.outcome : this.wait(id, job, token);
  }

  private start(
    id: string,
    key: string,
    size: number,
    name: string,
    read: (signal: Job['signal']) => Promise<DatasetRead>,
  ): Job {
    const signal = new Reading();
    let shown: Promise<ShownProgress | undefined> | undefined;
    if (size >= PROGRESS_BYTES) {
      shown = this.showProgress(`CrownGuard: reading ${name}`);
      // The bound, not the file, is what is read of a large file.
      const expected = Math.min(size, DEFAULT_BOUNDS.maxBytes);
      let last = -1;
      signal.progress = (at) => {
        const percent = Math.min(99, Math.floor((at * 100) / expected));
        if (percent === last) return;
        last = percent;
        void shown?.then((p) => p?.report(percent, `${Math.round(at / 1048576)} MiB read`));
      };
      void shown.then((p) =>
        p?.token.onCancellationRequested(() => {
          userCancelled.add(signal);
          signal.cancel();
        }),
      );
    }
    const job: Job = {
      key,
      signal,
      waiters: 0,
      settled: false,
      outcome: read(signal)
        .catch((): DatasetRead => ({ ok: false, reason: 'not readable' }))
        .then((outcome): DataOutcome => {
          job.settled = true;
          void shown?.then((p) => p?.done());
          if (userCancelled.has(signal))
            return (job.result = { ok: false, reason: 'reading was cancelled', cancelled: true });
          if (signal.cancelled) {
            // Stopped because nobody waits any more: the next request reads again.
            if (this.jobs.get(id) === job) this.jobs.delete(id);
            return { ok: false, reason: 'reading was cancelled' };
          }
          return (job.result = outcome);
        }),
    };
    return job;
  }

  private async wait(id: string, job: Job, token: CancellationToken | undefined): Promise<DataOutcome> {
    job.waiters++;
    let off: { dispose(): void } | undefined;
    try {
      return await Promise.race([
        job.outcome,
        new Promise<never>((_, reject) => {
          if (!token) return;
          const cancel = () => {
            // The last request waiting for a reading stops it.
            if (job.waiters === 1 && !job.settled) {
              job.signal.cancel();
              if (this.jobs.get(id) === job) this.jobs.delete(id);
            }
            reject(new ReadCancelled('cancelled'));
          };
          if (token.isCancellationRequested) cancel();
          else off = token.onCancellationRequested(cancel);
        }),
      ]);
    } finally {
      job.waiters--;
      off?.dispose();
    }
  }
}

/** Readings the user stopped from the progress: their outcome is kept until the file changes. */
const userCancelled = new WeakSet<object>();
