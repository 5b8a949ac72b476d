import { readdirSync, realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { isAnalysable, type Settings } from '../core';

/** Folders that hold dependencies, environments or build output, never the team's own code. */
const SKIPPED_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', '.venv', 'venv', 'env', '__pycache__', '.mypy_cache', '.pytest_cache', '.tox', 'site-packages', 'dist', 'build', 'out', '.next', '.cache']);

export interface Discovery {
  readonly files: string[];
  /** Counts of what was passed over, by reason, so nothing is skipped silently. */
  readonly skipped: Map<string, number>;
  /** Paths given on the command line that do not exist. */
  readonly missing: string[];
}

/**
 * Lists the files under `roots` that the engine analyses. Follows no symlink twice (no loops)
 * and passes over dependency and build folders, counting them.
 */
export function discover(roots: readonly string[], settings: Settings): Discovery {
  const files: string[] = [];
  const skipped = new Map<string, number>();
  const missing: string[] = [];
  const seenDirs = new Set<string>();
  const count = (reason: string) => skipped.set(reason, (skipped.get(reason) ?? 0) + 1);

  const visit = (p: string, explicit: boolean) => {
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
      for (const e of entries) visit(path.join(p, e), false);
    } else if (st.isFile()) {
      if (explicit || isAnalysable(p, settings)) files.push(p);
    }
  };
  for (const r of roots) visit(r, true);
  return { files, skipped, missing };
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
