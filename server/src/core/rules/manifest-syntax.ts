import type { RuleMeta } from './rule';

export const manifestSyntax: RuleMeta = {
  id: 'CG001',
  name: 'manifest-syntax',
  defaultSeverity: 'error',
  summary:
    'A manifest is not valid YAML (syntax error, duplicate key, tab indentation, or an alias that expands without bound).',
};
