import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { DVC_FAKES, DVC_WORKSPACE } from '../support/dvc-workspace';
import { CLI, REPO } from '../support/paths';
import { writeFiles } from '../support/workspace';

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const SOURCE = 'https://github.com/acme/data-registry#raw/customers.csv@0123456789ab';

describe('crownguard lineage and check on a DVC project with .dvc files', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'crownguard-dvc-files-cli-'));
    writeFiles(dir, DVC_WORKSPACE);
    // A repository, so that .gitignore applies as DVC relies on it.
    mkdirSync(path.join(dir, '.git'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lineage: import source -> .dvc entry -> out -> dvc.yaml stage; dvc add of an asset\u2019s file; content lines', () => {
    const r = run(['lineage', '--format', 'json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const g = JSON.parse(r.stdout) as {
      nodes: {
        id: string;
        kind: string;
        detail?: string;
        tier?: string;
        file: string;
        line: number;
        content?: string;
      }[];
      edges: { from: string; to: string; relation: string; file: string; line: number }[];
    };
    const edges = g.edges.map((e) => `${e.from} -> ${e.to} (${e.relation}) ${e.file}:${e.line}`).sort();
    assert.deepEqual(edges, [
      'data/corpus -> dvc:prepare (input) dvc.yaml:8',
      'data/customers.csv -> dvc:prepare (input) dvc.yaml:6',
      'dvc:data/corpus.dvc -> data/corpus (output) data/corpus.dvc:6',
      'dvc:data/customers.csv.dvc -> data/customers.csv (output) data/customers.csv.dvc:12',
      'dvc:data/tickets/march.jsonl.dvc -> support-tickets (output) data/tickets/march.jsonl.dvc:5',
      'dvc:prepare -> data/prepared (output) dvc.yaml:10',
      `${SOURCE} -> dvc:data/customers.csv.dvc (input) data/customers.csv.dvc:4`,
      'support-tickets -> dvc:prepare (input) dvc.yaml:7',
    ]);
    const node = (id: string) => g.nodes.find((n) => n.id === id);
    assert.equal(node(SOURCE)?.detail, 'dvc import source, pinned at 0123456789abcdef0123456789abcdef01234567');
    assert.equal(node('dvc:data/customers.csv.dvc')?.detail, 'dvc import, frozen');
    assert.equal(node('dvc:data/corpus.dvc')?.detail, 'dvc add');
    // Files DVC hid from git are read through the lineage: the import's out, the folder's files, the asset's file.
    assert.equal(node('data/customers.csv')?.content, 'content: 1 sensitive field (all 2 records read)');
    assert.equal(node('data/corpus')?.content, 'content: 1 sensitive field in 2 files (all 2 records read)');
    assert.equal(node('support-tickets')?.content, 'content: 2 sensitive fields (all 1 records read)');
    assert.equal(node('dvc:prepare')?.tier, 'restricted');
    // DVC's own folder is no part of the lineage.
    assert.ok(!g.nodes.some((n) => n.file.startsWith('.dvc/')));
    for (const v of DVC_FAKES) assert.ok(!r.stdout.includes(v), `lineage output shows ${v}`);
  });

  it('lineage --explain: the imported file\u2019s content raises the stage it feeds', () => {
    const r = run(['lineage', 'data/customers.csv', '--explain'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout.split('\n')[0],
      /^data\/customers\.csv \(dataset, restricted; content: 2 of 2 records hold US social security numbers \(data\/customers\.csv\)\) data\/customers\.csv\.dvc:12$/,
    );
    for (const v of DVC_FAKES) assert.ok(!r.stdout.includes(v), `explain output shows ${v}`);
  });

  it('lineage --format openlineage: the .dvc entries are jobs whose events validate', () => {
    const r = run(['lineage', '--format', 'openlineage'], dir);
    assert.equal(r.code, 0, r.stderr);
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(JSON.parse(readFileSync(path.join(REPO, 'test/schemas/OpenLineage.json'), 'utf8')));
    const event = ajv.getSchema('https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent')!;
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { job: { name: string }; inputs: { namespace: string; name: string }[] });
    for (const e of events) assert.ok(event(e), JSON.stringify(event.errors));
    const imp = events.find((e) => e.job.name === 'dvc:data/customers.csv.dvc');
    assert.deepEqual(
      imp?.inputs.map((i) => `${i.namespace} ${i.name}`),
      ['https://github.com acme/data-registry#raw/customers.csv@0123456789ab'],
    );
    assert.deepEqual(events.map((e) => e.job.name).sort(), [
      'dvc:data/corpus.dvc',
      'dvc:data/customers.csv.dvc',
      'dvc:data/tickets/march.jsonl.dvc',
      'dvc:prepare',
    ]);
  });

  it('check: CG405 names the files only .dvc files track; the asset\u2019s file is held to its fields', () => {
    const r = run(['check', '.', '--format', 'json'], dir);
    assert.equal(r.code, 1, r.stderr);
    const all = JSON.parse(r.stdout).findings as { ruleId: string; path: string }[];
    assert.deepEqual([...new Set(all.map((f) => `${f.ruleId} ${f.path}`))].sort(), [
      'CG203 data/corpus/part-1.jsonl',
      'CG203 data/customers.csv',
      'CG203 data/tickets/march.jsonl',
      'CG404 governance.yaml',
      'CG405 data/corpus/part-1.jsonl',
      'CG405 data/customers.csv',
    ]);
    for (const v of DVC_FAKES) assert.ok(!r.stdout.includes(v), `check output shows ${v}`);
  });
});
