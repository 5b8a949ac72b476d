import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI } from '../support/paths';

describe('crownguard lineage: dataset content', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'crownguard-lineage-content-'));
    mkdirSync(path.join(dir, 'data'));
    writeFileSync(
      path.join(dir, 'train.yaml'),
      [
        'base_model: meta-llama/Llama-3.1-8B',
        'datasets:',
        '  - path: data/loose.csv',
        '    type: alpaca',
        '  - path: data/missing.jsonl',
        '    type: alpaca',
        'output_dir: ./out',
        '',
      ].join('\n'),
    );
    // Made-up numbers in the SSN shape.
    writeFileSync(path.join(dir, 'data', 'loose.csv'), 'id,ssn,note\n1,512-44-1234,late\n2,513-44-2345,broken\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("prints a dataset's content under its node when its data file is in the folder, never a value", () => {
    const r = spawnSync(process.execPath, [CLI, 'lineage'], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.split('\n');
    const at = lines.findIndex((l) => /^ {2}data\/loose\.csv +dataset /.test(l));
    assert.ok(at >= 0, r.stdout);
    assert.match(lines[at + 1], /^ +content: 1 sensitive field \(all 2 records read\)$/);
    // A dataset whose file is not there has no content line.
    const missing = lines.findIndex((l) => /^ {2}data\/missing\.jsonl +dataset /.test(l));
    assert.ok(missing >= 0, r.stdout);
    assert.doesNotMatch(lines[missing + 1], /content:/);
    assert.doesNotMatch(r.stdout, /512-44|513-44/);
  });
});
