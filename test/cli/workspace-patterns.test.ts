import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { LONG_PATH_CODE, PIPELINE_SCHEMA_ID, REDOS_PIPELINE, redosGovernance } from '../support/hostile';
import { HOSTILE_IGNORE_FILES, HOSTILE_IGNORE_REPORTED } from '../support/hostile-ignore';
import { CLI } from '../support/paths';

/** Runs `check --format json` with a timeout far above a linear run and far below a backtracking one. */
function check(files: Record<string, string>) {
  const dir = mkdtempSync(path.join(tmpdir(), 'crownguard-patterns-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
    const started = Date.now();
    const r = spawnSync(process.execPath, [CLI, 'check', '.', '--format', 'json'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(r.signal, null, `check was killed after ${Date.now() - started} ms`);
    return {
      code: r.status,
      findings: JSON.parse(r.stdout).findings as { ruleId: string; message: string; path: string }[],
      stderr: r.stderr,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('patterns from the workspace run in linear time in check', () => {
  it('a policy pattern `^(a+)+$` against a 41-character description is evaluated, not run for minutes', () => {
    const r = check({ 'governance.yaml': redosGovernance(), 'train.pipeline.yaml': REDOS_PIPELINE });
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(
      r.findings.map((f) => `${f.path} ${f.ruleId} ${f.message.split(':')[0]}`),
      ['train.pipeline.yaml CG401 Violates policy `plain-description`'],
    );
  });

  it('an asset location glob of many `**` against a long path literal finishes', () => {
    const r = check({ 'governance.yaml': redosGovernance(), 'load.py': LONG_PATH_CODE });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.findings, []);
  });

  it('a policy whose `$id` is that of our own pipeline schema neither breaks the run nor hides findings', () => {
    const r = check({
      'governance.yaml': redosGovernance({ id: PIPELINE_SCHEMA_ID }),
      'train.pipeline.yaml': REDOS_PIPELINE,
    });
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(
      r.findings.map((f) => f.ruleId),
      ['CG401'],
    );
  });

  it('a pattern the linear-time engine cannot run is reported at the policy', () => {
    const governance = redosGovernance().replace('"^(a+)+$"', '"^(?=a)a+$"');
    const r = check({ 'governance.yaml': governance, 'train.pipeline.yaml': REDOS_PIPELINE });
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /governance\.yaml:11: 'policies\[0\]\.require' is not a valid JSON Schema: a pattern cannot run in linear time/,
    );
  });
});

describe('ignore files from the workspace are matched in linear time in check', () => {
  it('a .gitignore of many `**` and `*a*a*a…*b` over a deep folder finishes, and ordinary rules keep their meaning', () => {
    const r = check(HOSTILE_IGNORE_FILES);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(
      r.findings.map((f) => `${f.path.replace(/^\.\//, '')} ${f.ruleId}`).sort(),
      HOSTILE_IGNORE_REPORTED.map((p) => `${p} CG101`),
    );
  });
});
