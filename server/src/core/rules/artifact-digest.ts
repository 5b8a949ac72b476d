import type { Document } from 'yaml';
import type { ArtifactLookup, Finding } from '../types';
import { valueSpan } from '../yaml/locate';
import type { Rule } from './rule';

export const artifactDigest: Rule = {
  id: 'CG402',
  name: 'artifact-digest',
  defaultSeverity: 'error',
  summary:
    "A model release's sha256 does not match its artifact file, or its artifact file is missing from the workspace.",
  manifest: (ctx) => (ctx.kind === 'model' && ctx.artifacts ? checkArtifacts(ctx, ctx.artifacts) : []),
};

/**
 * A release's `artifact.sha256` against the file at `artifact.path` (relative to the
 * workspace), when the release declares both. A file that is not in the workspace is only a
 * note: artifacts usually live in a model store, not in the repository.
 */
function checkArtifacts(r: { path: string; doc: Document; value: unknown }, lookup: ArtifactLookup): Finding[] {
  const out: Finding[] = [];
  const artifact = (r.value as { artifact?: unknown } | undefined)?.artifact as
    { path?: unknown; sha256?: unknown } | undefined;
  if (typeof artifact?.path !== 'string' || typeof artifact.sha256 !== 'string') return out;
  const found = lookup(artifact.path.replace(/^\.\//, ''));
  const at = (field: string) => valueSpan(r.doc, ['artifact', field]);
  if (found.status === 'ok') {
    if (found.sha256 !== artifact.sha256.toLowerCase()) {
      out.push({
        ruleId: 'CG402',
        severity: 'error',
        message: `The artifact \`${artifact.path}\` does not match this sha256: the file has changed since the release was recorded`,
        path: r.path,
        span: at('sha256'),
        fixes: [],
      });
    }
  } else if (found.status === 'too-large') {
    out.push({
      ruleId: 'CG402',
      severity: 'note',
      message: `The artifact \`${artifact.path}\` is too large to verify here`,
      path: r.path,
      span: at('path'),
      fixes: [],
    });
  } else {
    out.push({
      ruleId: 'CG402',
      severity: 'note',
      message: `The artifact \`${artifact.path}\` is not in the workspace, so its sha256 is not verified`,
      path: r.path,
      span: at('path'),
      fixes: [],
    });
  }
  return out;
}
