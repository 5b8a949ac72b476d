/**
 * Workspaces written to attack the tool through the patterns it runs: a team policy whose
 * `pattern` backtracks exponentially in a backtracking engine, an asset location glob of many
 * `**`, and a policy whose `$id` is the one of CrownGuard's own pipeline schema.
 */
export const PIPELINE_SCHEMA_ID = 'urn:crownguard:schema:pipeline:v1';

export function redosGovernance(options: { id?: string } = {}): string {
  const id = options.id ? `$id: "${options.id}", ` : '';
  return [
    'apiVersion: crownguard/v1',
    'kind: Governance',
    'assets:',
    '  - id: crm',
    '    tier: restricted',
    `    locations: ["s3://b/${'**/'.repeat(12)}x"]`,
    'policies:',
    '  - id: plain-description',
    '    description: Stage descriptions are plain',
    `    when: { ${id}required: [stage] }`,
    '    require: { properties: { stage: { properties: { description: { pattern: "^(a+)+$" } } } } }',
    '    at: [description]',
    '',
  ].join('\n');
}

/** A stage whose 41-character description takes `^(a+)+$` minutes to reject by backtracking. */
export const REDOS_PIPELINE = [
  'apiVersion: crownguard/v1',
  'kind: Pipeline',
  'metadata:',
  '  name: train',
  'stages:',
  '  - id: ingest',
  '    type: ingest',
  `    description: ${'a'.repeat(40)}!`,
  '    inputs: [crm]',
  '    outputs: [raw]',
  '    compute: { confidential: true }',
  '',
].join('\n');

/** A path literal that a glob of many `**` ending in `x` does not match, long enough to backtrack for minutes. */
export const LONG_PATH_CODE = `import pandas as pd\ndf = pd.read_csv("s3://b/${'a/'.repeat(100)}y")\nprint(df)\n`;
