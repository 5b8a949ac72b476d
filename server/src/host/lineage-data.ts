import { opendirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { DataContent, Engine, FolderLister, Settings, SourceFile } from '../core';
import { realFolder, resolveWithin } from './confine';
import { readDataset } from './datasets';

type GovernanceResult = ReturnType<Engine['governance']>;

/**
 * A file the lineage names, when it is a regular file inside `root`: links are followed only
 * while they stay inside, so a manifest cannot make CrownGuard read a file elsewhere.
 */
export function confinedFile(file: string, root: string): boolean {
  const rootReal = realFolder(root);
  const relative = path.relative(root, file);
  if (!rootReal || relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return false;
  const r = resolveWithin(rootReal, relative);
  try {
    return r.status === 'ok' && statSync(r.real).isFile();
  } catch {
    return false;
  }
}

/** Entries read of one folder at most: a folder of millions of files costs no more than this. */
const MAX_ENTRIES = 10_000;

/**
 * Lists the folders the lineage names (paths relative to `base`, as file paths are written)
 * when they are folders inside `root`: links are followed only while they stay inside, and a
 * folder outside, missing or not a folder lists nothing.
 */
export function folderLister(base: string, root: string): FolderLister {
  const rootReal = realFolder(root);
  return (folder) => {
    if (!rootReal) return undefined;
    const relative = path.relative(root, path.resolve(base, folder));
    if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
    const r = resolveWithin(rootReal, relative);
    if (r.status !== 'ok') return undefined;
    let dir;
    try {
      if (!statSync(r.real).isDirectory()) return undefined;
      dir = opendirSync(r.real);
    } catch {
      return undefined;
    }
    const out: { name: string; folder: boolean }[] = [];
    try {
      for (let e = dir.readSync(); e && out.length < MAX_ENTRIES; e = dir.readSync()) {
        if (e.isDirectory() || e.isFile()) out.push({ name: e.name, folder: e.isDirectory() });
        else if (e.isSymbolicLink()) {
          // A link is listed as what it leads to, and only when that is inside the root.
          const to = resolveWithin(rootReal, path.join(relative, e.name));
          if (to.status !== 'ok') continue;
          const st = statSync(to.real, { throwIfNoEntry: false });
          if (st?.isDirectory() || st?.isFile()) out.push({ name: e.name, folder: st.isDirectory() });
        }
      }
    } catch {
      // A folder that cannot be read further lists what was read.
    } finally {
      dir.closeSync();
    }
    return out;
  };
}

/**
 * Reads and profiles the data files the lineage of `files` names (paths relative to `root`),
 * each sampled and bounded as `check` reads it: what `lineage --explain` needs to say what a
 * derived file shows. Files outside `root` and URIs are never read.
 */
export async function lineageContents(
  engine: Engine,
  files: readonly SourceFile[],
  governance: GovernanceResult,
  root: string,
  settings?: Settings,
): Promise<Map<string, DataContent>> {
  const out = new Map<string, DataContent>();
  for (const p of engine.lineageDataFiles(files, governance, folderLister(root, root))) {
    const abs = path.resolve(root, p);
    if (!confinedFile(abs, root)) continue;
    const r = await readDataset(abs);
    if (!r.ok) continue;
    const content = engine.analyzeDataset(p, r.sample, governance.governance, settings).content;
    if (content) out.set(p, content);
  }
  return out;
}
