import type { FlowRule } from './flow-findings';

export const sensitiveDataInLog: FlowRule = {
  id: 'CG101',
  name: 'sensitive-data-in-log',
  defaultSeverity: 'error',
  summary:
    'A crown-jewel field, asset or credential reaches a logging call, print or stdout/stderr without passing through a redaction function.',
  sink: 'log',
  describeSink: (callee) => `reaches ${callee}`,
};
