import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DocumentDiagnosticRequest, WorkspaceDiagnosticRequest } from 'vscode-languageserver-protocol/node';
import { DVC_FAKES, DVC_WORKSPACE } from '../support/dvc-workspace';
import { TestClient } from '../support/lsp-client';
import { writeFiles } from '../support/workspace';

const SOURCE = 'https://github.com/acme/data-registry#raw/customers.csv@0123456789ab';

// The workspace of test/cli/dvc-files.test.ts: the editor must show the lineage the CLI prints.
describe('the editor reads .dvc files: lineage, content, and a malformed file\u2019s diagnostic at its node', () => {
  let dir: string;
  let client: TestClient;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'cg-dvc-files-editor-'));
    mkdirSync(path.join(dir, '.git'));
    writeFiles(dir, DVC_WORKSPACE);
    client = await TestClient.start({ folder: dir, pull: true });
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lineage/graph: import source -> .dvc entry -> out -> dvc.yaml stage, with the tracked files\u2019 content', async () => {
    const graph = await client.settledLineage();
    const has = (from: string, to: string, relation: string) =>
      graph.edges.some((e) => e.from === from && e.to === to && e.relation === relation);
    assert.ok(has(SOURCE, 'dvc:data/customers.csv.dvc', 'input'), JSON.stringify(graph.edges));
    assert.ok(has('dvc:data/customers.csv.dvc', 'data/customers.csv', 'output'));
    assert.ok(has('data/customers.csv', 'dvc:prepare', 'input'));
    assert.ok(has('dvc:data/tickets/march.jsonl.dvc', 'support-tickets', 'output'));
    const node = (id: string) => graph.nodes.find((n) => n.id === id);
    assert.equal(node('dvc:data/customers.csv.dvc')?.location.uri, client.uri('data/customers.csv.dvc'));
    assert.equal(node('dvc:data/customers.csv.dvc')?.location.range.start.line, 11);
    assert.equal(node('data/customers.csv')?.content, 'content: 1 sensitive field (all 2 records read)');
    assert.equal(node('data/corpus')?.content, 'content: 1 sensitive field in 2 files (all 2 records read)');
    for (const v of DVC_FAKES) assert.ok(!JSON.stringify(graph).includes(v), `the graph shows ${v}`);
  });

  // DVC lists its outs in .gitignore, so the folder's listing leaves them out: the scan must still
  // read the data files the lineage names, as `crownguard check` does, and nothing outside the folder.
  it('the workspace scan reads git-ignored .dvc outs: their findings, and the manifest\u2019s CG404 for them', async () => {
    const scan = await client.connection.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: [] });
    const codes = (rel: string) => {
      const r = scan.items.find((i) => i.uri === client.uri(rel));
      assert.ok(r && r.kind === 'full', `${rel} is reported`);
      return r.items.map((d) => `${String(d.code)}@${d.range.start.line}:${d.range.start.character}`).sort();
    };
    // The same findings at the same places as `crownguard check` prints for this workspace.
    assert.deepEqual(codes('data/tickets/march.jsonl'), ['CG203@0:1', 'CG203@0:32']);
    assert.deepEqual(codes('data/customers.csv'), ['CG203@0:3', 'CG405@0:3']);
    assert.deepEqual(codes('data/corpus/part-1.jsonl'), ['CG203@0:1', 'CG405@0:1']);
    const manifest = scan.items.find((i) => i.uri === client.uri('governance.yaml'));
    const cg404 = manifest?.kind === 'full' ? manifest.items.filter((d) => d.code === 'CG404') : [];
    assert.equal(cg404.length, 1, JSON.stringify(manifest));
    assert.match(String(cg404[0].message), /field 'contact'.* of data\/tickets\/march\.jsonl$/);
    for (const r of scan.items) {
      assert.ok(r.uri.startsWith(client.uri('')), r.uri);
      if (r.kind === 'full')
        for (const d of r.items)
          for (const v of DVC_FAKES) assert.ok(!String(d.message).includes(v), String(d.message));
    }
  });

  it('a .dvc file another extension opens as plain text still gets its diagnostics', async () => {
    const rel = 'data/plain.dvc';
    const text = 'outs:\n- md5: 22a1a2931c8370d3aeedd7183606fd7f\n';
    writeFileSync(path.join(dir, rel), text);
    const uri = await client.open(rel, 'plaintext', text);
    const r = await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } });
    assert.equal(r.kind, 'full');
    const found = r.kind === 'full' ? r.items.map((d) => [d.code, d.range.start]) : [];
    assert.deepEqual(found, [['CG002', { line: 1, character: 2 }]]);
  });

  it('a file only a .dvc file tracks (git ignores it) gets CG405 when opened', async () => {
    const uri = await client.open('data/customers.csv', 'csv');
    const r = await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } });
    assert.equal(r.kind, 'full');
    const codes = r.kind === 'full' ? [...new Set(r.items.map((d) => String(d.code)))].sort() : [];
    assert.deepEqual(codes, ['CG203', 'CG405']);
    for (const d of r.kind === 'full' ? r.items : [])
      for (const v of DVC_FAKES) assert.ok(!String(d.message).includes(v), String(d.message));
  });

  it('a malformed .dvc file: the warning sits on the node, as it is typed', async () => {
    const rel = 'data/broken.dvc';
    const text = 'outs:\n- md5: 22a1a2931c8370d3aeedd7183606fd7f\n- path: ../../../etc/passwd\n';
    writeFileSync(path.join(dir, rel), text);
    const uri = await client.open(rel, 'yaml', text);
    const r = await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } });
    assert.equal(r.kind, 'full');
    const found = r.kind === 'full' ? r.items.map((d) => [d.code, d.severity, d.range.start, d.range.end]) : [];
    assert.deepEqual(found, [
      ['CG002', 2, { line: 1, character: 2 }, { line: 1, character: 5 }],
      ['CG002', 2, { line: 2, character: 8 }, { line: 2, character: 27 }],
    ]);
  });
});
