import type { RuleMeta } from './rule';

export const lineageCycle: RuleMeta = {
  id: 'CG403',
  name: 'lineage-cycle',
  defaultSeverity: 'error',
  summary: 'Data flows in a circle: a dataset, stage or model is, through other files, upstream of itself.',
};
