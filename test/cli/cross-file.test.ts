import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { CLI, REPO } from '../support/paths';

const validate = (() => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(path.join(REPO, 'test', 'schemas', 'sarif-schema-2.1.0.json'), 'utf8')));
})();

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A workspace of many callers of one logging helper in another package, more than one task of
 * files holds, so that worker threads share the callers between them.
 */
function workspace(callers: number): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'crownguard-xfile-')));
  mkdirSync(path.join(dir, 'utils'));
  mkdirSync(path.join(dir, 'app'));
  writeFileSync(path.join(dir, 'utils', '__init__.py'), '');
  writeFileSync(
    path.join(dir, 'utils', 'log.py'),
    'import logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef my_log(x):\n    logger.info("value %s", x)\n',
  );
  for (let i = 0; i < callers; i++)
    writeFileSync(
      path.join(dir, 'app', `caller_${String(i).padStart(3, '0')}.py`),
      `from utils.log import my_log\n\n\ndef login_${i}(password):\n    my_log(password)\n`,
    );
  return dir;
}

describe('crownguard check: calls into helpers of other files', () => {
  const dir = workspace(150);
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the path at every caller, the same with one worker thread or two', () => {
    const one = run(['check', '.', '--jobs', '1', '--format', 'json', '--fail-on', 'none'], dir);
    const two = run(['check', '.', '--jobs', '2', '--format', 'json', '--fail-on', 'none'], dir);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(two.code, 0, two.stderr);
    const findings = (JSON.parse(one.stdout) as { findings: { path: string; ruleId: string; message: string }[] })
      .findings;
    assert.equal(findings.filter((f) => f.ruleId === 'CG101').length, 150);
    assert.match(findings[0].message, /through `my_log\(x\)` \(utils\/log\.py:7\) -> `logger\.info`/);
    assert.equal(two.stdout, one.stdout);
  });

  it('SARIF: a codeFlow whose last location is in the helper file, valid against the SARIF schema', () => {
    const r = run(['check', '.', '--format', 'sarif', '--fail-on', 'none'], dir);
    assert.equal(r.code, 0, r.stderr);
    interface Located {
      location: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } };
    }
    const doc = JSON.parse(r.stdout) as {
      runs: {
        results: { locations: Located['location'][]; codeFlows: { threadFlows: { locations: Located[] }[] }[] }[];
      }[];
    };
    assert.ok(validate(doc), JSON.stringify(validate.errors, null, 2));
    const result = doc.runs[0].results.find(
      (x) => x.locations[0].physicalLocation.artifactLocation.uri === 'app/caller_007.py',
    )!;
    const locations = result.codeFlows[0].threadFlows[0].locations.map(
      (l) => `${l.location.physicalLocation.artifactLocation.uri}:${l.location.physicalLocation.region.startLine}`,
    );
    assert.deepEqual(locations, ['app/caller_007.py:5', 'utils/log.py:7']);
  });

  it('a file given alone follows its imports within its own folder: a helper beside it is read, one above it is not', () => {
    const solo = workspace(0);
    try {
      mkdirSync(path.join(solo, 'app', 'solo'));
      writeFileSync(path.join(solo, 'app', 'solo', 'helper.py'), 'def shout(x):\n    print(x)\n');
      writeFileSync(
        path.join(solo, 'app', 'solo', 'main.py'),
        'from helper import shout\nfrom utils.log import my_log\n\n\ndef f(password):\n    shout(password)\n    my_log(password)\n',
      );
      const r = run(['check', 'main.py', '--format', 'json', '--fail-on', 'none'], path.join(solo, 'app', 'solo'));
      assert.equal(r.code, 0, r.stderr);
      const messages = (JSON.parse(r.stdout) as { findings: { message: string }[] }).findings.map((f) => f.message);
      assert.equal(messages.length, 1, messages.join('\n'));
      assert.match(messages[0], /through `shout\(x\)` \(helper\.py:2\) -> `print`/);
    } finally {
      rmSync(solo, { recursive: true, force: true });
    }
  });
});
