import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { CLI } from '../support/paths';

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'crownguard-ci-'));
  made.push(dir);
  write(dir, files);
  return dir;
}

function write(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
}

function git(dir: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t.invalid', '-c', 'init.defaultBranch=main', ...args], {
    cwd: dir,
    stdio: 'ignore',
  });
}

const GOV = `apiVersion: crownguard/v1
kind: Governance
assets:
  - id: crm
    tier: restricted
    fields: [loyalty_id]
`;

const ruleLines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .slice(0, -1)
    .map((l) => l.split(': ')[0] + ' ' + l.split(' ')[2]);

describe('ignore files and skipped kinds', () => {
  it('honours .gitignore and .crownguardignore, nested ones too, and counts what they pass over', () => {
    const dir = workspace({
      '.gitignore': 'generated/\n*.tmp.py\n',
      '.crownguardignore': 'fixtures/\n',
      'app.py': 'print(password)\n',
      'generated/out.py': 'print(password)\n',
      'x.tmp.py': 'print(password)\n',
      'fixtures/sample.py': 'print(password)\n',
      'pkg/.gitignore': 'local.py\n',
      'pkg/local.py': 'print(password)\n',
      'pkg/kept.py': 'print(password)\n',
    });
    const r = run(['check', '.'], dir);
    assert.deepEqual(ruleLines(r.stdout), ['app.py:1:7 CG101', 'pkg/kept.py:1:7 CG101']);
    assert.match(r.stdout, /passed over 4 ignored entries/);
  });
});

describe('symlinks', () => {
  it('follows no symlink loop, and counts the folder reached twice', () => {
    const dir = workspace({ 'a/app.py': 'print(password)\n' });
    symlinkSync('..', path.join(dir, 'a', 'loop'));
    const r = run(['check', '.'], dir);
    assert.equal(r.code, 1);
    assert.deepEqual(ruleLines(r.stdout), ['a/app.py:1:7 CG101']);
    assert.match(r.stdout, /1 folder reached twice through a link/);
  });
});

describe('baselines', () => {
  it('accepts the recorded findings even after the code moves, and fails only on new ones', () => {
    const dir = workspace({ 'governance.yaml': GOV, 'app.py': 'import logging\nlogging.info(loyalty_id)\n' });
    const w = run(['check', '.', '--write-baseline', 'baseline.json'], dir);
    assert.equal(w.code, 0, w.stderr);
    assert.match(w.stderr, /wrote 1 finding to the baseline baseline\.json/);
    const baseline = readFileSync(path.join(dir, 'baseline.json'), 'utf8');
    assert.equal(JSON.parse(baseline).findings.length, 1);

    // Unrelated lines above move the finding down: it is still the accepted one.
    write(dir, { 'app.py': 'import logging\n\n\ndef unrelated():\n    return 1\n\nlogging.info(loyalty_id)\n' });
    const moved = run(['check', '.', '--baseline', 'baseline.json'], dir);
    assert.equal(moved.code, 0, moved.stdout);
    assert.match(moved.stdout, /^0 findings .*; 1 in the baseline; /m);

    // A new leak is reported, and only it.
    write(dir, {
      'app.py': 'import logging\n\n\ndef unrelated():\n    return 1\n\nlogging.info(loyalty_id)\nprint(loyalty_id)\n',
    });
    const fresh = run(['check', '.', '--baseline', 'baseline.json'], dir);
    assert.equal(fresh.code, 1);
    assert.deepEqual(ruleLines(fresh.stdout), ['app.py:8:7 CG101']);
  });

  it('a baseline that is not one is a usage error', () => {
    const dir = workspace({ 'app.py': 'x = 1\n', 'b.json': '{"nope": true}' });
    const r = run(['check', '.', '--baseline', 'b.json'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /b\.json is not a CrownGuard baseline/);
  });
});

describe('--changed-since', () => {
  it('checks only changed and new files, still under the governance manifest', () => {
    const dir = workspace({ 'governance.yaml': GOV, 'old.py': 'print(loyalty_id)\n', 'touched.py': 'x = 1\n' });
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'start');
    write(dir, { 'touched.py': 'x = 1\nprint(loyalty_id)\n', 'new.py': 'print(loyalty_id)\n' });
    const r = run(['check', '.', '--changed-since', 'HEAD'], dir);
    assert.equal(r.code, 1);
    assert.deepEqual(ruleLines(r.stdout), ['new.py:1:7 CG101', 'touched.py:2:7 CG101']);
    // The manifest was read: the findings carry the asset's tier, not the built-in guess.
    assert.match(r.stdout, /Crown-jewel field 'loyalty_id' of asset 'crm'/);
  });

  it("an unknown ref is a usage error with git's reason", () => {
    const dir = workspace({ 'a.py': 'x = 1\n' });
    git(dir, 'init', '-q');
    const r = run(['check', '.', '--changed-since', 'no-such-ref'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^crownguard: --changed-since no-such-ref: /);
  });
});

describe('crownguard waivers', () => {
  const files = {
    'a.py': '# crownguard: waive CG101 reason="reviewed" expires=2020-01-01\nprint(password)\n',
    'b.ts':
      '// crownguard: waive CG101 policy=p reason="local tool" expires=2099-01-01 approver=jane\nconsole.log(password);\n',
  };

  it('lists every waiver and fails when one has expired', () => {
    const dir = workspace(files);
    const r = run(['waivers', '.'], dir);
    assert.equal(r.code, 1);
    assert.deepEqual(r.stdout.trim().split('\n'), [
      'a.py:1: expired CG101 policy=- expires=2020-01-01 approver=- reason="reviewed"',
      'b.ts:1: valid CG101 policy=p expires=2099-01-01 approver=jane reason="local tool"',
      '2 waivers, 1 expired',
    ]);
    const json = JSON.parse(run(['waivers', '.', '--format', 'json'], dir).stdout);
    assert.deepEqual(
      json.waivers.map((w: { status: string }) => w.status),
      ['expired', 'valid'],
    );
  });

  it('lists as invalid a waiver that check rejects for what it covers', () => {
    const governance =
      'apiVersion: crownguard/v1\nkind: Governance\nassets:\n  - id: c\n    tier: restricted\n    fields: [ssn]\nwaivers:\n  requireApproverForCrownJewel: true\n';
    const dir = workspace({
      'governance.yaml': governance,
      'a.py': '# crownguard: waive CG101 reason="reviewed" expires=2099-01-01\nprint(c.ssn)\n',
    });
    const check = JSON.parse(run(['check', '.', '--format', 'json'], dir).stdout);
    assert.ok(
      check.findings.some(
        (f: { ruleId: string; message: string }) => f.ruleId === 'CG301' && f.message.includes('without an approver'),
      ),
    );
    const listed = JSON.parse(run(['waivers', '.', '--format', 'json'], dir).stdout);
    assert.deepEqual(
      listed.waivers.map((w: { status: string }) => w.status),
      ['invalid'],
    );
  });

  it('passes when none has expired', () => {
    const dir = workspace({ 'b.ts': files['b.ts'] });
    assert.equal(run(['waivers', '.'], dir).code, 0);
  });
});

describe('parallel scans', () => {
  it('--jobs 3 finds exactly what one thread finds, in the same order', () => {
    const files: Record<string, string> = { 'governance.yaml': GOV };
    for (let i = 0; i < 300; i++)
      files[`pkg${i % 7}/m${i}.py`] =
        i % 10 === 0 ? `def f(c):\n    print(c.loyalty_id)\n` : `def f(c):\n    return c.id + ${i}\n`;
    files['pkg0/bad.py'] = 'x\u0000y';
    const dir = workspace(files);
    const one = run(['check', '.', '--jobs', '1', '--format', 'json'], dir);
    const three = run(['check', '.', '--jobs', '3', '--format', 'json'], dir);
    assert.equal(one.code, 1);
    const a = JSON.parse(one.stdout);
    const b = JSON.parse(three.stdout);
    // 30 flows, and the binary file's CG005.
    assert.equal(a.findings.length, 31);
    assert.deepEqual(
      a.findings.filter((f: { ruleId: string }) => f.ruleId === 'CG005').map((f: { path: string }) => f.path),
      ['pkg0/bad.py'],
    );
    assert.deepEqual(b.findings, a.findings);
    assert.deepEqual(b.notes, a.notes);
    assert.equal(b.summary.filesChecked, a.summary.filesChecked);
  });

  it('--jobs must be a whole number', () => {
    assert.equal(run(['check', '.', '--jobs', 'many'], tmpdir()).code, 2);
  });
});

describe('model release artifacts', () => {
  it("checks a release's sha256 against its artifact file, and notes one it cannot verify", () => {
    const weights = 'weights v1\n';
    const digest = createHash('sha256').update(weights).digest('hex');
    const release = (name: string, artifact: string, sha: string) =>
      `apiVersion: crownguard/v1\nkind: ModelRelease\nname: ${name}\nversion: "1"\nartifact:\n  path: ${artifact}\n  sha256: ${sha}\n`;
    const dir = workspace({
      'out/model.bin': weights,
      'good.model.yaml': release('good', 'out/model.bin', digest),
      'stale.model.yaml': release('stale', 'out/model.bin', 'a'.repeat(64)),
      'remote.model.yaml': release('remote', 'store/remote.bin', digest),
    });
    const r = run(['check', '.', '--format', 'json'], dir);
    const digests = JSON.parse(r.stdout).findings.filter((f: { ruleId: string }) => f.ruleId === 'CG402');
    assert.deepEqual(
      digests.map((f: { path: string; startLine: number; severity: string }) => [f.path, f.startLine, f.severity]),
      [
        ['remote.model.yaml', 6, 'note'],
        ['stale.model.yaml', 7, 'error'],
      ],
    );
    assert.match(digests[1].message, /does not match this sha256/);
  });
});

describe('SARIF fingerprints', () => {
  it('stay the same when unrelated lines move, and differ between findings', () => {
    const dir = workspace({ 'app.py': 'print(password)\nprint(api_key)\n' });
    const before = JSON.parse(run(['check', '.', '--format', 'sarif'], dir).stdout).runs[0].results;
    write(dir, { 'app.py': '"""Docs."""\n\nimport os\n\nprint(password)\nprint(api_key)\n' });
    const after = JSON.parse(run(['check', '.', '--format', 'sarif'], dir).stdout).runs[0].results;
    const fp = (rs: { partialFingerprints: Record<string, string> }[]) =>
      rs.map((r) => r.partialFingerprints['crownguard/v1']);
    assert.deepEqual(fp(after), fp(before));
    assert.notEqual(fp(before)[0], fp(before)[1]);
    assert.equal(after[0].locations[0].physicalLocation.region.startLine, 5);
  });
});
