import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { ArtifactLookup } from '../core';

/** Artifacts larger than this are not hashed (a model can be many gigabytes); the finding says so. */
const MAX_HASHED_BYTES = 4 * 1024 * 1024 * 1024;
const cache = new Map<string, { size: number; mtimeMs: number; sha256: string }>();

/**
 * Looks up a release's artifact relative to `root`: its sha256 (streamed in 1 MiB chunks,
 * remembered by size and modification time so an editor does not hash again on every
 * keystroke), or why it could not be hashed.
 */
export function artifactLookup(root: string): ArtifactLookup {
  return (relative) => {
    const file = path.resolve(root, relative);
    if (path.relative(root, file).startsWith('..')) return { status: 'outside' };
    let st;
    try {
      st = statSync(file);
    } catch {
      return { status: 'missing' };
    }
    if (!st.isFile()) return { status: 'missing' };
    if (st.size > MAX_HASHED_BYTES) return { status: 'too-large' };
    const known = cache.get(file);
    if (known && known.size === st.size && known.mtimeMs === st.mtimeMs) return { status: 'ok', sha256: known.sha256 };
    const hash = createHash('sha256');
    const buffer = Buffer.alloc(1024 * 1024);
    let fd: number | undefined;
    try {
      fd = openSync(file, 'r');
      for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) hash.update(buffer.subarray(0, n));
    } catch {
      return { status: 'missing' };
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    const sha256 = hash.digest('hex');
    cache.set(file, { size: st.size, mtimeMs: st.mtimeMs, sha256 });
    return { status: 'ok', sha256 };
  };
}
