import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { DEFAULT_SETTINGS, type Engine, type Finding } from '../../server/src/core';
import { engine } from '../support/engine';

let e: Engine;
before(async () => {
  e = await engine();
});

const GOVERNANCE = `apiVersion: crownguard/v1
kind: Governance
assets:
  - id: crm
    tier: restricted
policies:
  - id: approvals
    severity: warning
  - id: eu-region
    when: { required: [stage], properties: { stage: { properties: { type: { const: fine-tune } } } } }
    require: { properties: { stage: { required: [compute], properties: { compute: { required: [region], properties: { region: { pattern: "^eu-" } } } } } } }
    at: [compute]
`;

function policyFindings(pipeline: string, governance = GOVERNANCE): Finding[] {
  const result = e.analyze(
    [
      { path: 'governance.yaml', text: governance },
      { path: 'train.pipeline.yaml', text: pipeline },
    ],
    { ...DEFAULT_SETTINGS, today: '2026-11-28' },
  );
  return result.findings.filter((f) => f.ruleId === 'CG401');
}

const byPolicy = (findings: Finding[], id: string) =>
  findings.find((f) => f.message.startsWith(`Violates policy \`${id}\``));

describe("policy findings point at the policy's definition", () => {
  const pipeline =
    'apiVersion: crownguard/v1\nkind: Pipeline\nstages:\n  - id: tune\n    type: fine-tune\n    method: lora\n    inputs: [crm]\n    compute: { confidential: true, region: us-east-1 }\n';
  const findings = () => policyFindings(pipeline);

  it('a built-in policy: its row on the CG401 rule page', () => {
    assert.deepEqual(byPolicy(findings(), 'differential-privacy')?.related, [
      {
        message: 'built-in policy `differential-privacy`, described in docs/rules/CG401.md',
        rulePage: { ruleId: 'CG401', anchor: 'differential-privacy' },
      },
    ]);
  });

  it("a built-in policy the manifest overrides, and a team's own policy: their entries in the manifest", () => {
    for (const id of ['approvals', 'eu-region']) {
      const [related] = byPolicy(findings(), id)?.related ?? [];
      assert.equal(related?.path, 'governance.yaml');
      assert.equal(related.message, `policy \`${id}\` is declared here`);
      assert.ok(GOVERNANCE.slice(related.span!.offset).startsWith(`id: ${id}\n`), id);
    }
    assert.ok(
      GOVERNANCE.slice(byPolicy(findings(), 'eu-region')!.related![0].span!.offset).trimEnd().endsWith('at: [compute]'),
    );
  });

  it('the message still names the policy', () => {
    assert.match(byPolicy(findings(), 'approvals')!.message, /^Violates policy `approvals`: /);
  });
});

describe('a block written with no value does not satisfy a policy', () => {
  it('`privacy:`, `compute:` and `approvals:` left empty are violations', () => {
    const pipeline =
      'apiVersion: crownguard/v1\nkind: Pipeline\nstages:\n  - id: tune\n    type: fine-tune\n    method: lora\n    inputs: [crm]\n    privacy:\n    compute:\n    approvals:\n';
    const found = policyFindings(
      pipeline,
      'apiVersion: crownguard/v1\nkind: Governance\nassets:\n  - id: crm\n    tier: restricted\n',
    ).map((f) => /`([\w-]+)`/.exec(f.message)![1]);
    assert.deepEqual(found.sort(), ['approvals', 'confidential-compute', 'differential-privacy']);
  });
});

describe("a fine-tuning config's policy findings point at the policy too", () => {
  it("the built-in policy's row on the rule page", () => {
    const governance =
      'apiVersion: crownguard/v1\nkind: Governance\nassets:\n  - id: chats\n    tier: restricted\n    locations: [data/chats/**]\n';
    const config =
      'base_model: meta-llama/Llama-3.1-8B\ndatasets:\n  - path: data/chats/train.jsonl\n    type: chat_template\noutput_dir: ./out\n';
    const findings = e.analyze(
      [
        { path: 'governance.yaml', text: governance },
        { path: 'axolotl.yaml', text: config },
      ],
      { ...DEFAULT_SETTINGS, today: '2026-11-28' },
    ).findings;
    const method = findings.find(
      (f) => f.path === 'axolotl.yaml' && f.message.startsWith('Violates policy `finetune-method`'),
    );
    assert.ok(method, JSON.stringify(findings.map((f) => f.message)));
    assert.deepEqual(method.related, [
      {
        message: 'built-in policy `finetune-method`, described in docs/rules/CG401.md',
        rulePage: { ruleId: 'CG401', anchor: 'finetune-method' },
      },
    ]);
  });
});
