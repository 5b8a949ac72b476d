import { statSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_SETTINGS, isGovernanceManifest, type Engine, type Finding, type Note, type Settings, type SourceFile, type Waiver } from '../core';
import { discover, findGovernanceManifest } from '../host/discover';
import { readText } from '../host/read';

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
  /** The text of every file read, by its reported path, for turning offsets into lines. */
  readonly texts: ReadonlyMap<string, string>;
}

/** The nearest governance manifest at or above `dir`, stopping at a repository's top. */
function manifestAbove(dir: string, settings: Settings): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const found = findGovernanceManifest(d, settings);
    if (found) return found;
    if (path.dirname(d) === d || isDir(path.join(d, '.git'))) return undefined;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isUnder(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * Reads the files under `paths` and runs the engine over them. Each file is checked under the
 * governance manifest of the nearest folder above it; paths in results are relative to `cwd`.
 */
export function runCheck(engine: Engine, paths: readonly string[], cwd: string, settings: Settings = DEFAULT_SETTINGS): CheckResult {
  const roots = (paths.length ? paths : ['.']).map((p) => path.resolve(cwd, p));
  const found = discover(roots, settings);
  const rel = (p: string) => path.relative(cwd, p).split(path.sep).join('/') || '.';

  const notes: Note[] = [];
  const sources = new Map<string, SourceFile>();
  const read = (abs: string): SourceFile | undefined => {
    if (sources.has(abs)) return sources.get(abs);
    const r = readText(abs);
    if (!r.ok) {
      notes.push({ path: rel(abs), message: r.reason });
      return undefined;
    }
    const file = { path: rel(abs), text: r.text };
    sources.set(abs, file);
    return file;
  };

  // Group the files by the manifest that governs them (deepest manifest wins).
  const manifests = new Set<string>();
  for (const root of roots) {
    const m = manifestAbove(isDir(root) ? root : path.dirname(root), settings);
    if (m) manifests.add(m);
  }
  for (const f of found.files) {
    if (isGovernanceManifest(f, settings)) manifests.add(f);
  }
  const ordered = [...manifests].sort((a, b) => path.dirname(b).length - path.dirname(a).length);
  const groups = new Map<string | undefined, string[]>();
  for (const f of found.files) {
    if (manifests.has(f)) continue;
    const m = ordered.find((x) => isUnder(f, path.dirname(x)));
    groups.set(m, [...(groups.get(m) ?? []), f]);
  }
  for (const m of ordered) if (!groups.has(m)) groups.set(m, []);

  const findings: Finding[] = [];
  const waivers: Waiver[] = [];
  const brokenManifests: string[] = [];
  let filesChecked = 0;
  for (const [manifest, files] of groups) {
    const manifestFile = manifest ? read(manifest) : undefined;
    const sourceFiles = files.map(read).filter((f): f is SourceFile => f !== undefined);
    filesChecked += sourceFiles.length + (manifestFile ? 1 : 0);
    const settingsForGroup = manifestFile ? { ...settings, governanceManifest: manifestFile.path } : settings;
    const result = engine.analyze(manifestFile ? [manifestFile, ...sourceFiles] : sourceFiles, settingsForGroup);
    findings.push(...result.findings);
    notes.push(...result.notes);
    waivers.push(...result.waivers);
    if (result.configurationBroken && manifestFile) brokenManifests.push(manifestFile.path);
  }
  findings.sort((a, b) => (a.path === b.path ? a.span.offset - b.span.offset : a.path < b.path ? -1 : 1));
  const texts = new Map([...sources.values()].map((f) => [f.path, f.text]));
  return { findings, waivers, notes, brokenManifests, filesChecked, skipped: found.skipped, missing: found.missing.map(rel), texts };
}
