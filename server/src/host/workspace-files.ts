import * as path from 'node:path';
import type { Settings, SourceFile } from '../core';
import { discover, nearestGovernanceManifest } from './discover';
import { readText } from './read';

export interface WorkspaceFiles {
  readonly root: string;
  /** Every file the engine reads, with paths relative to `root`. */
  readonly files: SourceFile[];
  /** The governance manifest in force, among `files` (its relative path), if any. */
  readonly governance?: SourceFile;
}

/**
 * Reads the workspace under `root` for the workspace-wide views (lineage): every analysable
 * file, with `overlay` giving the unsaved text of open documents by absolute path. The
 * governance manifest is `governanceFile` when given, else the nearest at or above `root`.
 */
export function readWorkspace(root: string, settings: Settings, overlay: (abs: string) => string | undefined = () => undefined, governanceFile?: string): WorkspaceFiles {
  const rel = (abs: string) => path.relative(root, abs).split(path.sep).join('/');
  const files: SourceFile[] = [];
  for (const abs of discover([root], settings).files) {
    const open = overlay(abs);
    const r = open === undefined ? readText(abs) : undefined;
    const text = open ?? (r?.ok ? r.text : undefined);
    if (text !== undefined) files.push({ path: rel(abs), text });
  }
  const manifest = governanceFile ? path.resolve(root, governanceFile) : nearestGovernanceManifest(root, settings);
  let governance: SourceFile | undefined;
  if (manifest) {
    governance = files.find((f) => f.path === rel(manifest));
    if (!governance) {
      const text = overlay(manifest) ?? (() => {
        const r = readText(manifest);
        return r.ok ? r.text : undefined;
      })();
      if (text !== undefined) governance = { path: rel(manifest), text };
    }
  }
  return { root, files, governance };
}
