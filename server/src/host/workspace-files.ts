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

function readFromDisk(abs: string): string | undefined {
  const r = readText(abs);
  return r.ok ? r.text : undefined;
}

/**
 * Reads the workspace under `root` for the workspace-wide views (lineage): every analysable
 * file (`list`, when the caller keeps the listing), each through `read` (the language server
 * gives open documents' unsaved text and its cache of saved ones). The governance manifest is
 * `governanceFile` when given, else the nearest at or above `root`.
 */
export function readWorkspace(
  root: string,
  settings: Settings,
  read: (abs: string) => string | undefined = readFromDisk,
  governanceFile?: string,
  list: readonly string[] = discover([root], settings).files,
): WorkspaceFiles {
  const rel = (abs: string) => path.relative(root, abs).split(path.sep).join('/');
  const files: SourceFile[] = [];
  for (const abs of list) {
    const text = read(abs);
    if (text !== undefined) files.push({ path: rel(abs), text });
  }
  const manifest = governanceFile ? path.resolve(root, governanceFile) : nearestGovernanceManifest(root, settings);
  let governance: SourceFile | undefined;
  if (manifest) {
    governance = files.find((f) => f.path === rel(manifest));
    if (!governance) {
      const text = read(manifest);
      if (text !== undefined) governance = { path: rel(manifest), text };
    }
  }
  return { root, files, governance };
}
