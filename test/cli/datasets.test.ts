import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI, FIXTURES } from '../support/paths';

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('crownguard check: training data files', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'crownguard-data-cli-'));
    for (const d of ['data', 'out', 'output']) mkdirSync(path.join(dir, d));
    copyFileSync(path.join(FIXTURES, 'datasets', 'data', 'customers.jsonl'), path.join(dir, 'data', 'customers.jsonl'));
    copyFileSync(path.join(FIXTURES, 'datasets', 'data', 'tickets.csv'), path.join(dir, 'output', 'tickets.csv'));
    writeFileSync(path.join(dir, 'out', 'train.jsonl'), '{"prompt": "hi", "contact": "lu.ng@fernmail.org"}\n');
    // Build output is still not code to check: out/ is read for data files only.
    writeFileSync(path.join(dir, 'out', 'bundle.js'), 'console.log("key AKIAQ3EGUBHP7XKZ4N2W")\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reports each sensitive field once, with counts, in data/, output/ and out/', () => {
    const r = run(['check', '.', '--format', 'json'], dir);
    assert.equal(r.code, 1, r.stderr);
    const findings = (JSON.parse(r.stdout).findings as { ruleId: string; path: string; message: string }[]).map(
      (f) => `${f.path} ${f.ruleId} ${f.message}`,
    );
    assert.deepEqual(
      findings.sort(),
      [
        'data/customers.jsonl CG203 Training data field `email`: email addresses in 3 of 4 records',
        'data/customers.jsonl CG203 Training data field `messages[].content`: AWS access key IDs in 1 of 4 records',
        'data/customers.jsonl CG203 Training data field `note`: payment card numbers in 1 of 4 records',
        'data/customers.jsonl CG203 Training data field `profile.ssn`: US social security numbers in 2 of 4 records',
        'out/train.jsonl CG203 Training data field `contact`: email addresses in 1 of 1 records',
        'output/tickets.csv CG203 Training data field `customer_email`: email addresses in 2 of 3 records',
      ].sort(),
    );
  });

  it('carries no value into text or SARIF output', () => {
    for (const format of ['text', 'sarif']) {
      const r = run(['check', '.', '--format', format], dir);
      for (const v of ['ada.quill', '512-44-8712', '8712', '6467', 'AKIAQ3EGUBHP7XKZ4N2W', 'fernmail'])
        assert.ok(!r.stdout.includes(v) && !r.stderr.includes(v), `${format} output shows ${v}`);
    }
  });

  it('points at the field first occurrence: its key, its header cell', () => {
    const r = run(['check', '.'], dir);
    assert.match(r.stdout, /^data\/customers\.jsonl:1:32: warning CG203 /m);
    assert.match(r.stdout, /^output\/tickets\.csv:1:8: warning CG203 /m);
  });
});
