import { statSync } from 'node:fs';
import * as path from 'node:path';
import type { LinkCandidate } from '../core';
import { realFolder, resolveWithin } from './confine';

/**
 * The file a link candidate names: the first of its targets that is a file inside the
 * workspace folder `root`, relative to the manifest's folder or to `root` as each target says.
 * Nothing outside the folder is linked, not even through `..` or a link.
 */
export function resolveLink(candidate: LinkCandidate, manifestFile: string, root: string): string | undefined {
  const rootReal = realFolder(root);
  for (const t of candidate.targets) {
    const file = path.resolve(t.base === 'manifest' ? path.dirname(manifestFile) : root, t.path);
    const inside = path.relative(root, file);
    if (inside.startsWith('..') || path.isAbsolute(inside)) continue;
    // Nor through a link that leads out of the folder.
    const real = rootReal && resolveWithin(rootReal, inside);
    if (!real || real.status !== 'ok') continue;
    try {
      if (statSync(real.real).isFile()) return file;
    } catch {
      // Not there: try the next place.
    }
  }
  return undefined;
}
