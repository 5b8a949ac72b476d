import type { RuleMeta } from './rule';

export const invalidWaiver: RuleMeta = {
  id: 'CG301',
  name: 'invalid-waiver',
  defaultSeverity: 'warning',
  summary:
    'A waiver annotation names an unknown rule or policy, gives no reason, has expired, runs longer than allowed, lacks a required approver, or may not waive what it covers.',
};
