import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { isAnalysable, type Settings } from '../core';

/** Folders that hold dependencies, environments or build output, never the team's own code. */
const SKIPPED_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', '.venv', 'venv', '__pycache__', '.mypy_cache', '.pytest_cache', '.tox', 'site-packages', 'dist', 'build', 'out', '.next', '.cache']);
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
  readonly rules: Ignore;
}

function readIgnoreRules(dir: string): Rules | undefined {
  let found = false;
  const rules = ignore();
  for (const name of IGNORE_FILES) {
    try {
      rules.add(readFileSync(path.join(dir, name), 'utf8'));
      found = true;
    } catch {
      // No such file in this folder.
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
 * folders, follows no symlink twice (no loops), and counts everything it passes over.
 */
export function discover(roots: readonly string[], settings: Settings): Discovery {
  const files: string[] = [];
  const skipped = new Map<string, number>();
  const missing: string[] = [];
  const seenDirs = new Set<string>();
  const count = (reason: string) => skipped.set(reason, (skipped.get(reason) ?? 0) + 1);

  const visit = (p: string, explicit: boolean, stack: readonly Rules[]) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      if (explicit) missing.push(p);
      else count('unreadable entries');
      return;
    }
    if (st.isDirectory()) {
      if (!explicit && SKIPPED_DIRS.has(path.basename(p))) return count('dependency or build folders');
      if (!explicit && isIgnored(stack, p, true)) return count('ignored entries');
      let real: string;
      try {
        real = realpathSync(p);
      } catch {
        return count('unreadable entries');
      }
      if (seenDirs.has(real)) return count('folders reached twice through links');
      seenDirs.add(real);
      let entries: string[];
      try {
        entries = readdirSync(p).sort();
      } catch {
        return count('unreadable entries');
      }
      const own = readIgnoreRules(p);
      const inner = own ? [...stack, own] : stack;
      for (const e of entries) visit(path.join(p, e), false, inner);
    } else if (st.isFile()) {
      if (explicit) files.push(p);
      else if (!isAnalysable(p, settings)) return;
      else if (isIgnored(stack, p, false)) count('ignored entries');
      else files.push(p);
    }
  };
  for (const r of roots) visit(r, true, ancestorsRules(r));
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

/** The governance manifest that applies to `root`: the configured one, or the first found. */
export function findGovernanceManifest(root: string, settings: Settings): string | undefined {
  const candidates = settings.governanceManifest ? [settings.governanceManifest] : ['governance.yaml', 'governance.yml'];
  for (const c of candidates) {
    const p = path.resolve(root, c);
    try {
      if (statSync(p).isFile()) return p;
    } catch {
      // Not there: try the next name.
    }
  }
  return undefined;
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
    if (path.dirname(d) === d || isDirectory(path.join(d, '.git')) || (stopAt && path.resolve(stopAt) === d)) return undefined;
    d = path.dirname(d);
  }
}
