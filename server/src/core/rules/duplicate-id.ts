import type { RuleMeta } from './rule';

export const duplicateId: RuleMeta = {
  id: 'CG004',
  name: 'duplicate-id',
  defaultSeverity: 'error',
  summary: 'Two declarations in a manifest use the same id.',
};
