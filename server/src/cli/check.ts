import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  DEFAULT_SETTINGS,
  isDatasetPath,
  isGovernanceManifest,
  mayBeWorkspaceFile,
  maskKey,
  type Engine,
  type Finding,
  type Note,
  type Settings,
  type Waiver,
} from '../core';
import { discover, nearestGovernanceManifest } from '../host/discover';
import { emptyProfile, threadClock, type ScanProfile, type TaskProfile } from './profile';
import { runTask, type Task, type TaskResult } from './task';

export interface CheckResult {
  /** Every finding, waived ones included (with `waiver` set). */
  readonly findings: Finding[];
  readonly waivers: Waiver[];
  readonly notes: Note[];
  /** Governance manifests that are broken: the run is a configuration error. */
  readonly brokenManifests: string[];
  readonly filesChecked: number;
  readonly skipped: Map<string, number>;
  readonly missing: string[];
  /** The text of every file with findings, by its reported path, for regions and fixes. */
  readonly texts: ReadonlyMap<string, string>;
  /** The folders and files checked, as absolute paths. */
  readonly roots: readonly string[];
  /** Where the check's time went, when asked for (`profile`). */
  readonly profile?: ScanProfile;
}

export interface CheckOptions {
  readonly settings?: Settings;
  /** Threads to analyse with, this one included: `jobs - 1` worker threads; 1 checks in this thread alone. */
  readonly jobs?: number;
  /** When set, only these files (absolute paths) are checked; manifests are always read. */
  readonly only?: ReadonlySet<string>;
  readonly onProgress?: (done: number, total: number) => void;
  /** Measure where the time goes (`check --profile-scan`). */
  readonly profile?: boolean;
}

/** Files per task: large enough to amortise messaging, small enough to balance the workers. */
const TASK_SIZE = 64;

/**
 * Whether `file` is `dir` or below it; both absolute and normalised (as `path.resolve` gives
 * them). Windows compares paths without case, as `path.relative` does there.
 */
function isUnder(file: string, dir: string): boolean {
  const [f, d] = process.platform === 'win32' ? [file.toLowerCase(), dir.toLowerCase()] : [file, dir];
  return f === d || f.startsWith(d.endsWith(path.sep) ? d : d + path.sep);
}

/**
 * The folder a governance manifest governs: its own, or for a configured one (a path given by
 * `--governance`), the folder it was configured from, as the language server decides.
 */
function governedFolder(manifest: string, settings: Settings): string {
  const configured = settings.governanceManifest;
  if (!configured) return path.dirname(manifest);
  if (path.isAbsolute(configured)) return path.parse(manifest).root;
  const parts = configured.split(/[\\/]/);
  // A path that climbs out of the folder it is read from cannot be traced back to that folder.
  if (parts.includes('..')) return path.parse(manifest).root;
  const depth = parts.filter((s) => s !== '' && s !== '.').length;
  let folder = manifest;
  for (let i = 0; i < depth; i++) folder = path.dirname(folder);
  return folder;
}

/** Adds a task's profile to the check's. */
function add(to: TaskProfile, p: TaskProfile, startups: number[]): void {
  for (const k of [
    'readMs',
    'coldMs',
    'coldFiles',
    'coldBytes',
    'hotMs',
    'hotFiles',
    'hotBytes',
    'dataMs',
    'bookkeepingMs',
    'totalMs',
  ] as const)
    to[k] += p[k];
  if (p.startupMs !== undefined) startups.push(p.startupMs);
}

/** Splits the files into tasks, each under the governance manifest nearest above its files. */
function plan(roots: string[], files: string[], cwd: string, settings: Settings, only?: ReadonlySet<string>): Task[] {
  const manifests = new Set<string>();
  for (const root of roots) {
    const m = nearestGovernanceManifest(root, settings);
    if (m) manifests.add(m);
  }
  for (const f of files) if (isGovernanceManifest(f, settings)) manifests.add(f);
  // The deepest manifest governs the files below it.
  const governed = [...manifests]
    .map((m) => ({ manifest: m, folder: governedFolder(m, settings) }))
    .sort((a, b) => b.folder.length - a.folder.length);
  const groups = new Map<string | undefined, string[]>(governed.map((g) => [g.manifest, []]));
  for (const f of files) {
    if (manifests.has(f) || (only && !only.has(f))) continue;
    const m = governed.find((g) => isUnder(f, g.folder))?.manifest;
    const list = groups.get(m);
    if (list) list.push(f);
    else groups.set(m, [f]);
  }
  const tasks: Task[] = [];
  for (const [manifest, list] of groups) {
    // Manifests, configs and model cards are checked against each other (references, lineage):
    // they travel together in the group's first task; code is split across the others. Data
    // files travel with them: the lineage's checks read their profiles, and each is read once.
    const together = list.filter((f) => mayBeWorkspaceFile(f, settings) || isDatasetPath(f));
    const code = list.filter((f) => !mayBeWorkspaceFile(f, settings) && !isDatasetPath(f));
    tasks.push({
      cwd,
      manifest,
      reportManifest: true,
      files: [...together, ...code.slice(0, Math.max(0, TASK_SIZE - together.length))],
      settings,
    });
    for (let i = Math.max(0, TASK_SIZE - together.length); i < code.length; i += TASK_SIZE) {
      tasks.push({ cwd, manifest, reportManifest: false, files: code.slice(i, i + TASK_SIZE), settings });
    }
  }
  return tasks;
}

/**
 * Worker threads, each loading its engine (the bundle, the WASM runtime, the built-in policies)
 * as soon as it is made: started while the files are still being listed, they are ready when
 * the first tasks are.
 */
function startWorkers(jobs: number): Worker[] {
  return Array.from(
    { length: jobs },
    () => new Worker(path.join(__dirname, 'worker.js'), { workerData: { maskKey: maskKey() } }),
  );
}

/** Tasks a worker holds at once: the next is there when it finishes one, while this thread is busy with its own. */
const IN_FLIGHT = 2;

/**
 * Runs tasks on worker threads and on this thread, each with its own engine: a check with
 * `jobs` threads starts `jobs - 1` workers and analyses with this thread's engine too, rather
 * than waiting on them (each worker's engine is its own bundle, compiled code and heap: on a
 * 20,000-file check one more cost about a second of CPU). Workers take the queue's first tasks
 * (the first holds the manifests, configs and data files, the longest) and keep two at a time;
 * this thread takes from the end and lets their messages in between its tasks.
 */
async function runParallel(
  tasks: Task[],
  started: Worker[],
  local: () => Promise<Engine>,
  onDone: (r: TaskResult, files: number) => void,
  onLocalStart?: (ms: number) => void,
): Promise<void> {
  const queue = [...tasks];
  // More workers than tasks would only wait. Nothing is awaited before the listeners are on:
  // an error a worker met while starting would otherwise be lost.
  const workers = started.slice(0, Math.max(0, tasks.length - 1));
  for (const w of started.slice(workers.length)) void w.terminate();
  let failed: unknown;
  try {
    const remote = workers.map(
      (w) =>
        new Promise<void>((resolve, reject) => {
          const held: Task[] = [];
          const fill = () => {
            while (held.length < IN_FLIGHT && queue.length > 0 && failed === undefined) {
              const t = queue.shift()!;
              held.push(t);
              w.postMessage(t);
            }
            if (held.length === 0) {
              w.postMessage(null);
              resolve();
            }
          };
          w.on('message', (m: { ok: true; result: TaskResult } | { ok: false; error: string }) => {
            const done = held.shift();
            if (!m.ok) {
              failed ??= new Error(m.error);
              return reject(failed);
            }
            onDone(m.result, done?.files.length ?? 0);
            fill();
          });
          w.on('error', (err) => {
            failed ??= err;
            reject(err);
          });
          fill();
        }),
    );
    const mine = (async () => {
      // This thread's clock is read only when someone asks how long its engine took.
      const creating = onLocalStart ? threadClock() : 0;
      const e = await local();
      onLocalStart?.(threadClock() - creating);
      for (let t = queue.pop(); t && failed === undefined; t = queue.pop()) {
        onDone(await runTask(e, t), t.files.length);
        // The workers' answers wait for this thread: they are let in before its next task.
        await new Promise((resolve) => setImmediate(resolve));
      }
    })().catch((err: unknown) => {
      failed ??= err;
      throw err;
    });
    await Promise.all([...remote, mine]);
  } finally {
    await Promise.all(started.map((w) => w.terminate()));
  }
}

/**
 * Checks the files under `paths`: each under the governance manifest of the nearest folder
 * above it, in this thread or on worker threads. Paths in results are relative to `cwd`.
 */
export async function runCheck(
  engine: () => Promise<Engine>,
  paths: readonly string[],
  cwd: string,
  options: CheckOptions = {},
): Promise<CheckResult> {
  const began = performance.now();
  const beganCpu = options.profile ? threadClock() : 0;
  const settings = options.settings ?? DEFAULT_SETTINGS;
  const roots = (paths.length ? paths : ['.']).map((p) => path.resolve(cwd, p));
  const jobs = Math.max(1, options.jobs ?? 1);
  // Workers start once the listing has found more files than a few tasks hold: a small check
  // is done in this thread before a worker would have loaded.
  let workers: Worker[] = [];
  let listed = 0;
  const onFile = () => {
    if (++listed === 2 * TASK_SIZE && jobs > 1) workers = startWorkers(jobs - 1);
  };
  let found: ReturnType<typeof discover>;
  let tasks: Task[];
  let listedAt = 0;
  let planned = 0;
  try {
    found = discover(roots, settings, onFile);
    listedAt = options.profile ? threadClock() : 0;
    // Every task follows imports within the same roots, so a task's files see the same helpers wherever they run.
    tasks = plan(roots, found.files, cwd, settings, options.only).map((t) => ({
      ...t,
      roots,
      profile: options.profile,
    }));
    planned = options.profile ? threadClock() : 0;
  } catch (err) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw err;
  }
  const total = tasks.reduce((n, t) => n + t.files.length, 0);

  const findings: Finding[] = [];
  const notes: Note[] = [];
  const waivers: Waiver[] = [];
  const brokenManifests: string[] = [];
  const texts = new Map<string, string>();
  let filesChecked = 0;
  let done = 0;
  const spent = emptyProfile();
  const workerStartMs: number[] = [];
  let localStartMs: number | undefined;
  const workerClocks = new Map<number, number>();
  let mergeMs = 0;
  const collect = (r: TaskResult, files: number) => {
    const t = options.profile ? threadClock() : 0;
    if (r.profile) {
      add(spent, r.profile, workerStartMs);
      if (r.profile.threadId && r.profile.threadMs !== undefined)
        workerClocks.set(r.profile.threadId, Math.max(workerClocks.get(r.profile.threadId) ?? 0, r.profile.threadMs));
    }
    findings.push(...r.findings);
    notes.push(...r.notes);
    waivers.push(...r.waivers);
    if (r.brokenManifest) brokenManifests.push(r.brokenManifest);
    for (const [p, t] of r.texts) texts.set(p, t);
    filesChecked += r.filesChecked;
    done += files;
    options.onProgress?.(done, total);
    if (options.profile) mergeMs += threadClock() - t;
  };
  if (jobs > 1 && tasks.length > 1)
    await runParallel(
      tasks,
      workers.length ? workers : startWorkers(jobs - 1),
      engine,
      collect,
      options.profile ? (ms) => (localStartMs = ms) : undefined,
    );
  else {
    await Promise.all(workers.map((w) => w.terminate()));
    const creating = options.profile ? threadClock() : 0;
    const e = await engine();
    if (options.profile) localStartMs = threadClock() - creating;
    for (const t of tasks) collect(await runTask(e, t), t.files.length);
  }
  const byPosition = (
    a: { path: string; span?: { offset: number } },
    b: { path: string; span?: { offset: number } },
  ) => (a.path === b.path ? (a.span?.offset ?? 0) - (b.span?.offset ?? 0) : a.path < b.path ? -1 : 1);
  const sorting = threadClock();
  findings.sort(byPosition);
  notes.sort(byPosition);
  waivers.sort(byPosition);
  mergeMs += threadClock() - sorting;
  const profile: ScanProfile | undefined = options.profile
    ? {
        processStartMs: beganCpu,
        workerStartMs,
        localStartMs,
        listingMs: listedAt - beganCpu,
        planMs: planned - listedAt,
        tasks: spent,
        mergeMs,
        checkMs: performance.now() - began,
        workerThreadsMs: [...workerClocks.values()].reduce((a, b) => a + b, 0),
      }
    : undefined;
  return {
    profile,
    findings,
    waivers,
    notes,
    brokenManifests,
    filesChecked,
    skipped: found.skipped,
    missing: found.missing.map((p) => path.relative(cwd, p) || '.'),
    texts,
    roots,
  };
}
