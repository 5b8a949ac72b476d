import { statSync } from 'node:fs';
import * as path from 'node:path';
import type { LinkCandidate } from '../core';

/**
 * The file a link candidate names: the first of its targets that is a file inside the
 * workspace folder `root`, relative to the manifest's folder or to `root` as each target says.
 * Nothing outside the folder is linked, not even through `..`.
 */
export function resolveLink(candidate: LinkCandidate, manifestFile: string, root: string): string | undefined {
  for (const t of candidate.targets) {
    const file = path.resolve(t.base === 'manifest' ? path.dirname(manifestFile) : root, t.path);
    const inside = path.relative(root, file);
    if (inside.startsWith('..') || path.isAbsolute(inside)) continue;
    try {
      if (statSync(file).isFile()) return file;
    } catch {
      // Not there: try the next place.
    }
  }
  return undefined;
}
