import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Engine, type Finding } from '../../server/src/core';
import { Budget } from '../../server/src/core/budget';
import { FlowWalker, MAX_FLOWS } from '../../server/src/core/languages/flow';
import { Parsers } from '../../server/src/core/languages/parsers';
import { python } from '../../server/src/core/languages/python';
import { shortfallOf } from '../../server/src/core/rules/not-fully-analysed';
import { Catalog } from '../../server/src/core/sensitivity/catalog';
import { loadWasm } from '../../server/src/host/wasm';
import { engine } from '../support/engine';
import { checksummedToken, Synthetic } from '../quality/synthetic';

// Made at run time, with the checksum a real GitHub token carries, so this file holds no token.
const TOKEN = checksummedToken(new Synthetic(), 'ghp_');

let e: Engine;
before(async () => {
  e = await engine();
});

const rules = (fs: Finding[]) => fs.map((f) => `${f.ruleId} ${f.severity}`).sort();

describe('deep nesting does not hide a file', () => {
  it('a 2,000-level parenthesised Python expression is analysed in full: the token and the logged SSN are found', () => {
    const text = `TOKEN = "${TOKEN}"\nlogging.info("ssn %s", user.ssn)\nx = ${'('.repeat(2000)}user.ssn${')'.repeat(2000)}\nprint(x)\n`;
    const r = e.analyze([{ path: 'deep.py', text }]);
    assert.deepEqual(r.notes, []);
    assert.deepEqual(rules(r.findings), ['CG101 warning', 'CG101 warning', 'CG201 error']);
    assert.ok(r.findings.every((f) => !f.message.includes(TOKEN)));
  });

  it('a 3,000-level TypeScript expression is analysed in full', () => {
    const text = `const TOKEN = "${TOKEN}";\nconsole.log(user.ssn);\nconst x = ${'('.repeat(3000)}1${')'.repeat(3000)};\n`;
    const r = e.analyze([{ path: 'deep.ts', text }]);
    assert.deepEqual(r.notes, []);
    assert.deepEqual(rules(r.findings), ['CG101 warning', 'CG201 error']);
  });

  it('10,000 nested scopes are walked without recursion', () => {
    const text = `f = ${'lambda: '.repeat(10_000)}print(user.ssn)\n`;
    const r = e.analyze([{ path: 'nested.py', text }]);
    assert.deepEqual(r.notes, []);
    assert.deepEqual(rules(r.findings), ['CG101 warning']);
  });

  it('a long line of values reaching one sink keeps the token, reports the first flows and says it stopped (CG005)', () => {
    const text = `TOKEN = "${TOKEN}"\nprint(${'user.ssn + '.repeat(MAX_FLOWS + 500)}1)\n`;
    const r = e.analyze([{ path: 'long.py', text }]);
    assert.equal(r.findings.filter((f) => f.ruleId === 'CG101').length, MAX_FLOWS);
    assert.equal(r.findings.filter((f) => f.ruleId === 'CG201').length, 1);
    const cg005 = r.findings.filter((f) => f.ruleId === 'CG005');
    assert.equal(cg005.length, 1);
    assert.equal(cg005[0].severity, 'warning');
    assert.match(cg005[0].message, /^Only partly analysed, because values reach sinks in more than 10000 places/);
  });
});

describe('a file not fully analysed is a CG005 finding, and keeps its literal secrets', () => {
  it('a parse that runs out of time keeps the file’s secrets and names the cause', async () => {
    const tight = await Engine.create(loadWasm, { fileBudgetMs: 1 });
    const body = Array.from({ length: 20_000 }, (_, i) => `def f${i}(user):\n    return user.name + str(${i})\n`).join(
      '',
    );
    const text = `TOKEN = "${TOKEN}"\nprint(password)\n${body}`;
    const r = tight.analyze([{ path: 'slow.py', text }]);
    assert.deepEqual(r.notes, []);
    assert.deepEqual(rules(r.findings), ['CG005 warning', 'CG201 error']);
    assert.match(
      r.findings.find((f) => f.ruleId === 'CG005')!.message,
      /^Only partly analysed, because its parsing took longer than the 1 ms budget/,
    );
  });

  it('a walk that runs out of time stops, keeping the flows found so far', async () => {
    const parsers = await Parsers.create(loadWasm, ['python']);
    const tree = parsers.parse('python', `print(password)\n${'x = 1\n'.repeat(5000)}print(password)\n`, 10_000)!;
    try {
      const governance = e.governance(undefined).governance;
      const catalog = new Catalog(governance);
      const full = new FlowWalker(python.dialect, catalog, undefined);
      full.walkModule(tree.rootNode, catalog.prefilter);
      assert.equal(full.flows.length, 2);
      assert.equal(full.stoppedBy, undefined);
      const spent = new Budget(0);
      while (!spent.expired()) {
        // Wait out the current millisecond: a budget of 0 ms is spent once the clock moves on.
      }
      const cut = new FlowWalker(python.dialect, catalog, undefined, spent);
      cut.walkModule(tree.rootNode, catalog.prefilter);
      assert.equal(cut.stoppedBy, 'time');
      assert.ok(cut.flows.length < 2);
    } finally {
      tree.delete();
    }
  });

  it('oversized and binary texts are CG005 warnings; an empty one is a note', () => {
    const r = e.analyze([
      { path: 'empty.py', text: '' },
      { path: 'binary.py', text: 'print(password)\u0000\u0001' },
      { path: 'huge.py', text: 'x = 1\n'.repeat(400_000) },
    ]);
    assert.deepEqual(
      r.notes.map((n) => `${n.path}: ${n.message}`),
      ['empty.py: skipped: empty file'],
    );
    assert.deepEqual(
      r.findings.map((f) => `${f.path}: ${f.ruleId} ${f.severity} ${f.message}`),
      [
        'binary.py: CG005 warning Not analysed, because it is a binary file',
        'huge.py: CG005 warning Not analysed, because it is larger than 2 MiB',
      ],
    );
  });

  it('a stack overflow is reported as nesting too deep; other errors by their class only, never their message', () => {
    assert.deepEqual(shortfallOf(new RangeError('Maximum call stack size exceeded')), { cause: 'depth' });
    assert.deepEqual(shortfallOf(new TypeError(`cannot read ${TOKEN}`)), { cause: 'error', detail: 'TypeError' });
  });
});

it('each governance in use keeps its catalog: two folders do not rebuild each other’s', () => {
  const a = e.governance({
    path: 'a/governance.yaml',
    text: 'apiVersion: crownguard/v1\nkind: Governance\nassets:\n  - id: crm\n    tier: restricted\n    kind: table\n    fields: [loyalty_id]\n',
  }).governance;
  const b = e.governance({
    path: 'b/governance.yaml',
    text: 'apiVersion: crownguard/v1\nkind: Governance\nassets:\n  - id: hr\n    tier: restricted\n    kind: table\n    fields: [salary_band]\n',
  }).governance;
  const catalog = (g: typeof a) => (e as unknown as { catalog(g: typeof a): Catalog }).catalog(g);
  const first = catalog(a);
  catalog(b);
  assert.equal(catalog(a), first);
});
