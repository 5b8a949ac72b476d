import * as path from 'node:path';
import {
  Catalog,
  isNotebookPath,
  MAX_NOTEBOOK_CHARS,
  datasetFormatOf,
  isJsonRecords,
  notAnalysed,
  type Engine,
  type Governance,
  type Shortfall,
  type Finding,
  type ModuleHost,
  type Note,
  type Settings,
  type SourceFile,
  type Waiver,
  type DataContent,
  type FileResult,
} from '../core';
import { artifactLookup } from '../host/digest';
import { readDataset } from '../host/datasets';
import { MAX_FILE_BYTES, readText, type ReadResult } from '../host/read';
import { openRegular } from '../host/confine';
import { workspaceModules } from '../host/modules';
import { confinedFile, folderLister } from '../host/lineage-data';
import { closeSync, readSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import { clockReadsMs, emptyProfile, threadClock, type TaskProfile } from './profile';

/** True for a JSON file too large to read as text whose content is an array of records: it is streamed as data. */
function isLargeJsonRecords(abs: string): boolean {
  if (!/\.json$/i.test(abs)) return false;
  const opened = openRegular(abs);
  if (!opened.ok) return false;
  try {
    if (opened.size <= MAX_FILE_BYTES) return false;
    const head = Buffer.alloc(4096);
    const n = readSync(opened.fd, head, 0, head.length, 0);
    return isJsonRecords(head.subarray(0, n).toString('utf8'));
  } finally {
    closeSync(opened.fd);
  }
}

/** What the CG005 finding for an unread file says. */
function shortfallOf(
  cause: NonNullable<Extract<ReadResult, { ok: false }>['unanalysable']>,
  limit = MAX_FILE_BYTES,
): Shortfall {
  if (cause === 'size') return { cause: 'size', limit: `${limit / 1024} KiB` };
  return { cause: 'binary', detail: cause === 'binary' ? 'a binary file' : 'not valid UTF-8 text' };
}

/** A slice of a check: some files, and the governance manifest that applies to them. */
export interface Task {
  readonly cwd: string;
  readonly manifest?: string;
  /** Whether this task reports the manifest's own findings (one task per manifest does). */
  readonly reportManifest: boolean;
  /** Absolute paths, each listed as a regular file by `discover`. */
  readonly files: readonly string[];
  readonly settings: Settings;
  /** The folders and files checked (absolute): imports are followed into the files under them. */
  readonly roots?: readonly string[];
  /** Measure where the task's time goes (`check --profile-scan`). */
  readonly profile?: boolean;
}

export interface TaskResult {
  readonly findings: Finding[];
  readonly notes: Note[];
  readonly waivers: Waiver[];
  readonly brokenManifest?: string;
  readonly filesChecked: number;
  /** The text of each file with findings, by reported path, for regions and fixes. */
  readonly texts: [string, string][];
  readonly profile?: TaskProfile;
}

/** A notebook holds its outputs and images: it has its own, larger, size bound. */
function readLimit(abs: string): number {
  return isNotebookPath(abs) ? MAX_NOTEBOOK_CHARS : MAX_FILE_BYTES;
}

/** The host of imported modules for the tasks of one check: kept, so that a helper is read once per thread. */
let modules: { key: string; host: ModuleHost } | undefined;

function modulesFor(task: Task): ModuleHost {
  const roots = task.roots ?? [task.cwd];
  const key = JSON.stringify([task.cwd, roots]);
  if (modules?.key !== key) modules = { key, host: workspaceModules(task.cwd, roots) };
  return modules.host;
}

/**
 * The prefilter the profile tells a rejected file from an admitted one with: one per governance
 * in each thread, as the engine keeps its catalogs (built for every task, its automata were most
 * of what the profile counted as the workspace checks).
 */
const profilePrefilters = new WeakMap<Governance, Catalog['prefilter']>();
function profilePrefilter(governance: Governance): Catalog['prefilter'] {
  let p = profilePrefilters.get(governance);
  if (!p) profilePrefilters.set(governance, (p = new Catalog(governance).prefilter));
  return p;
}

/** Reads a task's files and runs the engine over them; the same code in-process and in workers. */
export async function runTask(engine: Engine, task: Task): Promise<TaskResult> {
  const profile = task.profile ? emptyProfile() : undefined;
  // Read first: the first call measures what a clock read costs, outside the task's time.
  const readsBefore = profile ? clockReadsMs() : 0;
  const began = profile ? threadClock() : 0;
  const result = await checkTask(engine, task, profile);
  if (profile) {
    profile.bookkeepingMs += clockReadsMs() - readsBefore;
    profile.threadId = threadId;
    profile.threadMs = threadClock();
    profile.totalMs = profile.threadMs - began;
  }
  return profile ? { ...result, profile } : result;
}

async function checkTask(engine: Engine, task: Task, profile: TaskProfile | undefined): Promise<TaskResult> {
  const rel = (p: string) => path.relative(task.cwd, p).split(path.sep).join('/') || '.';
  const notes: Note[] = [];
  const unread: Finding[] = [];
  // The task's files were listed as regular files (discover.ts); its manifest was not.
  const listed = new Set(task.files);
  const timedRead = (abs: string, limit: number): ReadResult => {
    if (!profile) return readText(abs, limit, listed.has(abs));
    const t = threadClock();
    const r = readText(abs, limit, listed.has(abs));
    profile.readMs += threadClock() - t;
    return r;
  };
  const read = (abs: string, report = true): SourceFile | undefined => {
    const r = timedRead(abs, readLimit(abs));
    if (r.ok) return { path: rel(abs), text: r.text };
    // A file too large or not text is a finding (CG005), so that it cannot slip through a check.
    if (report && r.unanalysable) unread.push(notAnalysed(rel(abs), shortfallOf(r.unanalysable, readLimit(abs))));
    else if (report) notes.push({ path: rel(abs), message: r.reason });
    return undefined;
  };
  const manifest = task.manifest ? read(task.manifest, task.reportManifest) : undefined;
  if (manifest && engine.governance(manifest).unparsed) {
    // A manifest that is not YAML says nothing about the files it governs: checking them under
    // the built-in default would bury its one syntax error under findings that are not real.
    const own = task.reportManifest ? engine.governance(manifest).findings : [];
    return {
      findings: own,
      notes,
      waivers: [],
      brokenManifest: task.reportManifest ? manifest.path : undefined,
      filesChecked: task.reportManifest ? 1 : 0,
      texts: own.length ? [[manifest.path, manifest.text]] : [],
    };
  }
  // Data files are streamed and sampled, never read whole; the rest are read as text.
  const dataStarted = profile ? threadClock() : 0;
  const dataFiles = task.files.filter((f) => datasetFormatOf(f) !== undefined || isLargeJsonRecords(f));
  const readStarted = profile ? threadClock() : 0;
  const sources = task.files
    .filter((f) => !dataFiles.includes(f))
    .map((f) => read(f))
    .filter((f): f is SourceFile => f !== undefined);
  // The time before the reads was spent on the manifest and on finding the data files.
  const dataBefore = profile ? readStarted - dataStarted : 0;
  const afterReads = profile ? threadClock() : 0;
  const settings = manifest ? { ...task.settings, governanceManifest: manifest.path } : task.settings;
  const governance = engine.governance(manifest).governance;
  // Releases' artifacts are looked up from the folder of the manifest that governs them.
  const root = task.manifest ? path.dirname(task.manifest) : task.cwd;
  const workspace = manifest ? [manifest, ...sources] : sources;
  // The task that checks the manifests also reads the data files their lineage names (a stage's
  // output location, a config's local dataset, a DVC out), wherever they are in the governed
  // folder; each file is read once, and a URI is never fetched.
  const contents = new Map<string, DataContent>();
  // A JSON array of records the task read as text is profiled from that text: read once.
  const profiledText = new Map<string, FileResult>();
  // What the lineage declares (stage outputs' locations) decides CG405; folder outs list their data files.
  const lineage = task.reportManifest
    ? engine.dataLineage(workspace, engine.governance(manifest), folderLister(task.cwd, root))
    : undefined;
  if (lineage) {
    const known = new Set(task.files);
    const asText = new Map(sources.map((f) => [f.path, f]));
    for (const p of lineage.files) {
      const abs = path.resolve(task.cwd, p);
      const text = asText.get(rel(abs));
      if (text && /\.json$/i.test(p)) {
        const result = engine.analyzeFile(text, governance, settings, { lineage });
        if (result.content) {
          contents.set(text.path, result.content);
          profiledText.set(text.path, result);
        }
      }
      if (known.has(abs) || !confinedFile(abs, root)) continue;
      known.add(abs);
      dataFiles.push(abs);
    }
  }
  const data: { findings: Finding[]; notes: Note[]; texts: [string, string][] } = {
    findings: [],
    notes: [],
    texts: [],
  };
  for (const abs of dataFiles) {
    const r = await readDataset(abs, datasetFormatOf(abs)?.format ?? 'json');
    if (!r.ok) {
      data.notes.push({ path: rel(abs), message: r.reason });
      continue;
    }
    const result = engine.analyzeDataset(rel(abs), r.sample, governance, settings, manifest?.text, lineage);
    if (result.content) contents.set(rel(abs), result.content);
    data.findings.push(...result.findings);
    data.notes.push(...result.notes);
    // Kept for the findings in the file and those whose related information points into it (CG406).
    data.texts.push([rel(abs), r.sample.headText]);
  }
  for (const r of profiledText.values()) {
    data.findings.push(...r.findings);
    data.notes.push(...r.notes);
  }
  if (profile) profile.dataMs += dataBefore + threadClock() - afterReads;
  const host = modulesFor(task);
  const prefilter = profile ? profilePrefilter(governance) : undefined;
  const result = engine.analyze(
    workspace.filter((f) => !profiledText.has(f.path)),
    settings,
    artifactLookup(root),
    contents,
    host,
    profile && prefilter
      ? (file, analyse) => {
          const t = threadClock();
          const r = analyse();
          const analysed = threadClock();
          const ms = analysed - t;
          const hot = prefilter.test(file.text);
          profile.bookkeepingMs += threadClock() - analysed;
          if (hot) {
            profile.hotMs += ms;
            profile.hotFiles++;
            profile.hotBytes += file.text.length;
          } else {
            profile.coldMs += ms;
            profile.coldFiles++;
            profile.coldBytes += file.text.length;
          }
          return r;
        }
      : undefined,
  );
  const findings = [
    ...unread,
    ...data.findings,
    ...(task.reportManifest || !manifest ? result.findings : result.findings.filter((f) => f.path !== manifest.path)),
  ];
  // The files findings are in, and those their related information points into (a governance entry).
  const withFindings = new Set(
    findings.flatMap((f) => [f.path, ...(f.related ?? []).flatMap((r) => (r.path ? [r.path] : []))]),
  );
  const texts = [...(manifest ? [manifest] : []), ...sources]
    .filter((f) => withFindings.has(f.path))
    .map((f): [string, string] => [f.path, f.text]);
  for (const [p, t] of data.texts) if (withFindings.has(p)) texts.push([p, t]);
  // A path through a helper in another file points into it: its text places those steps (SARIF codeFlows).
  for (const p of withFindings) {
    if (texts.some(([q]) => q === p)) continue;
    const text = host.read(p);
    if (text !== undefined) texts.push([p, text]);
  }
  return {
    findings,
    notes: [...notes, ...data.notes, ...result.notes],
    waivers: result.waivers,
    brokenManifest: task.reportManifest && result.configurationBroken && manifest ? manifest.path : undefined,
    filesChecked: sources.length + dataFiles.length + (manifest && task.reportManifest ? 1 : 0),
    texts,
  };
}
