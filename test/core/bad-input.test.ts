import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  combineFixes,
  completeAt,
  describeKeyAt,
  linkCandidates,
  outline,
  type Engine,
  type ManifestIndex,
} from '../../server/src/core';
import { DEFAULT_GOVERNANCE } from '../../server/src/core/governance/model';
import { engine } from '../support/engine';
import { LARGE_MANIFESTS } from '../support/large-manifests';

let e: Engine;
before(async () => {
  e = await engine();
});

describe('bad input never crashes the engine', () => {
  it('an alias bomb is reported, not expanded', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++)
      levels.push(
        `l${i}: &l${i} [*${i === 1 ? 'a' : `l${i - 1}`}, *${i === 1 ? 'a' : `l${i - 1}`}, *${i === 1 ? 'a' : `l${i - 1}`}, *${i === 1 ? 'a' : `l${i - 1}`}]`,
      );
    const text = `apiVersion: crownguard/v1\nkind: Governance\nmetadata:\n  description: x\n${levels.join('\n')}\n`;
    const r = e.governance({ path: 'governance.yaml', text });
    assert.equal(r.broken, true);
    assert.ok(
      r.findings.some((f) => f.ruleId === 'CG001' && /alias/i.test(f.message)),
      JSON.stringify(r.findings.map((f) => f.message)),
    );
  });

  it('absurdly deep nesting is reported, not a stack overflow', () => {
    const depth = 20000;
    const text = `apiVersion: crownguard/v1\nkind: Governance\nmetadata: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
    const r = e.governance({ path: 'governance.yaml', text });
    assert.equal(r.broken, true);
    assert.ok(r.findings.length > 0);
  });

  it('tabs used for indentation are a syntax finding at their place', () => {
    const text = 'apiVersion: crownguard/v1\nkind: Governance\nassets:\n\t- id: a\n';
    const r = e.governance({ path: 'governance.yaml', text });
    assert.equal(r.broken, true);
    const f = r.findings.find((x) => x.ruleId === 'CG001');
    assert.ok(f);
    assert.equal(text.slice(0, f.span.offset).split('\n').length, 4);
  });

  it('a manifest that is not a mapping is a schema finding', () => {
    const r = e.governance({ path: 'governance.yaml', text: '- just\n- a list\n' });
    assert.equal(r.broken, true);
    assert.ok(r.findings.some((f) => f.ruleId === 'CG002' && f.message.includes('must be a mapping')));
  });

  it('empty source files are skipped with a note; binary and oversized ones are a CG005 finding', () => {
    const r = e.analyze([
      { path: 'empty.py', text: '' },
      { path: 'binary.py', text: 'print(password)\u0000\u0001' },
      { path: 'huge.py', text: 'x = 1\n'.repeat(400_000) },
    ]);
    assert.deepEqual(
      r.findings.map((f) => `${f.path}: ${f.ruleId}`),
      ['binary.py: CG005', 'huge.py: CG005'],
    );
    assert.deepEqual(
      r.notes.map((n) => `${n.path}: ${n.message}`),
      ['empty.py: skipped: empty file'],
    );
  });

  it('Python with syntax errors still yields the findings of the parts that parse', () => {
    const r = e.analyze([{ path: 'broken.py', text: 'def f(:\n    pass\nprint(password)\n' }]);
    assert.equal(r.findings.filter((f) => f.ruleId === 'CG101').length, 1);
  });

  it('a schema error keeps the well-formed rest of the manifest in force', () => {
    const r = e.analyze([
      {
        path: 'governance.yaml',
        text: 'apiVersion: crownguard/v1\nkind: Governance\nassets:\n  - id: crm\n    tier: restricted\n    kind: tabel\n    fields: [loyalty_id]\n',
      },
      { path: 'app.py', text: 'print(loyalty_id)\n' },
    ]);
    assert.equal(r.configurationBroken, true);
    const f = r.findings.find((x) => x.path === 'app.py');
    assert.ok(f && f.severity === 'error' && f.message.includes('asset `crm`'), JSON.stringify(f));
  });

  it('an unparseable manifest leaves the built-in default in force for code', () => {
    const r = e.analyze([
      { path: 'governance.yaml', text: 'apiVersion: [\n' },
      { path: 'app.py', text: 'print(password)\n' },
    ]);
    assert.equal(r.configurationBroken, true);
    assert.ok(r.findings.some((f) => f.path === 'app.py' && f.ruleId === 'CG101'));
  });
});

describe('inputs that used to take super-linear time finish (sizes that took minutes before)', () => {
  it('a one-line JSON with thousands of e-mail addresses', () => {
    const text = JSON.stringify(Array.from({ length: 3000 }, (_, i) => `user${i}@acme-corp.com`));
    const findings = e.analyze([{ path: 'users.json', text }]).findings;
    // Twenty one by one, then one summary for the rest: a data dump does not bury other findings.
    assert.equal(findings.length, 21);
    assert.ok(
      findings.some((f) => f.message.startsWith('And 2,980 more literal personal values in this file')),
      findings[20]?.message,
    );
  });

  it('thousands of duplicate ids', () => {
    const text = 'apiVersion: crownguard/v1\nkind: Governance\ntiers:\n' + '  - id: a\n'.repeat(8000);
    const r = e.governance({ path: 'governance.yaml', text });
    assert.equal(r.findings.length, 8000);
    assert.ok(r.findings.every((f) => f.message.length < 200));
  });

  it('a very long misspelt id, a run of unclosed template tags, a long capitalised name', () => {
    const long = 'x'.repeat(10_000);
    const gov = `apiVersion: crownguard/v1\nkind: Governance\ntiers:\n  - id: ${long}a\nassets:\n  - id: a\n    tier: ${long}b\n`;
    assert.equal(
      e.governance({ path: 'governance.yaml', text: gov }).findings.filter((f) => f.ruleId === 'CG003').length,
      1,
    );
    assert.deepEqual(e.analyze([{ path: 'x.prompt', text: '{{ '.repeat(30_000) }]).findings, []);
    assert.deepEqual(e.analyze([{ path: 'x.py', text: `print(${'A'.repeat(40_000)})\n` }]).findings, []);
    assert.deepEqual(e.analyze([{ path: 'x.yaml', text: `url: a://${':'.repeat(200_000)}\n` }]).findings, []);
  });

  it('fix-all over thousands of findings in one file', () => {
    const text = 'print(password)\n'.repeat(10_000);
    const edits = combineFixes(e.analyze([{ path: 'app.py', text }]).findings);
    assert.equal(edits.length, 10_000);
  });
});

describe('sensitive values never reach a message', () => {
  it('manifest errors that quote what was written mask what the detectors recognise', () => {
    const ssn = '219-45-6781';
    const token = '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';
    const text = `apiVersion: crownguard/v1\nkind: Governance\nassets:\n  - id: a\n    tier: ${ssn}\n    allowedUses: [${token}]\n${token}: 1\n`;
    const r = e.governance({ path: 'governance.yaml', text });
    assert.ok(r.findings.length >= 3);
    for (const f of r.findings)
      assert.ok(
        !f.message.includes(ssn) && !f.message.includes(token) && f.fixes.every((x) => !x.title.includes(token)),
        f.message,
      );
  });

  it('an outline of a manifest masks an id that is a secret', () => {
    const token = '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';
    const [stages] = outline(`stages:\n  - id: ${token}\n`);
    // An id is masked as a name: its kind and a keyed digest, so the outline still tells ids apart.
    assert.match(stages.children[0].name, /^<github_token:[0-9a-f]{8}>$/);
  });

  it('a literal assigned to a sensitive name is named, never shown', () => {
    const secret = 'hunter2-very-secret-value';
    const r = e.analyze([{ path: 'app.py', text: `password = "${secret}"\nprint(password)\nprint(f"{password}")\n` }]);
    assert.ok(r.findings.length >= 2);
    for (const f of r.findings) {
      assert.ok(!f.message.includes(secret), f.message);
      for (const fix of f.fixes) assert.ok(!fix.title.includes(secret), fix.title);
    }
  });
});

describe('team policies', () => {
  it('a policy whose JSON Schema does not compile is a finding at its node, not silently ignored', async () => {
    const text =
      'apiVersion: crownguard/v1\nkind: Governance\npolicies:\n  - id: broken\n    when: { type: stage }\n    require: { required: [stage] }\n';
    const r = e.governance({ path: 'governance.yaml', text });
    const f = r.findings.find((x) => x.message.includes('policies[0].when'));
    assert.ok(f, JSON.stringify(r.findings.map((x) => x.message)));
    assert.equal(text.slice(f.span.offset, f.span.offset + f.span.length), '{ type: stage }');
  });
});

describe('editing help on hostile manifests', () => {
  it('deep nesting, alias bombs and long documents are answered quickly, without a crash', () => {
    const deep = `stages: ${'['.repeat(20000)}${']'.repeat(20000)}\n`;
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      ...Array.from(
        { length: 11 },
        (_, i) => `l${i + 1}: &l${i + 1} [*${i ? `l${i}` : 'a'}, *${i ? `l${i}` : 'a'}, *${i ? `l${i}` : 'a'}]`,
      ),
    ].join('\n');
    const long =
      'apiVersion: crownguard/v1\nkind: Pipeline\nstages:\n' +
      '  - id: s\n    type: ingest\n    config: configs/x.yaml\n'.repeat(5000);
    const index: ManifestIndex = {
      declarations: [],
      references: [],
      carried: new Map(),
      governance: DEFAULT_GOVERNANCE,
    };
    const started = Date.now();
    for (const text of [deep, bomb, long]) {
      for (const offset of [0, Math.floor(text.length / 2), text.length]) {
        completeAt(text, offset, 'pipeline', index);
        describeKeyAt(text, offset, 'pipeline');
      }
      linkCandidates(text, 'pipeline');
    }
    assert.ok(Date.now() - started < 10000, `took ${Date.now() - started} ms`);
  });

  it('a hover never shows a secret written as a key', () => {
    const text = 'stages:\n  - id: s\n    AKIAIOSFODNN7EXAMPLE: x\n';
    assert.equal(describeKeyAt(text, text.indexOf('AKIA') + 2, 'pipeline'), undefined);
  });
});

describe('large manifests are checked in near-linear time', () => {
  const cpuSeconds = (run: () => void) => {
    const start = process.cpuUsage();
    run();
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1e6;
  };

  it('20,000 unknown keys: each reported at its key', () => {
    const text = LARGE_MANIFESTS.unknownKeys();
    let findings: { ruleId: string; message: string; span: { offset: number } }[] = [];
    const s = cpuSeconds(() => (findings = e.analyze([{ path: 'big.pipeline.yaml', text }]).findings));
    const unknown = findings.filter((f) => f.ruleId === 'CG002' && f.message.startsWith('Unknown key'));
    assert.equal(unknown.length, 20_000);
    assert.equal(text.slice(unknown[19_999].span.offset, unknown[19_999].span.offset + 6), 'k19999');
    assert.ok(s < 5, `took ${s.toFixed(1)} s of CPU`);
  });

  it('5,000 stages with unknown inputs', () => {
    const text = LARGE_MANIFESTS.stages();
    let findings: { ruleId: string }[] = [];
    const s = cpuSeconds(() => (findings = e.analyze([{ path: 'big.pipeline.yaml', text }]).findings));
    assert.equal(findings.filter((f) => f.ruleId === 'CG003').length, 5_000);
    assert.ok(s < 15, `took ${s.toFixed(1)} s of CPU`);
  });

  it('a 1.6 MB manifest', () => {
    const text = LARGE_MANIFESTS.large();
    assert.ok(text.length > 1.5e6);
    let findings: { ruleId: string }[] = [];
    const s = cpuSeconds(() => (findings = e.analyze([{ path: 'big.pipeline.yaml', text }]).findings));
    assert.equal(findings.filter((f) => f.ruleId === 'CG002').length, 13_500);
    assert.ok(s < 40, `took ${s.toFixed(1)} s of CPU`);
  });
});
