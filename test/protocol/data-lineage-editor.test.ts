import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WorkspaceDiagnosticRequest } from 'vscode-languageserver-protocol/node';
import { DATA_LINEAGE_FAKES, DATA_LINEAGE_WORKSPACE } from '../support/data-files';
import { TestClient } from '../support/lsp-client';

// The workspace of test/cli/data-lineage.test.ts: the editor must agree with `crownguard check` and `lineage`.
describe('the editor decides CG405 with the lineage and shows what asset nodes and folder outs hold', () => {
  let dir: string;
  let client: TestClient;
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  };
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'cg-data-lineage-editor-'));
    for (const [rel, text] of Object.entries(DATA_LINEAGE_WORKSPACE)) write(rel, text);
    client = await TestClient.start({ folder: dir, pull: true });
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('no CG405 on a declared stage output file with a sensitive field; the stray file keeps it', async () => {
    const scan = await client.connection.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: [] });
    const codes = (rel: string) => {
      const r = scan.items.find((i) => i.uri === client.uri(rel));
      assert.ok(r && r.kind === 'full', `${rel} is reported`);
      return [...new Set(r.items.map((d) => String(d.code)))].sort();
    };
    assert.deepEqual(codes('prepared/clean.jsonl'), ['CG203']);
    assert.deepEqual(codes('exports/dump.jsonl'), ['CG203', 'CG405']);
    for (const r of scan.items)
      if (r.kind === 'full')
        for (const d of r.items)
          for (const v of DATA_LINEAGE_FAKES) assert.ok(!String(d.message).includes(v), String(d.message));
  });

  it('an asset matched by a location glob and a DVC folder out have content in lineage/graph', async () => {
    const graph = await client.settledLineage();
    const content = (id: string) => graph.nodes.find((n) => n.id === id)?.content;
    assert.equal(content('support-tickets'), 'content: 3 sensitive fields in 2 files (all 2 records read)');
    assert.equal(content('data/splits'), 'content: 1 sensitive field (all 2 records read)');
    for (const v of DATA_LINEAGE_FAKES) assert.ok(!JSON.stringify(graph).includes(v), `the graph shows ${v}`);
  });
});
