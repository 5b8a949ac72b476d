import { openSync, readSync } from 'node:fs';

let schedstat: number | null | undefined;
const buffer = Buffer.alloc(128);

/** Where a task's time went, in milliseconds of this thread's clock. */
export interface TaskProfile {
  /** Opening, reading and decoding the files. */
  readMs: number;
  /** Analysing the files the catalog's prefilter rejects (no sensitive name in them). */
  coldMs: number;
  coldFiles: number;
  coldBytes: number;
  /** Analysing the files it admits. */
  hotMs: number;
  hotFiles: number;
  hotBytes: number;
  /** Data files, lineage and the governance manifest. */
  dataMs: number;
  /**
   * The profile's own cost: its clock reads (estimated from what one costs) and the prefilter
   * test that tells a rejected file from an admitted one. Without it, this time would be counted
   * as the workspace checks'.
   */
  bookkeepingMs: number;
  /** The whole task, end to end. */
  totalMs: number;
  /** The thread's start-up (its bundle and engine), reported with its first task. */
  startupMs?: number;
  /** The thread that ran the task (0: the main one) and its clock when the task ended. */
  threadId?: number;
  threadMs?: number;
}

export function emptyProfile(): TaskProfile {
  return {
    readMs: 0,
    coldMs: 0,
    coldFiles: 0,
    coldBytes: 0,
    hotMs: 0,
    hotFiles: 0,
    hotBytes: 0,
    dataMs: 0,
    bookkeepingMs: 0,
    totalMs: 0,
  };
}

/** Where a check's time went: milliseconds by each thread's clock, summed over the threads. */
export interface ScanProfile {
  /** From the process's start to the check's (Node and the CLI bundle). */
  readonly processStartMs: number;
  /** Each worker's start-up: from its thread's start to a ready engine. */
  readonly workerStartMs: number[];
  /** This thread's engine's start-up, when this thread checked files too. */
  readonly localStartMs?: number;
  /** Listing the files (with the ignore files) and planning the tasks, in the main thread. */
  readonly listingMs: number;
  readonly planMs: number;
  /** What the tasks spent, summed over the threads that ran them. */
  readonly tasks: TaskProfile;
  /** The main thread's share of the results: merging and sorting them. */
  mergeMs: number;
  /** From the check's start until its result was ready. */
  checkMs: number;
  /** The worker threads' own clocks when their last tasks ended, summed. */
  readonly workerThreadsMs: number;
}

/**
 * This thread's CPU time in milliseconds, from Linux's per-thread scheduler statistics (in
 * nanoseconds): on a shared machine a phase's wall time is mostly waiting for a core. Where
 * there are none, the thread's wall clock stands in. Each thread opens its own file.
 */
export function threadClock(): number {
  if (schedstat === undefined) {
    try {
      schedstat = openSync('/proc/thread-self/schedstat', 'r');
    } catch {
      schedstat = null;
    }
  }
  clockReads++;
  if (schedstat === null) return performance.now();
  const n = readSync(schedstat, buffer, 0, buffer.length, 0);
  // The first field, nanoseconds on the CPU, read digit by digit: no string is made.
  let ns = 0;
  for (let i = 0; i < n && buffer[i] >= 48 && buffer[i] <= 57; i++) ns = ns * 10 + buffer[i] - 48;
  return ns / 1e6;
}

let clockReads = 0;
let clockReadMs: number | undefined;

/** This thread's clock reads so far, times what one costs (measured once per thread, on its first call). */
export function clockReadsMs(): number {
  if (clockReadMs === undefined) {
    // By the wall clock: the scheduler's count moves in ticks, longer than these reads take. The
    // fastest of five rounds: a round the thread spent partly waiting for a core (a busy machine)
    // would make every read of the check look that slow.
    const reads = clockReads;
    clockReadMs = Infinity;
    for (let round = 0; round < 5; round++) {
      const began = performance.now();
      for (let i = 0; i < 100; i++) threadClock();
      clockReadMs = Math.min(clockReadMs, (performance.now() - began) / 100);
    }
    clockReads = reads;
  }
  return clockReads * clockReadMs;
}

/** Whether `threadClock` reads CPU time (or, failing that, wall time). */
export function threadClockIsCpu(): boolean {
  threadClock();
  return schedstat !== null;
}

/** The engines' start-ups, each thread's: `120 + 4 ms (1 worker and this thread)`. */
function engineStarts(p: ScanProfile, ms: readonly number[]): string {
  const workers = p.workerStartMs.length;
  const who =
    workers === 0
      ? 'this thread'
      : `${workers} worker${workers === 1 ? '' : 's'}${p.localStartMs === undefined ? '' : ' and this thread'}`;
  return `${ms.map((m) => m.toFixed(0)).join(' + ')} ms (${who})`;
}

/**
 * The breakdown `check --profile-scan` prints: where the time went, by phase, as each thread's
 * CPU time spent in it (summed over the worker threads), and the process's CPU time for the
 * whole run beside them, which also holds what no phase names (the garbage collector's own
 * threads, the WASM compiler).
 */
export function formatScanProfile(p: ScanProfile, outputMs: number, cpu: NodeJS.CpuUsage): string {
  const t = p.tasks;
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  const rate = (bytes: number, ms: number) => (ms > 0 ? ((bytes / 1024 / 1024) * 1000) / ms : 0).toFixed(1);
  const other = Math.max(0, t.totalMs - t.readMs - t.coldMs - t.hotMs - t.dataMs - t.bookkeepingMs);
  const starts = [...p.workerStartMs, ...(p.localStartMs === undefined ? [] : [p.localStartMs])];
  const rows: [string, number, string][] = [
    ['(a) process start-up (Node, the CLI bundle)', p.processStartMs, ''],
    ['(a) engine start-up, per thread', starts.reduce((a, b) => a + b, 0), engineStarts(p, starts)],
    ['(b) listing, with the ignore files (main thread)', p.listingMs, ''],
    ['(b) planning the tasks (main thread)', p.planMs, ''],
    ['(c) reading and decoding every file', t.readMs, ''],
    [
      '(c) files the prefilter rejects',
      t.coldMs,
      `${t.coldFiles} files, ${mb(t.coldBytes)} MB, ${rate(t.coldBytes, t.coldMs)} MB/s`,
    ],
    [
      '(d) files the prefilter admits',
      t.hotMs,
      `${t.hotFiles} files, ${mb(t.hotBytes)} MB, ${rate(t.hotBytes, t.hotMs)} MB/s`,
    ],
    ['(d) data files, lineage and the manifest', t.dataMs, ''],
    ['(d) workspace checks (configs, manifests)', other, ''],
    ['(e) merging results (main thread)', p.mergeMs, ''],
    ['(e) formatting and writing the output', outputMs, ''],
    ['(f) the profile itself (clocks, hot-or-cold test)', t.bookkeepingMs, ''],
  ];
  // What no thread of ours ran: V8's own threads (the optimising compiler, the collector's
  // helpers, the WASM compiler) and Node's thread pool, from the process's CPU time less this
  // thread's and the workers' (each worker's clock when its last task ended).
  if (threadClockIsCpu())
    rows.push([
      "(g) V8's and Node's own threads (compiler, GC...)",
      Math.max(0, (cpu.user + cpu.system) / 1000 - threadClock() - p.workerThreadsMs),
      'the process less our threads',
    ]);
  const lines = rows.map(([name, ms, note]) => `  ${name.padEnd(50)} ${ms.toFixed(0).padStart(7)} ms  ${note}`);
  return [
    `crownguard: where the check spent its time (${threadClockIsCpu() ? 'CPU' : 'wall'} time of each thread, summed over threads):`,
    ...lines,
    `  ${'check, start to result (wall)'.padEnd(50)} ${p.checkMs.toFixed(0).padStart(7)} ms`,
    `  ${'process CPU time, all threads'.padEnd(50)} ${((cpu.user + cpu.system) / 1000).toFixed(0).padStart(7)} ms  (user ${(cpu.user / 1000).toFixed(0)}, system ${(cpu.system / 1000).toFixed(0)})`,
    '',
  ].join('\n');
}
