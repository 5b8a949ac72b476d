import type { RuleMeta } from './rule';

export const artifactDigest: RuleMeta = {
  id: 'CG402',
  name: 'artifact-digest',
  defaultSeverity: 'error',
  summary:
    "A model release's sha256 does not match its artifact file, or its artifact file is missing from the workspace.",
};
