import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { RecordFormat } from '../core/datasets/format';
import type { SampleBounds } from '../core/datasets/sample';
import type { DatasetRead, ReadSignal } from './datasets';

/** What the reading thread is asked: one file, its format and the bounds of its sample. */
export interface ReadRequest {
  readonly id: number;
  readonly file: string;
  readonly format: RecordFormat;
  readonly bounds: SampleBounds;
}

/** What it answers: how far it has got, then the outcome. */
export type ReadResponse =
  | { readonly id: number; readonly progress: { read: number; size: number } }
  | { readonly id: number; readonly outcome: DatasetRead };

/** A reading waiting for, or using, the thread. */
interface Pending {
  readonly request: ReadRequest;
  readonly signal?: ReadSignal;
  readonly resolve: (read: DatasetRead) => void;
}

/** The worker's bundle, next to the bundle (or compiled module) that starts it. */
export const DATA_WORKER = path.join(__dirname, 'data-worker.js');

/** An idle thread is stopped after this long: what it decoded is not kept alive for nothing. */
const IDLE_MS = 30_000;

/**
 * The thread's heap limit: a file that needs more fails its reading (with a message) rather
 * than the language server.
 */
const HEAP_MB = 1024;

/**
 * Reads data files in one worker thread, started on the first reading, so that decoding
 * (Parquet's row groups above all) never blocks the thread that answers the editor. One
 * file is read at a time; the others wait their turn. A reading whose signal is aborted stops
 * at once: waiting, it is dropped; running, the thread is terminated (a decoder cannot be
 * interrupted otherwise) and the next reading starts a new one. When the thread fails, the
 * reading says so instead of giving a sample.
 */
export class BackgroundReader {
  private worker?: Worker;
  private running?: Pending;
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private idle?: NodeJS.Timeout;

  constructor(private readonly entry: string = DATA_WORKER) {}

  read(file: string, format: RecordFormat, bounds: SampleBounds, signal?: ReadSignal): Promise<DatasetRead> {
    if (signal?.cancelled) return Promise.resolve(CANCELLED);
    return new Promise((resolve) => {
      const pending: Pending = { request: { id: this.nextId++, file, format, bounds }, signal, resolve };
      signal?.abort?.addEventListener('abort', () => this.cancel(pending), { once: true });
      this.queue.push(pending);
      this.next();
    });
  }

  /** Stops the thread: readings in progress or waiting end as cancelled. */
  dispose(): void {
    for (const p of this.queue.splice(0)) p.resolve(CANCELLED);
    if (this.running) this.finish(this.running, CANCELLED);
    this.stop();
  }

  private next(): void {
    if (this.running) return;
    const pending = this.queue.shift();
    if (!pending) {
      // An idle thread never keeps the process alive; one that reads does, until it answers.
      this.worker?.unref();
      if (this.worker && !this.idle) this.idle = setTimeout(() => this.stop(), IDLE_MS).unref();
      return;
    }
    clearTimeout(this.idle);
    this.idle = undefined;
    this.running = pending;
    let worker: Worker;
    try {
      worker = this.worker ?? this.start();
    } catch {
      this.finish(pending, FAILED);
      return;
    }
    worker.ref();
    worker.postMessage(pending.request);
  }

  private start(): Worker {
    const worker = new Worker(this.entry, { resourceLimits: { maxOldGenerationSizeMb: HEAP_MB } });
    worker.on('message', (m: ReadResponse) => {
      const running = this.running;
      if (this.worker !== worker || !running || running.request.id !== m.id) return;
      if ('progress' in m) running.signal?.progress?.(m.progress.read, m.progress.size);
      else this.finish(running, m.outcome);
    });
    const failed = (err?: unknown) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      const outOfMemory = (err as { code?: string } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
      // Never the error's message: it may quote what was being decoded.
      if (this.running) this.finish(this.running, outOfMemory ? OUT_OF_MEMORY : FAILED);
    };
    worker.on('error', failed);
    worker.on('exit', () => failed());
    this.worker = worker;
    return worker;
  }

  private cancel(pending: Pending): void {
    const waiting = this.queue.indexOf(pending);
    if (waiting >= 0) {
      this.queue.splice(waiting, 1);
      pending.resolve(CANCELLED);
    } else if (this.running === pending) {
      this.stop();
      this.finish(pending, CANCELLED);
    }
  }

  private finish(pending: Pending, read: DatasetRead): void {
    if (this.running === pending) this.running = undefined;
    pending.resolve(read);
    this.next();
  }

  private stop(): void {
    clearTimeout(this.idle);
    this.idle = undefined;
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
  }
}

const CANCELLED: DatasetRead = { ok: false, reason: 'reading was cancelled' };
const FAILED: DatasetRead = { ok: false, reason: 'the background reader failed' };
const OUT_OF_MEMORY: DatasetRead = { ok: false, reason: 'the background reader ran out of memory' };
