import { artifactDigest } from '../rules/artifact-digest';
import type { ArtifactLookup, Finding } from '../types';
import { valueSpan } from '../yaml/locate';
import type { LoadedManifest } from './load';

/**
 * A release's `artifact.sha256` against the file at `artifact.path` (relative to the
 * workspace), when the release declares both. A file that is not in the workspace is only a
 * note: artifacts usually live in a model store, not in the repository.
 */
export function checkArtifacts(releases: readonly LoadedManifest[], lookup: ArtifactLookup): Finding[] {
  const out: Finding[] = [];
  for (const r of releases) {
    const artifact = r.value?.artifact as { path?: unknown; sha256?: unknown } | undefined;
    if (!r.doc || typeof artifact?.path !== 'string' || typeof artifact.sha256 !== 'string') continue;
    const found = lookup(artifact.path.replace(/^\.\//, ''));
    const at = (field: string) => valueSpan(r.doc!, ['artifact', field]);
    if (found.status === 'ok') {
      if (found.sha256 !== artifact.sha256.toLowerCase()) {
        out.push({
          ruleId: artifactDigest.id,
          severity: 'error',
          message: `The artifact \`${artifact.path}\` does not match this sha256: the file has changed since the release was recorded`,
          path: r.path,
          span: at('sha256'),
          fixes: [],
        });
      }
    } else if (found.status === 'too-large') {
      out.push({
        ruleId: artifactDigest.id,
        severity: 'note',
        message: `The artifact \`${artifact.path}\` is too large to verify here`,
        path: r.path,
        span: at('path'),
        fixes: [],
      });
    } else {
      out.push({
        ruleId: artifactDigest.id,
        severity: 'note',
        message: `The artifact \`${artifact.path}\` is not in the workspace, so its sha256 is not verified`,
        path: r.path,
        span: at('path'),
        fixes: [],
      });
    }
  }
  return out;
}
