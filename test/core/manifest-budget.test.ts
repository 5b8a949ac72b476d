import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Budget } from '../../server/src/core/budget';
import { loadManifest } from '../../server/src/core/manifests/load';

/** A pipeline whose `stages` is one flow list of `n` scalars: each item is a schema error. */
function scalarStages(n: number): string {
  return (
    'apiVersion: crownguard/v1\nkind: Pipeline\nmetadata:\n  name: big\nstages: [' +
    Array.from({ length: n }, (_, i) => `s${i}`).join(', ') +
    ']\n'
  );
}

describe('a manifest check is bounded in time', () => {
  it('reports every one of 40,000 bad stages, each at its item, in near-linear time', () => {
    const t = Date.now();
    const r = loadManifest({ path: 'big.pipeline.yaml', text: scalarStages(40_000) }, 'pipeline');
    const ms = Date.now() - t;
    const schema = r.findings.filter((f) => f.ruleId === 'CG002');
    assert.equal(schema.length, 40_000);
    // The last item's finding sits on the last item: paths of later chunks are shifted back into place.
    const text = scalarStages(40_000);
    const last = schema.reduce((a, b) => (b.span.offset > a.span.offset ? b : a));
    assert.equal(text.slice(last.span.offset, last.span.offset + last.span.length), 's39999');
    assert.ok(!r.findings.some((f) => f.ruleId === 'CG005'));
    // One ajv call took over 50 s here; a generous bound for a busy machine.
    assert.ok(ms < 20_000, `took ${ms} ms`);
  });

  it('stops at the budget with a CG005 finding naming the cause, and keeps the schema findings found so far', () => {
    const text = scalarStages(5_000);
    const spent = new Budget(0);
    // A budget already spent (its deadline is in the past, not this millisecond).
    for (const start = Date.now(); Date.now() - start < 3;);
    const r = loadManifest({ path: 'big.pipeline.yaml', text }, 'pipeline', spent);
    const cg005 = r.findings.filter((f) => f.ruleId === 'CG005');
    assert.equal(cg005.length, 1);
    assert.equal(cg005[0].severity, 'warning');
    assert.match(cg005[0].message, /^Only partly analysed, because its analysis took longer than the 0 ms budget/);
    const schema = r.findings.filter((f) => f.ruleId === 'CG002');
    assert.ok(schema.length >= 1 && schema.length < 5_000, `${schema.length} schema findings`);
  });
});
