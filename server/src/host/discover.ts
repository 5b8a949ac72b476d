import { existsSync, readdirSync, statSync, type Dirent } from 'node:fs';
import * as path from 'node:path';
import { isAnalysable, isDatasetPath, type Settings } from '../core';
import { readText } from './read';
import { realFolder, resolveWithin } from './confine';
import { IgnoreRules } from './gitignore';

/** Folders that hold dependencies, environments or build output, never the team's own code. */
const SKIPPED_DIRS = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  '.venv',
  'venv',
  '__pycache__',
  '.mypy_cache',
  '.pytest_cache',
  '.tox',
  'site-packages',
  'dist',
  'build',
  'out',
  '.next',
  '.cache',
  '.dvc', // DVC's own config and cache; the team's `*.dvc` files sit next to their data.
]);
/**
 * Build folders whose name data pipelines use for their outputs too: walked for data files
 * only (JSON Lines, CSV, Parquet), never for code. (`output/` and `data/` are walked in full.)
 */
const DATA_ONLY_DIRS = new Set(['out']);
/** Ignore files honoured in every folder, with .gitignore's syntax. */
const IGNORE_FILES = ['.gitignore', '.crownguardignore'];

export interface Discovery {
  readonly files: string[];
  /** Counts of what was passed over, by reason, so nothing is skipped silently. */
  readonly skipped: Map<string, number>;
  /** Paths given on the command line that do not exist. */
  readonly missing: string[];
}

interface Rules {
  readonly dir: string;
  readonly rules: IgnoreRules;
}

function readIgnoreRules(dir: string): Rules | undefined {
  let found = false;
  const rules = new IgnoreRules();
  // Only a regular file in the folder itself: not a FIFO, not a link out of the folder.
  const real = realFolder(dir);
  for (const name of IGNORE_FILES) {
    if (!real || resolveWithin(real, name).status !== 'ok') continue;
    const r = readText(path.join(dir, name));
    if (r.ok) {
      rules.add(r.text);
      found = true;
    }
  }
  return found ? { dir, rules } : undefined;
}

function isIgnored(stack: readonly Rules[], p: string, isDir: boolean): boolean {
  for (const r of stack) {
    const rel = path.relative(r.dir, p).split(path.sep).join('/');
    if (!rel || rel.startsWith('..')) continue;
    if (r.rules.ignores(isDir ? `${rel}/` : rel)) return true;
  }
  return false;
}

/**
 * Lists the files under `roots` that the engine analyses. Honours .gitignore and
 * .crownguardignore files (in every folder, as git does), passes over dependency and build
 * folders, and counts everything it passes over. Links are followed only while they stay
 * inside the root they were reached from (a link to `/` is not walked), no folder is walked
 * twice (no loops), a file reached twice is listed once (by its own path rather than a
 * link's), and only regular files are listed (no FIFO, socket or device).
 */
export function discover(
  roots: readonly string[],
  settings: Settings,
  /** Told of each file as it is listed, so that work can start before the listing ends. */
  onFile?: (path: string) => void,
): Discovery {
  const files: string[] = [];
  const skipped = new Map<string, number>();
  const missing: string[] = [];
  const seenDirs = new Set<string>();
  /** Per real path: where in `files` it is listed, and whether through a link. */
  const seenFiles = new Map<string, { index: number; linked: boolean }>();
  const count = (reason: string) => skipped.set(reason, (skipped.get(reason) ?? 0) + 1);

  const addFile = (p: string, real: string, linked: boolean) => {
    const seen = seenFiles.get(real);
    if (!seen) {
      seenFiles.set(real, { index: files.length, linked });
      files.push(p);
      onFile?.(p);
      return;
    }
    count('files reached twice through links');
    if (seen.linked && !linked) {
      files[seen.index] = p;
      seen.linked = false;
    }
  };

  const walk = (
    dir: string,
    dirReal: string,
    rootReal: string,
    linked: boolean,
    stack: readonly Rules[],
    dataOnly = false,
  ) => {
    if (seenDirs.has(dirReal)) return count('folders reached twice through links');
    seenDirs.add(dirReal);
    let entries: Dirent[];
    try {
      // The listing says what each entry is: only links need a further look at the disk.
      entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
        a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
      );
    } catch {
      return count('unreadable entries');
    }
    const own = readIgnoreRules(dir);
    const inner = own ? [...stack, own] : stack;
    for (const entry of entries) {
      const name = entry.name;
      const p = path.join(dir, name);
      let real = path.join(dirReal, name);
      let viaLink = linked;
      let st: Pick<Dirent, 'isDirectory' | 'isFile'> = entry;
      try {
        if (entry.isSymbolicLink()) {
          const target = resolveWithin(rootReal, path.relative(rootReal, real));
          if (target.status !== 'ok') {
            count(target.status === 'outside' ? 'links leading outside the folder' : 'unreadable entries');
            continue;
          }
          real = target.real;
          viaLink = true;
          st = statSync(real);
        }
      } catch {
        count('unreadable entries');
        continue;
      }
      if (st.isDirectory()) {
        if (SKIPPED_DIRS.has(name) && !DATA_ONLY_DIRS.has(name)) count('dependency or build folders');
        else if (isIgnored(inner, p, true)) count('ignored entries');
        else walk(p, real, rootReal, viaLink, inner, dataOnly || DATA_ONLY_DIRS.has(name));
      } else if (!isAnalysable(p, settings) || (dataOnly && !isDatasetPath(p))) continue;
      else if (isIgnored(inner, p, false)) count('ignored entries');
      else if (!st.isFile()) count('special files');
      else addFile(p, real, viaLink);
    }
  };

  for (const r of roots) {
    let st;
    try {
      st = statSync(r);
    } catch {
      missing.push(r);
      continue;
    }
    // A folder the user named (or opened in the editor) is taken as named, links included: its
    // real path bounds the walk. A named file is a path a script may have listed from the
    // repository, so a link there must stay in the file's own folder.
    const parent = realFolder(path.dirname(r));
    const target = st.isDirectory() ? undefined : parent ? resolveWithin(parent, path.basename(r)) : undefined;
    const real = st.isDirectory() ? realFolder(r) : target?.status === 'ok' ? target.real : undefined;
    if (target?.status === 'outside') count('links leading outside the folder');
    else if (!real) count('unreadable entries');
    else if (st.isDirectory()) walk(r, real, real, false, ancestorsRules(r));
    else if (st.isFile()) addFile(r, real, false);
    else count('special files');
  }
  return { files, skipped, missing };
}

/** Ignore rules of the folders above a root, up to the repository's top, as git applies them. */
function ancestorsRules(root: string): Rules[] {
  const out: Rules[] = [];
  const abs = path.resolve(root);
  if (isDirectory(path.join(abs, '.git'))) return out;
  let dir = path.dirname(abs);
  for (;;) {
    const r = readIgnoreRules(dir);
    if (r) out.unshift(r);
    if (isDirectory(path.join(dir, '.git')) || path.dirname(dir) === dir) break;
    dir = path.dirname(dir);
  }
  return out;
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The governance manifest that applies to `root`: the configured one (read where it is
 * configured), or the first one found by its usual names. A found one is used only when it
 * is a regular file that stays inside the repository (or the folder, outside a repository),
 * links included, so a link cannot make anything outside the manifest of a workspace.
 */
export function findGovernanceManifest(root: string, settings: Settings): string | undefined {
  if (settings.governanceManifest) {
    const p = path.resolve(root, settings.governanceManifest);
    return isFile(p) ? p : undefined;
  }
  for (const name of ['governance.yaml', 'governance.yml']) {
    const p = path.resolve(root, name);
    if (!isFile(p)) continue;
    const top = realFolder(repositoryTop(root));
    const dir = realFolder(root);
    if (top && dir && resolveWithin(top, path.join(path.relative(top, dir), name)).status === 'ok') return p;
  }
  return undefined;
}

/** The top of the git repository holding `dir`, or `dir` itself outside a repository. */
function repositoryTop(dir: string): string {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (existsSync(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) return path.resolve(dir);
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * The governance manifest that governs a file or folder: the nearest one at or above it,
 * stopping at the repository's top (or at `stopAt`). The CLI and the language server both
 * decide this way, so a file is checked under the same manifest in CI and in the editor.
 */
export function nearestGovernanceManifest(fileOrDir: string, settings: Settings, stopAt?: string): string | undefined {
  let d = isDirectory(fileOrDir) ? path.resolve(fileOrDir) : path.dirname(path.resolve(fileOrDir));
  for (;;) {
    const found = findGovernanceManifest(d, settings);
    if (found) return found;
    if (path.dirname(d) === d || isDirectory(path.join(d, '.git')) || (stopAt && path.resolve(stopAt) === d))
      return undefined;
    d = path.dirname(d);
  }
}
