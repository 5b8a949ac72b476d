import type { FlowRule } from './flow-findings';

export const sensitiveDataInLlmCall: FlowRule = {
  id: 'CG104',
  name: 'sensitive-data-in-llm-call',
  defaultSeverity: 'error',
  summary:
    'A crown-jewel field, asset or credential is put into a prompt sent to an LLM (OpenAI, Anthropic, LangChain, LlamaIndex, the Vercel AI SDK).',
  sink: 'llm',
  describeSink: (callee) => `is sent to an LLM (${callee})`,
};
