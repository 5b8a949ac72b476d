import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import Ajv from 'ajv';
import { DEFAULT_SETTINGS, type SourceFile } from '../../server/src/core';
import { BUILTIN_POLICIES } from '../../server/src/core/policies/pack';
import { compilePolicySchema, policyRunTimeCompiles } from '../../server/src/core/schema/policy';
import { configurePolicyAjv, POLICY_AJV_OPTIONS } from '../../server/src/core/schema/policy-options';
import { engine } from '../support/engine';
import { EXAMPLES } from '../support/paths';

const read = (p: string): SourceFile => ({ path: p, text: readFileSync(path.join(EXAMPLES, p), 'utf8') });

/** Contexts the built-in policies see: passing, failing, and shapes they do not expect. */
const CONTEXTS: unknown[] = [
  {},
  { stage: { type: 'fine-tune' }, data: { crownJewel: true, allowedMethods: ['lora'] } },
  {
    stage: { type: 'fine-tune', method: 'full', privacy: { differentialPrivacy: { epsilon: 12 } } },
    data: { crownJewel: true, allowedMethods: ['lora', 'qlora'] },
    today: '2026-11-28',
    approvalRoles: ['dpo'],
  },
  {
    stage: {
      type: 'fine-tune',
      method: 'lora',
      privacy: { differentialPrivacy: { epsilon: 4 } },
      compute: { confidential: true },
      approvals: [{ role: 'dpo', by: 'x', date: '2026-11-01' }],
    },
    data: { crownJewel: true, allowedMethods: ['lora'] },
  },
  { stage: { type: 'evaluate', privacy: null }, data: { crownJewel: 'yes' } },
  { release: { deployments: [{ visibility: 'public' }], datasets: [] } },
  { release: { baseModel: 'm', pipeline: 'p', datasets: ['d'], hyperparameters: {}, evaluation: [1], approvals: [1] } },
  { stage: 'fine-tune', data: [] },
];

describe('the built-in policies are compiled at build time, a team policy at run time', () => {
  it('checking the examples under the built-in pack compiles no schema with ajv', async () => {
    const e = await engine();
    const before = policyRunTimeCompiles();
    const files = ['governance.yaml', 'pipelines/support-bot.pipeline.yaml', 'models/support-bot.model.yaml'].map(read);
    const result = e.analyze(files, { ...DEFAULT_SETTINGS, today: '2026-11-28' });
    assert.ok(
      result.findings.some((f) => f.ruleId === 'CG401'),
      'the examples violate a built-in policy',
    );
    assert.equal(policyRunTimeCompiles() - before, 0);
  });

  it('the generated validators give what ajv compiles at run time, errors included', () => {
    const runtime = configurePolicyAjv(new Ajv(POLICY_AJV_OPTIONS));
    for (const policy of BUILTIN_POLICIES) {
      for (const schema of [policy.when, policy.require]) {
        const generated = compilePolicySchema(schema).validate;
        assert.ok(generated, policy.id);
        const compiled = runtime.compile(JSON.parse(JSON.stringify(schema)) as object);
        for (const context of CONTEXTS) {
          assert.equal(generated(context), compiled(context), `${policy.id} on ${JSON.stringify(context)}`);
          assert.deepEqual(generated.errors ?? null, compiled.errors ?? null, policy.id);
        }
      }
    }
  });

  it("a team's own policy is compiled at run time, once per schema text", () => {
    const schema = { required: ['stage'], properties: { stage: { properties: { region: { pattern: '^eu-' } } } } };
    const before = policyRunTimeCompiles();
    const first = compilePolicySchema(schema).validate;
    const again = compilePolicySchema(JSON.parse(JSON.stringify(schema)) as object).validate;
    assert.equal(policyRunTimeCompiles() - before, 1);
    assert.equal(first, again);
    assert.equal(first?.({ stage: { region: 'us-east-1' } }), false);
    assert.equal(first?.({ stage: { region: 'eu-west-1' } }), true);
  });
});
