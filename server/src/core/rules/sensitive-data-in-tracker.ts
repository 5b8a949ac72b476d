import type { FlowRule } from './flow-findings';

export const sensitiveDataInTracker: FlowRule = {
  id: 'CG103',
  name: 'sensitive-data-in-tracker',
  defaultSeverity: 'error',
  summary:
    'A crown-jewel field, asset or credential is logged to an experiment tracker (MLflow, Weights & Biases, TensorBoard).',
  sink: 'tracker',
  describeSink: (callee) => `is sent to an experiment tracker (${callee})`,
};
