import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { CLI, FIXTURES, REPO } from '../support/paths';

interface Reported {
  ruleId: string;
  severity: string;
  message: string;
  path: string;
  offset: number;
  length: number;
}

/** The findings of `crownguard check` started in `cwd`, with paths made relative to `workspace`. */
function check(cwd: string, workspace: string, args: string[]): string[] {
  const r = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', '--fail-on', 'none', ...args], {
    cwd,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { findings: Reported[] };
  return out.findings
    .map((f) => {
      const rel = (p: string) => path.relative(workspace, path.resolve(cwd, p)).split(path.sep).join('/');
      // A path through a helper in another file names it as every path is named: from the working folder.
      const message = f.message.replace(/\(([^()\s]+):(\d+)\)/g, (_, p: string, line: string) => `(${rel(p)}:${line})`);
      return `${rel(f.path)}:${f.offset}+${f.length} ${f.ruleId} ${f.severity} ${message}`;
    })
    .sort();
}

for (const [fixture, sub] of [
  ['workspace-formats', 'configs'],
  ['workspace-hub', 'recipes'],
  ['flow-imports', 'pyapp'],
]) {
  describe(`results for ${fixture} do not depend on the working folder`, () => {
    const temp = realpathSync(mkdtempSync(path.join(tmpdir(), 'crownguard-cwd-')));
    const workspace = path.join(temp, 'repo');
    cpSync(path.join(FIXTURES, fixture), workspace, { recursive: true });
    after(() => rmSync(temp, { recursive: true, force: true }));

    it('the same workspace checked from itself, its parent, a subfolder and an unrelated folder reports the same', () => {
      const inside = check(workspace, workspace, []);
      // The policy findings come from hub ids, registry names and relative paths resolving to assets;
      // the flows through imported helpers from modules found relative to the importing file.
      const expected = fixture === 'flow-imports' ? / CG101 .*\(pyapp\/utils\/log\.py:7\)/ : / CG401 /;
      assert.ok(inside.filter((f) => expected.test(f)).length >= 4, inside.join('\n'));
      assert.deepEqual(check(temp, workspace, ['repo']), inside);
      assert.deepEqual(check(REPO, workspace, [workspace]), inside);
      assert.deepEqual(check(path.join(workspace, sub), workspace, ['..']), inside);
    });
  });
}

describe('the data checks of a pipeline do not depend on the working folder', () => {
  const temp = realpathSync(mkdtempSync(path.join(tmpdir(), 'crownguard-cwd-data-')));
  const workspace = path.join(temp, 'repo');
  cpSync(path.join(FIXTURES, 'datasets', 'redaction'), workspace, { recursive: true });
  after(() => rmSync(temp, { recursive: true, force: true }));

  it('reads the stage output file and reports the same redaction claim from every folder', () => {
    const inside = check(workspace, workspace, []);
    assert.ok(
      inside.some((f) =>
        / CG406 error Stage `redact-pii` claims to remove `ssn`; 3 of 10 records of prepared\/clean\.jsonl /.test(f),
      ),
      inside.join('\n'),
    );
    assert.deepEqual(check(temp, workspace, ['repo']), inside);
    assert.deepEqual(check(REPO, workspace, [workspace]), inside);
    assert.deepEqual(check(path.join(workspace, 'pipelines'), workspace, ['..']), inside);
  });
});
