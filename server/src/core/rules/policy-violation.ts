import type { RuleMeta } from './rule';

export const policyViolation: RuleMeta = {
  id: 'CG401',
  name: 'policy-violation',
  defaultSeverity: 'error',
  summary:
    'A pipeline stage or model release violates a governance policy, given the classification its data carries through the pipeline.',
};
