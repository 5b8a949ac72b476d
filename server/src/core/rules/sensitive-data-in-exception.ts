import type { FlowRule } from './flow-findings';

export const sensitiveDataInException: FlowRule = {
  id: 'CG102',
  name: 'sensitive-data-in-exception',
  defaultSeverity: 'error',
  summary:
    'A crown-jewel field, asset or credential becomes part of an exception message, which ends up in logs, tracebacks and error reports.',
  sink: 'exception',
  describeSink: (callee) => `becomes part of an exception message (${callee})`,
};
