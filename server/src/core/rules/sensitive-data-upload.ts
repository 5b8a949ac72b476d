import type { FlowRule } from './flow-findings';

export const sensitiveDataUpload: FlowRule = {
  id: 'CG105',
  name: 'sensitive-data-upload',
  defaultSeverity: 'error',
  summary:
    'A crown-jewel asset or field is uploaded to a model hub or a provider (push_to_hub, huggingface_hub upload_*, OpenAI files.create).',
  sink: 'upload',
  describeSink: (callee) => `is uploaded (${callee})`,
};
