import { statSync } from 'node:fs';
import * as path from 'node:path';
import type { ModuleHost } from '../core';
import { realFolder, rememberingLstat, rememberingResolver, resolveWithin } from './confine';
import { readText } from './read';

/** Module texts kept per host: a helper imported by many files is read once. */
const MAX_CACHED_READS = 8_192;
/** Paths whose `lstat` a host keeps (folders and files on the way to the modules it looked for). */
const MAX_CACHED_LOOKS = 65_536;

function folderOf(root: string): string {
  try {
    return statSync(root).isDirectory() ? root : path.dirname(root);
  } catch {
    return path.dirname(root);
  }
}

/**
 * The text of the module at `relative` (`/` separated) inside the folder whose real path is
 * `real`, resolved one component at a time, so that a link or a `..` leading outside is
 * neither read nor looked at; undefined when there is no such readable text file.
 */
export function confinedText(real: string, relative: string): string | undefined {
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  const confined = resolveWithin(real, relative);
  if (confined.status !== 'ok') return undefined;
  const r = readText(confined.real);
  return r.ok ? r.text : undefined;
}

/**
 * The files an analysis may follow imports into: those under one of `roots` (the folders a
 * check was given, a file's own folder for a file), named relative to `cwd` as the core names
 * every file. A path is resolved one component at a time inside its root, so a link or a `..`
 * that leads outside is not read, nor looked at.
 */
export function workspaceModules(cwd: string, roots: readonly string[]): ModuleHost {
  const folders = roots.map(folderOf).map((f) => ({ folder: f, real: realFolder(f) }));
  const cache = new Map<string, string | undefined>();
  // A check reads the workspace as it was when it began: the folders on each import's way are looked at once.
  const lstat = rememberingLstat(MAX_CACHED_LOOKS);
  const resolve = rememberingResolver(lstat, MAX_CACHED_LOOKS);
  return {
    read(p: string): string | undefined {
      if (cache.has(p)) return cache.get(p);
      const abs = path.resolve(cwd, p);
      let text: string | undefined;
      for (const { folder, real } of folders) {
        const rel = path.relative(folder, abs);
        if (!real || rel.startsWith('..') || path.isAbsolute(rel)) continue;
        const confined = resolve(real, rel);
        if (confined.status !== 'ok') continue;
        const r = readText(confined.real);
        if (r.ok) text = r.text;
        break;
      }
      if (cache.size >= MAX_CACHED_READS) cache.delete(cache.keys().next().value!);
      cache.set(p, text);
      return text;
    },
  };
}
