import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { CLI, EXAMPLES, REPO } from '../support/paths';
import { copyOfExamples } from '../support/workspace';

function run(args: string[], cwd = REPO) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const version = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

describe('crownguard: help, version and flag spelling', () => {
  it("shows each command's own help with --help and -h, exit 0", () => {
    for (const [command, flag] of [
      ['check', '--fail-on'],
      ['lineage', '--upstream'],
      ['waivers', '--format'],
    ]) {
      for (const h of ['--help', '-h']) {
        const r = run([command, h]);
        assert.equal(r.code, 0, `${command} ${h}: ${r.stderr}`);
        assert.match(r.stdout, new RegExp(`^Usage: crownguard ${command} `), `${command} ${h}`);
        assert.ok(r.stdout.includes(flag), `${command} ${h} lists ${flag}`);
        assert.equal(r.stderr, '');
      }
    }
    assert.doesNotMatch(run(['check', '--help']).stdout, /--upstream/, "check help is check's alone");
    assert.match(run(['help', 'lineage']).stdout, /^Usage: crownguard lineage /);
  });

  it('shows the general help with -h and --help, and the version with --version and -V', () => {
    for (const h of ['-h', '--help', 'help']) {
      const r = run([h]);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /^Usage: crownguard <command>/);
      assert.match(r.stdout, /check \[paths\.\.\.\]/);
    }
    for (const v of ['--version', '-V']) assert.deepEqual(run([v]), { code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it("suggests the flag meant, in its own words, never Node's", () => {
    const r = run(['check', '--formt', 'json', 'examples']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      "crownguard: unknown option '--formt' for 'check' (did you mean '--format'?)\nRun 'crownguard check --help' for usage.\n",
    );
    assert.match(
      run(['lineage', '--upstrem']).stderr,
      /^crownguard: unknown option '--upstrem' for 'lineage' \(did you mean '--upstream'\?\)\n/,
    );
    assert.match(run(['chek', 'examples']).stderr, /^crownguard: unknown command 'chek' \(did you mean 'check'\?\)\n/);
    for (const args of [
      ['check', '--format'],
      ['check', '--fix=yes'],
      ['lineage', '-x'],
      ['check', '--bogus'],
    ]) {
      const e = run(args);
      assert.equal(e.code, 2, args.join(' '));
      assert.match(e.stderr, /^crownguard: /);
      assert.doesNotMatch(e.stderr, /Unknown option|ERR_PARSE_ARGS|positional argument/, args.join(' '));
    }
  });
});

describe('crownguard: a --governance path that names no file', () => {
  it('is a usage error for check and lineage, naming the path', () => {
    const c = run(['check', '--governance', 'nope.yaml', 'examples']);
    assert.equal(c.code, 2);
    assert.equal(c.stdout, '');
    assert.match(c.stderr, /^crownguard: no such governance manifest: nope\.yaml\n/);
    const l = run(['lineage', '--root', 'examples', '--governance', 'nope.yaml']);
    assert.equal(l.code, 2);
    assert.equal(l.stdout, '');
    assert.match(l.stderr, /^crownguard: no such governance manifest: nope\.yaml\n/);
  });

  it('is found relative to the current folder or to the checked folder', () => {
    const fromCwd = run(['check', '--governance', 'examples/governance.yaml', 'examples']);
    assert.equal(fromCwd.code, 1, fromCwd.stderr);
    assert.match(fromCwd.stdout, /error CG101 Crown-jewel field 'ssn'/);
    const fromRoot = run(['lineage', '--root', 'examples', '--governance', 'governance.yaml', '--format', 'json']);
    assert.equal(fromRoot.code, 0, fromRoot.stderr);
  });
});

describe('crownguard: output as a user reads it', () => {
  it('text output is plain text: names are quoted, not marked up as Markdown code', () => {
    const r = run(['check', 'examples']);
    assert.match(
      r.stdout,
      /^examples\/src\/prepare_data\.py:13:17: error CG101 Crown-jewel field 'ssn' of asset 'customer-profiles'/m,
    );
    assert.doesNotMatch(r.stdout, /`/);
  });

  it('counts empty files in the summary and lists them only with --verbose', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'crownguard-usage-'));
    try {
      for (let i = 0; i < 5; i++) writeFileSync(path.join(dir, `__init__${i}.py`), '');
      writeFileSync(path.join(dir, 'app.py'), 'print(password)\n');
      const quiet = run(['check', '.', '--fail-on', 'none'], dir);
      assert.equal(quiet.code, 0, quiet.stderr);
      assert.equal(quiet.stderr, '');
      assert.match(quiet.stdout, /passed over 5 empty files/);
      const verbose = run(['check', '.', '--fail-on', 'none', '--verbose'], dir);
      assert.equal(verbose.stderr.trim().split('\n').length, 5);
      assert.match(verbose.stderr, /^__init__0\.py: note: skipped: empty file$/m);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('lineage text output heads its nodes as it heads its edges', () => {
    const r = run(['lineage', '--root', EXAMPLES]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(lines[0], /^\d+ nodes \(id, kind, tier, declared at\):$/);
    assert.match(lines[1], /^ {2}\S/);
    assert.ok(lines.some((l) => /^\d+ edges:$/.test(l)));
  });

  it("the summary's time counts from the start of the process", () => {
    // A module preloaded before the CLI sleeps 4 s, standing in for a slow start (npx, a cold
    // disk): the command took that long, so its summary must say so.
    const dir = mkdtempSync(path.join(tmpdir(), 'crownguard-usage-'));
    try {
      const slow = path.join(dir, 'slow-start.js');
      writeFileSync(slow, 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 4000);\n');
      const started = Date.now();
      const r = spawnSync(process.execPath, ['--require', slow, CLI, 'check', 'examples'], {
        cwd: REPO,
        encoding: 'utf8',
      });
      const wall = (Date.now() - started) / 1000;
      const reported = Number(/; ([\d.]+) s$/.exec(r.stdout.trim())?.[1]);
      assert.ok(reported >= 4 && reported <= wall, `${reported} s reported, ${wall} s measured`);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('stops quietly when the reader closes the pipe early (| head)', async () => {
    for (const args of [
      ['lineage', '--root', EXAMPLES],
      ['check', EXAMPLES, '--fail-on', 'none'],
    ]) {
      const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      // A reader that is gone before the output comes, as `| true` or a `head` that has its lines.
      child.stdout.destroy();
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.doesNotMatch(stderr, /EPIPE|at .*\.js:\d+/, `${args[0]}: ${stderr}`);
      assert.ok(code === 0 || code === 1, `${args[0]} exited ${code}`);
    }
  });
});

describe('crownguard check: a governance manifest that is not YAML', () => {
  it('reports its one syntax error at the unclosed bracket and exits 2, without a cascade in other files', () => {
    const ws = copyOfExamples();
    try {
      const gov = path.join(ws.dir, 'governance.yaml');
      const broken = readFileSync(gov, 'utf8').replace(
        'records: [Customer, CustomerProfile]',
        'records: [Customer, CustomerProfile',
      );
      writeFileSync(gov, broken);
      const line = broken.split('\n').findIndex((l) => l.includes('records: [')) + 1;
      const column = broken.split('\n')[line - 1].indexOf('[') + 1;
      const r = run(['check', '.'], ws.dir);
      assert.equal(r.code, 2);
      const lines = r.stdout.trim().split('\n');
      assert.deepEqual(lines.slice(0, -1), [
        `governance.yaml:${line}:${column}: error CG001 YAML: this '[' is never closed with ']'`,
      ]);
      assert.equal(
        r.stderr,
        `crownguard: configuration error: governance.yaml:${line}: YAML: this '[' is never closed with ']' (not YAML, so the files it governs were not checked)\n`,
      );
    } finally {
      ws.remove();
    }
  });
});
