import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { maskKey, type Finding, type Note, type Settings } from '../core';

/** One saved code file for the scan thread to analyse, with what its analysis reads besides its text. */
export interface ScanJob {
  /** The file's name as the engine names it (the server's analyses use its URI). */
  readonly path: string;
  readonly text: string;
  readonly settings: Settings;
  /** The governance manifest in force (the text it was read from), or none: the built-in default. */
  readonly governance?: { readonly path: string; readonly text: string };
  /** The workspace folder (a file system path) whose modules imports are followed into, and the file's path in it. */
  readonly modules?: { readonly root: string; readonly modulePath: string };
}

/** What the thread answers: the core's own result, and the module paths the analysis read. */
export interface ScanAnswer {
  readonly findings: Finding[];
  readonly notes: Note[];
  /** Module paths relative to the folder, `/` separated, found or not. */
  readonly reads: string[];
}

/** The messages the thread receives: a job, or files changed on disk whose texts it must read again. */
export type ScanMessage =
  | { readonly id: number; readonly job: ScanJob }
  | { readonly forget: readonly string[] }
  | { readonly forgetAll: true };

/** The messages it sends: a job's answer, or that the job failed (never why: a message may quote the code). */
export type ScanReply = { readonly id: number; readonly answer?: ScanAnswer };

/** The thread's bundle, next to the bundle (or compiled module) that starts it. */
export const SCAN_WORKER = path.join(__dirname, 'scan-worker.js');

/** Set to `off`, the server analyses saved files in its own thread, as where threads cannot start. */
export const SCAN_THREAD_VARIABLE = 'CROWNGUARD_SCAN_THREAD';

/** An idle thread is stopped after this long: its engine and parsed grammars are not kept alive for nothing. */
const IDLE_MS = 60_000;

/** The thread's heap limit: a file that needs more fails in the thread rather than taking the server down. */
const HEAP_MB = 1024;

/**
 * Analyses the workspace scan's saved code files in one worker thread with an engine of its
 * own, so that the thread answering the editor only reads, converts and reports them. The
 * thread is started on the first file and stopped when idle. `analyze` answers undefined when
 * the thread cannot take the file (it could not start, or it failed on this file): the caller
 * then analyses it in its own thread, as before there was one.
 */
export class ScanThread {
  private worker?: Worker;
  /** Whether the current thread has answered once: one that fails before that never will. */
  private answered = false;
  private unavailable: boolean;
  private readonly pending = new Map<number, (answer: ScanAnswer | undefined) => void>();
  private nextId = 1;
  private idle?: NodeJS.Timeout;

  constructor(
    private readonly entry: string = SCAN_WORKER,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.unavailable = env[SCAN_THREAD_VARIABLE] === 'off';
  }

  /** False once the thread could not be started: every file is analysed by the caller. */
  get available(): boolean {
    return !this.unavailable;
  }

  analyze(job: ScanJob): Promise<ScanAnswer | undefined> {
    if (this.unavailable) return Promise.resolve(undefined);
    let worker: Worker;
    try {
      worker = this.worker ?? this.start();
    } catch {
      // worker_threads refused (a restricted environment): the scan runs in the caller's thread.
      this.unavailable = true;
      return Promise.resolve(undefined);
    }
    clearTimeout(this.idle);
    this.idle = undefined;
    worker.ref();
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      worker.postMessage({ id, job } satisfies ScanMessage);
    });
  }

  /** Files changed on disk (file system paths): the thread reads those modules again when next asked. */
  forget(files: readonly string[]): void {
    if (files.length) this.worker?.postMessage({ forget: files } satisfies ScanMessage);
  }

  /** Settings or folders changed: the thread forgets every module text it read. */
  forgetAll(): void {
    this.worker?.postMessage({ forgetAll: true } satisfies ScanMessage);
  }

  /** Stops the thread; files it was analysing are answered undefined. */
  dispose(): void {
    this.unavailable = true;
    const worker = this.worker;
    this.worker = undefined;
    this.settle();
    void worker?.terminate();
  }

  private start(): Worker {
    const worker = new Worker(this.entry, {
      // The server's key, so that a value masked there is named as the server names it.
      workerData: { maskKey: maskKey() },
      resourceLimits: { maxOldGenerationSizeMb: HEAP_MB },
    });
    this.answered = false;
    worker.on('message', (m: ScanReply) => {
      if (this.worker !== worker) return;
      this.answered = true;
      const resolve = this.pending.get(m.id);
      this.pending.delete(m.id);
      resolve?.(m.answer);
      if (this.pending.size === 0) this.rest(worker);
    });
    const failed = () => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      // A thread that never answered cannot start here (a missing bundle, a refused thread);
      // one that answered before failed on a file (out of memory): the next file starts a new one.
      if (!this.answered) this.unavailable = true;
      this.settle();
    };
    worker.on('error', failed);
    worker.on('exit', failed);
    this.worker = worker;
    return worker;
  }

  /** Nothing is asked of the thread: it no longer keeps the process alive, and stops after a while. */
  private rest(worker: Worker): void {
    worker.unref();
    this.idle = setTimeout(() => {
      if (this.worker !== worker || this.pending.size) return;
      this.worker = undefined;
      void worker.terminate();
    }, IDLE_MS).unref();
  }

  /** Answers every file asked of a thread that is gone: the caller analyses them itself. */
  private settle(): void {
    clearTimeout(this.idle);
    this.idle = undefined;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const resolve of waiting) resolve(undefined);
  }
}
