import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { rememberingLstat, rememberingResolver, resolveWithin } from '../../server/src/host/confine';
import { MAX_FILE_BYTES, readText } from '../../server/src/host/read';
import { CLI, EXAMPLES } from '../support/paths';
import { hashTree } from '../support/workspace';

// Attacks on the CLI from the workspace it checks: nothing in it may run, and nothing outside
// it may be read, hashed or written.

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A bounded run: a blocked CLI fails the test instead of hanging it. */
function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
}

function folder(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'crownguard-sec-'));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

function git(dir: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t.invalid', '-c', 'init.defaultBranch=main', ...args], {
    cwd: dir,
    stdio: 'ignore',
  });
}

const findingLines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .slice(0, -1)
    .map((l) => l.split(': ')[0] + ' ' + l.split(' ')[2]);

describe('--changed-since runs nothing the repository configures', () => {
  it('runs no clean or process filter, diff driver or textconv, and still finds the changed files', () => {
    const dir = folder({ 'a.py': 'x = 1\n', 'b.py': 'y = 2\n', 'c.md': 'notes\n', 'same.py': 'z = 3\n' });
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'start');
    // Planted after the commit, as a checked-out repository would carry them.
    const marker = (name: string) => path.join(dir, name);
    const config: [string, string][] = [
      ['filter.x.clean', `touch ${marker('PWNED-clean')}; cat`],
      ['filter.x.smudge', `touch ${marker('PWNED-smudge')}; cat`],
      ['filter.p.process', `touch ${marker('PWNED-process')}`],
      ['diff.d.textconv', `touch ${marker('PWNED-textconv')}; cat`],
      ['diff.d.command', `touch ${marker('PWNED-diff')}`],
      ['core.fsmonitor', `touch ${marker('PWNED-fsmonitor')}`],
      ['core.pager', `touch ${marker('PWNED-pager')}`],
    ];
    for (const [key, value] of config) git(dir, 'config', key, value);
    writeFileSync(path.join(dir, '.gitattributes'), '*.py filter=x diff=d\n*.md filter=p diff=d\n');
    writeFileSync(path.join(dir, 'a.py'), 'x = 1\nprint(password)\n');
    writeFileSync(path.join(dir, 'c.md'), 'more notes\n');
    writeFileSync(path.join(dir, 'new.py'), 'print(password)\n');
    // The same bytes written again: only the file's time changes, which makes git re-read it.
    writeFileSync(path.join(dir, 'same.py'), 'z = 3\n');
    const r = run(['check', '.', '--changed-since', 'HEAD'], dir);
    assert.deepEqual(
      readdirSync(dir).filter((n) => n.startsWith('PWNED')),
      [],
    );
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(findingLines(r.stdout), ['a.py:2:7 CG101', 'new.py:1:7 CG101']);
  });

  it('counts a file changed in a commit, the index or the work tree as changed, and an unchanged one (line ends aside) not', () => {
    const dir = folder({
      'staged.py': 'x = 1\n',
      'committed.py': 'x = 1\n',
      'kept.py': 'print(password)\n',
      'crlf.py': 'print(password)\n',
      'same-size.py': 'print(xxxxxxxx)\n',
    });
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'start');
    writeFileSync(path.join(dir, 'committed.py'), 'print(password)\n');
    git(dir, 'commit', '-qam', 'leak');
    writeFileSync(path.join(dir, 'staged.py'), 'print(password)\n');
    git(dir, 'add', 'staged.py');
    // Same size as committed, written after the index: only its bytes tell it changed.
    writeFileSync(path.join(dir, 'same-size.py'), 'print(password)\n');
    // The committed text with the line ends a Windows checkout gives it: not a change.
    writeFileSync(path.join(dir, 'crlf.py'), 'print(password)\r\n');
    const r = run(['check', '.', '--changed-since', 'HEAD~1'], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(findingLines(r.stdout), [
      'committed.py:1:7 CG101',
      'same-size.py:1:7 CG101',
      'staged.py:1:7 CG101',
    ]);
  });
});

describe('--changed-since takes only a commit', () => {
  it('an option given as the ref writes no file and is a usage error', () => {
    const dir = folder({ 'a.py': 'x = 1\n' });
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'start');
    const r = run(['check', '.', '--changed-since=--output=OWNED'], dir);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.equal(existsSync(path.join(dir, 'OWNED')), false);
    assert.match(r.stderr, /^crownguard: --changed-since --output=OWNED: not a commit/);
  });

  it('a tree, a blob or a range is a usage error too', () => {
    const dir = folder({ 'a.py': 'x = 1\n' });
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'start');
    for (const ref of ['HEAD^{tree}', 'HEAD:a.py', 'HEAD..HEAD', '-p']) {
      const r = run(['check', '.', `--changed-since=${ref}`], dir);
      assert.equal(r.code, 2, `${ref}: ${r.stdout}${r.stderr}`);
    }
  });
});

describe('links out of the checked folder', () => {
  it('a link to / is not walked, and is counted', () => {
    const dir = folder({ 'app.py': 'print(password)\n' });
    symlinkSync('/', path.join(dir, 'everything'));
    const r = run(['check', '.'], dir);
    assert.equal(r.signal, null);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(findingLines(r.stdout), ['app.py:1:7 CG101']);
    assert.match(r.stdout, /1 link leading outside the folder/);
  });

  it('an imported module reached through a folder linked outside is not read; one linked inside is', () => {
    const helper = 'def show(value):\n    print(value)\n';
    const app = 'from lib.helpers import show\n\ndef main(user):\n    show(user.password)\n';
    const outside = folder({ 'helpers.py': helper });
    const dir = folder({ 'app.py': app, 'inside/helpers.py': helper, 'other.py': 'from lib.helpers import show\n' });
    symlinkSync(outside, path.join(dir, 'lib'));
    const refused = run(['check', 'app.py', 'other.py', '--format', 'json'], dir);
    assert.equal(refused.code, 0, refused.stdout + refused.stderr);
    assert.deepEqual(JSON.parse(refused.stdout).findings, []);
    // The same import once the link leads inside: the helper is read and its print is the sink.
    rmSync(path.join(dir, 'lib'));
    symlinkSync(path.join(dir, 'inside'), path.join(dir, 'lib'));
    const followed = run(['check', 'app.py', 'other.py', '--format', 'json'], dir);
    assert.equal(followed.code, 1, followed.stdout + followed.stderr);
    const findings = JSON.parse(followed.stdout).findings as { path: string; ruleId: string; startLine: number }[];
    assert.deepEqual(
      findings.map((f) => `${f.path}:${f.startLine} ${f.ruleId}`),
      ['app.py:4 CG101'],
    );
  });

  it('looking up many imports, a remembered folder answers as resolving each path whole does', () => {
    const outside = folder({ 'secret.py': 'x = 1\n' });
    const dir = folder({ 'pkg/a.py': '', 'pkg/sub/b.py': '', 'pkg/Mixed.py': '', 'top.py': '' });
    symlinkSync(outside, path.join(dir, 'out'));
    symlinkSync(path.join(dir, 'pkg', 'sub'), path.join(dir, 'pkg', 'in'));
    symlinkSync('../top.py', path.join(dir, 'pkg', 'top-link.py'));
    symlinkSync(path.join(outside, 'secret.py'), path.join(dir, 'pkg', 'secret-link.py'));
    symlinkSync('loop', path.join(dir, 'pkg', 'loop'));
    const names = ['a.py', 'b.py', 'Mixed.py', 'mixed.py', 'top.py', 'top-link.py', 'secret-link.py', 'secret.py'];
    const folders = ['', 'pkg', 'pkg/sub', 'pkg/in', 'out', 'pkg/loop', 'pkg/a.py', 'missing', 'pkg/..', '..'];
    const real = realpathSync(dir);
    const lstat = rememberingLstat(1000);
    const resolve = rememberingResolver(lstat, 1000);
    let compared = 0;
    // Twice over: the second round reads the remembered folders.
    for (let round = 0; round < 2; round++)
      for (const f of folders)
        for (const n of [...names, '.', '..', '']) {
          const rel = f === '' ? n : `${f}/${n}`;
          assert.deepEqual(resolve(real, rel), resolveWithin(real, rel, lstat), rel);
          compared++;
        }
    assert.ok(compared > 200);
    assert.equal(resolve(real, 'out/secret.py').status, 'outside');
    assert.equal(resolve(real, 'pkg/secret-link.py').status, 'outside');
    assert.deepEqual(resolve(real, 'pkg/top-link.py'), { status: 'ok', real: path.join(real, 'top.py') });
  });

  it('a file named on the command line that links outside its folder is not read', () => {
    const outside = folder({ 'leak.py': 'print(password)\n' });
    const dir = folder({ 'app.py': 'x = 1\n' });
    symlinkSync(path.join(outside, 'leak.py'), path.join(dir, 'linked.py'));
    const r = run(['check', 'linked.py', 'app.py'], dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^0 findings .*1 link leading outside the folder/m);
  });

  it('--fix never rewrites a file outside the folder through a link', () => {
    const outside = folder();
    cpSync(EXAMPLES, outside, { recursive: true });
    const before = hashTree(outside);
    const dir = folder({ 'app.py': 'x = 1\n' });
    symlinkSync(outside, path.join(dir, 'shared'));
    const r = run(['check', '.', '--fix'], dir);
    assert.equal(hashTree(outside), before);
    assert.doesNotMatch(r.stderr, /fixed/);
  });

  it('--fix through a link inside the folder rewrites the file it leads to and keeps the link', () => {
    const dir = folder({ 'real/app.py': 'x = 1\n' });
    cpSync(path.join(EXAMPLES, 'governance.yaml'), path.join(dir, 'governance.yaml'));
    cpSync(path.join(EXAMPLES, 'src'), path.join(dir, 'real'), { recursive: true });
    symlinkSync(path.join(dir, 'real', 'train.py'), path.join(dir, 'train.py'));
    const r = run(['check', 'train.py', '--fix'], dir);
    assert.match(r.stderr, /fixed/);
    assert.ok(lstatSync(path.join(dir, 'train.py')).isSymbolicLink(), 'still a link');
    assert.match(readFileSync(path.join(dir, 'real', 'train.py'), 'utf8'), /redact\(customer_record/);
  });

  it('a release artifact linked outside is not hashed: the same note whether its sha256 matches or not', () => {
    const outside = folder({ 'secret.bin': 'outside weights\n' });
    const digest = createHash('sha256').update('outside weights\n').digest('hex');
    const release = (name: string, artifact: string, sha: string) =>
      `apiVersion: crownguard/v1\nkind: ModelRelease\nname: ${name}\nversion: "1"\nartifact:\n  path: ${artifact}\n  sha256: ${sha}\n`;
    const dir = folder({
      'right.model.yaml': release('right', 'out/linked.bin', digest),
      'wrong.model.yaml': release('wrong', 'out/linked.bin', 'a'.repeat(64)),
      'environ.model.yaml': release('environ', 'out/environ', 'b'.repeat(64)),
      'fifo.model.yaml': release('fifo', 'out/pipe', 'c'.repeat(64)),
    });
    mkdirSync(path.join(dir, 'out'));
    symlinkSync(path.join(outside, 'secret.bin'), path.join(dir, 'out', 'linked.bin'));
    symlinkSync('/proc/self/environ', path.join(dir, 'out', 'environ'));
    execFileSync('mkfifo', [path.join(dir, 'out', 'pipe')]);
    const r = run(['check', '.', '--format', 'json'], dir);
    assert.equal(r.signal, null, 'the CLI did not block');
    const digests = JSON.parse(r.stdout).findings.filter((f: { ruleId: string }) => f.ruleId === 'CG402');
    assert.deepEqual(
      digests.map((f: { path: string; severity: string; message: string }) => [
        f.path,
        f.severity,
        f.message.replace(/`[^`]*`/, '`X`'),
      ]),
      ['environ', 'fifo', 'right', 'wrong'].map((n) => [
        `${n}.model.yaml`,
        'note',
        'The artifact `X` is not in the workspace, so its sha256 is not verified',
      ]),
    );
  });

  it('a listed file swapped for a FIFO before its read is refused at once, not waited on', () => {
    // The check reads a listed file without looking at it again first (readText's
    // listedAsRegular): the open must still not block, and what it opened must still be checked.
    const dir = folder({});
    const swapped = path.join(dir, 'app.py');
    execFileSync('mkfifo', [swapped]);
    assert.deepEqual(readText(swapped, MAX_FILE_BYTES, true), { ok: false, reason: 'skipped: not a regular file' });
    writeFileSync(path.join(dir, 'real.py'), 'x = 1\n');
    assert.deepEqual(readText(path.join(dir, 'real.py'), MAX_FILE_BYTES, true), { ok: true, text: 'x = 1\n' });
  });

  it('a FIFO and a link to a FIFO are never opened, and a file reached twice is reported once', () => {
    const dir = folder({ 'app.py': 'print(password)\n' });
    execFileSync('mkfifo', [path.join(dir, 'pipe.py')]);
    symlinkSync('pipe.py', path.join(dir, 'to-pipe.py'));
    symlinkSync('app.py', path.join(dir, 'again.py'));
    mkdirSync(path.join(dir, 'sub'));
    symlinkSync('../app.py', path.join(dir, 'sub', 'up.py'));
    const r = run(['check', '.'], dir);
    assert.equal(r.signal, null, 'the CLI did not block');
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(findingLines(r.stdout), ['app.py:1:7 CG101']);
    assert.match(r.stdout, /2 files reached twice through links/);
    assert.match(r.stdout, /2 special files/);
  });
});
