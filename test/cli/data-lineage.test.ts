import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DATA_LINEAGE_FAKES, DATA_LINEAGE_WORKSPACE } from '../support/data-files';
import { CLI } from '../support/paths';

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('crownguard check and lineage: data files the lineage declares, folder outs, asset content', () => {
  let dir: string;
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  };
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'crownguard-data-lineage-cli-'));
    for (const [rel, text] of Object.entries(DATA_LINEAGE_WORKSPACE)) write(rel, text);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('check: no CG405 on a declared stage output, CG405 kept on the stray file, folder out files read', () => {
    const r = run(['check', '.', '--format', 'json'], dir);
    assert.equal(r.code, 1, r.stderr);
    const all = (JSON.parse(r.stdout).findings as { ruleId: string; path: string; message: string }[]).filter((f) =>
      ['CG203', 'CG404', 'CG405'].includes(f.ruleId),
    );
    // Which rules fire on which files (a file has one CG203 per sensitive field).
    const found = [...new Set(all.map((f) => `${f.ruleId} ${f.path}`))].sort();
    assert.deepEqual(found, [
      'CG203 data/splits/train.tsv',
      'CG203 data/tickets/april.jsonl',
      'CG203 data/tickets/march.jsonl',
      'CG203 exports/dump.jsonl',
      'CG203 prepared/clean.jsonl',
      'CG404 governance.yaml',
      'CG405 data/splits/train.tsv',
      'CG405 exports/dump.jsonl',
    ]);
    // The asset's undeclared field whose values a detector recognised, from each of its files.
    assert.deepEqual(
      all
        .filter((f) => f.ruleId === 'CG404')
        .map((f) => f.message.split(',')[0])
        .sort(),
      [
        'Asset `support-tickets` does not declare field `contact`',
        'Asset `support-tickets` does not declare field `contact`',
      ],
    );
  });

  it('lineage: an asset matched by a location glob and a folder out show what their files hold', () => {
    const r = run(['lineage'], dir);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    const under = (id: string) => lines[lines.findIndex((l) => l.startsWith(`  ${id} `)) + 1]?.trim();
    assert.equal(under('support-tickets'), 'content: 3 sensitive fields in 2 files (all 2 records read)');
    assert.equal(under('data/splits'), 'content: 1 sensitive field (all 2 records read)');
    for (const v of DATA_LINEAGE_FAKES) assert.ok(!r.stdout.includes(v), `lineage output shows ${v}`);
  });

  it('lineage --format json carries the content line on the asset node', () => {
    const r = run(['lineage', '--format', 'json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const nodes = JSON.parse(r.stdout).nodes as { id: string; content?: string }[];
    assert.equal(
      nodes.find((n) => n.id === 'support-tickets')?.content,
      'content: 3 sensitive fields in 2 files (all 2 records read)',
    );
    assert.equal(nodes.find((n) => n.id === 'data/splits')?.content, 'content: 1 sensitive field (all 2 records read)');
  });

  it('lineage --explain says what an asset\u2019s files hold beside its declared tier', () => {
    const r = run(['lineage', 'support-tickets', '--explain'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout.split('\n')[0],
      /^support-tickets \(asset, restricted; declared; content: 3 sensitive fields in 2 files \(all 2 records read\)\) governance\.yaml:\d+$/,
    );
    const json = JSON.parse(run(['lineage', 'support-tickets', '--explain', '--format', 'json'], dir).stdout);
    assert.equal(json.chain[0].holds, '3 sensitive fields in 2 files (all 2 records read)');
  });
});
