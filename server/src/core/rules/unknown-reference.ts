import type { RuleMeta } from './rule';

export const unknownReference: RuleMeta = {
  id: 'CG003',
  name: 'unknown-reference',
  defaultSeverity: 'error',
  summary: 'A manifest refers to an id (a tier, an asset) that is not declared.',
};
