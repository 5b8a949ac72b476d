import * as path from 'node:path';
import {
  isNotebookPath,
  MAX_NOTEBOOK_CHARS,
  notAnalysed,
  type Engine,
  type Shortfall,
  type Finding,
  type Note,
  type Settings,
  type SourceFile,
  type Waiver,
} from '../core';
import { artifactLookup } from '../host/digest';
import { MAX_FILE_BYTES, readText, type ReadResult } from '../host/read';

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
  readonly files: readonly string[];
  readonly settings: Settings;
}

export interface TaskResult {
  readonly findings: Finding[];
  readonly notes: Note[];
  readonly waivers: Waiver[];
  readonly brokenManifest?: string;
  readonly filesChecked: number;
  /** The text of each file with findings, by reported path, for regions and fixes. */
  readonly texts: [string, string][];
}

/** A notebook holds its outputs and images: it has its own, larger, size bound. */
function readLimit(abs: string): number {
  return isNotebookPath(abs) ? MAX_NOTEBOOK_CHARS : MAX_FILE_BYTES;
}

/** Reads a task's files and runs the engine over them; the same code in-process and in workers. */
export function runTask(engine: Engine, task: Task): TaskResult {
  const rel = (p: string) => path.relative(task.cwd, p).split(path.sep).join('/') || '.';
  const notes: Note[] = [];
  const unread: Finding[] = [];
  const read = (abs: string, report = true): SourceFile | undefined => {
    const r = readText(abs, readLimit(abs));
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
  const sources = task.files.map((f) => read(f)).filter((f): f is SourceFile => f !== undefined);
  const settings = manifest ? { ...task.settings, governanceManifest: manifest.path } : task.settings;
  // Releases' artifacts are looked up from the folder of the manifest that governs them.
  const root = task.manifest ? path.dirname(task.manifest) : task.cwd;
  const result = engine.analyze(manifest ? [manifest, ...sources] : sources, settings, artifactLookup(root));
  const findings = [
    ...unread,
    ...(task.reportManifest || !manifest ? result.findings : result.findings.filter((f) => f.path !== manifest.path)),
  ];
  // The files findings are in, and those their related information points into (a governance entry).
  const withFindings = new Set(
    findings.flatMap((f) => [f.path, ...(f.related ?? []).flatMap((r) => (r.path ? [r.path] : []))]),
  );
  const texts = [...(manifest ? [manifest] : []), ...sources]
    .filter((f) => withFindings.has(f.path))
    .map((f): [string, string] => [f.path, f.text]);
  return {
    findings,
    notes: [...notes, ...result.notes],
    waivers: result.waivers,
    brokenManifest: task.reportManifest && result.configurationBroken && manifest ? manifest.path : undefined,
    filesChecked: sources.length + (manifest && task.reportManifest ? 1 : 0),
    texts,
  };
}
