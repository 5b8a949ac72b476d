import { createHash } from 'node:crypto';
import { closeSync, fstatSync, readSync } from 'node:fs';
import type { ArtifactLookup } from '../core';
import { openRegular, realFolder, resolveWithin } from './confine';

/** Artifacts larger than this are not hashed (a model can be many gigabytes); the finding says so. */
const MAX_HASHED_BYTES = 4 * 1024 * 1024 * 1024;
const cache = new Map<string, { size: number; mtimeMs: number; sha256: string }>();

/**
 * Looks up a release's artifact relative to `root`: its sha256 (streamed in 1 MiB chunks,
 * remembered by size and modification time so an editor does not hash again on every
 * keystroke), or why it could not be hashed. A path that leads outside `root`, by `..` or
 * through a link, is "outside" whether or not something is there, so a release cannot be
 * used to learn anything about files outside the folder; only regular files are hashed.
 */
export function artifactLookup(root: string): ArtifactLookup {
  const rootReal = realFolder(root);
  return (relative) => {
    if (!rootReal) return { status: 'missing' };
    const where = resolveWithin(rootReal, relative);
    if (where.status !== 'ok') return { status: where.status };
    const opened = openRegular(where.real);
    if (!opened.ok) return { status: 'missing' };
    const { fd, size } = opened;
    try {
      if (size > MAX_HASHED_BYTES) return { status: 'too-large' };
      const { mtimeMs } = fstatSync(fd);
      const known = cache.get(where.real);
      if (known && known.size === size && known.mtimeMs === mtimeMs) return { status: 'ok', sha256: known.sha256 };
      const hash = createHash('sha256');
      const buffer = Buffer.alloc(1024 * 1024);
      // Never past the size the file reported: /proc files report none and may never end.
      for (let done = 0; done < size;) {
        const n = readSync(fd, buffer, 0, Math.min(buffer.length, size - done), done);
        if (n === 0) break;
        hash.update(buffer.subarray(0, n));
        done += n;
      }
      const sha256 = hash.digest('hex');
      cache.set(where.real, { size, mtimeMs, sha256 });
      return { status: 'ok', sha256 };
    } catch {
      return { status: 'missing' };
    } finally {
      closeSync(fd);
    }
  };
}
