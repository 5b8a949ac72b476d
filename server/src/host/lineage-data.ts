import { statSync } from 'node:fs';
import * as path from 'node:path';
import type { DataContent, Engine, Settings, SourceFile } from '../core';
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
  for (const p of engine.lineageDataFiles(files, governance)) {
    const abs = path.resolve(root, p);
    if (!confinedFile(abs, root)) continue;
    const r = await readDataset(abs);
    if (!r.ok) continue;
    const content = engine.analyzeDataset(p, r.sample, governance.governance, settings).content;
    if (content) out.set(p, content);
  }
  return out;
}
