import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticRequest,
  FileChangeType,
  HoverRequest,
  type Hover,
} from 'vscode-languageserver-protocol/node';
import {
  LineageRequests,
  type ExplainHop,
  type LineageGraphInfo,
  type LineageNodeInfo,
} from '../../shared/lineage-protocol';
import { TestClient } from '../support/lsp-client';
import { FIXTURES } from '../support/paths';

const SSNS = '3 of 10 records hold US social security numbers (prepared/clean.jsonl)';

describe('the lineage in the editor takes what data files hold into account', () => {
  let dir: string;
  let client: TestClient;
  let clean: string;
  let withSsns: string;
  let opened = false;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'cg-data-lineage-'));
    cpSync(path.join(FIXTURES, 'datasets', 'redaction'), dir, { recursive: true });
    clean = path.join(dir, 'prepared', 'clean.jsonl');
    withSsns = readFileSync(clean, 'utf8');
    client = await TestClient.start({ folder: dir, pull: true });
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const send = <R>(method: string, params: object) => client.connection.sendRequest(method, params) as Promise<R>;

  /** The hover on `clean-customers` where the fine-tuning stage reads it. */
  async function hoverOnInput(): Promise<string> {
    const pipeline = 'pipelines/support.pipeline.yaml';
    const uri = client.uri(pipeline);
    if (!opened) await client.open(pipeline, 'yaml');
    opened = true;
    const lines = readFileSync(path.join(dir, pipeline), 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes('inputs: [clean-customers]'));
    const hover = (await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: { line, character: lines[line].indexOf('clean-customers') + 3 },
    })) as Hover | null;
    assert.ok(hover, 'a hover on the input');
    return (hover.contents as { value: string }).value;
  }

  /** The SSNs are gone from the file on disk, at a new modification time. */
  function removeSsns(): void {
    writeFileSync(clean, withSsns.replace(/\d{3}-\d{2}-\d{4}/g, 'on file'));
    const later = new Date(Date.now() + 10_000);
    utimesSync(clean, later, later);
  }

  it('reports CG406 on the `removes` item its output file contradicts, once the file is read, with a refresh', async () => {
    const pipeline = 'pipelines/support.pipeline.yaml';
    const refreshes = client.refreshRequests;
    const uri = await client.open(pipeline, 'yaml');
    opened = true;
    const pull = async () => {
      const r = await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } });
      return r.kind === 'full' ? r.items.filter((d) => d.code === 'CG406') : [];
    };
    // The manifest's own diagnostics do not wait for the data file: it is read meanwhile, then a refresh follows.
    let found = await pull();
    if (found.length === 0) {
      await client.waitFor('a diagnostics refresh', () => client.refreshRequests > refreshes || undefined);
      found = await pull();
    }
    assert.deepEqual(
      found.map((d) => d.message),
      [
        "Stage 'redact-pii' claims to remove 'ssn'; 3 of 10 records of prepared/clean.jsonl still hold US social security numbers",
      ],
    );
    const lines = readFileSync(path.join(dir, pipeline), 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes('removes: [ssn'));
    assert.equal(found[0].range.start.line, line);
    assert.equal(found[0].range.start.character, lines[line].indexOf('ssn'));
  });

  it('a stage output whose file holds SSNs is restricted by its content: graph, hover and explain say why', async () => {
    // The lineage answers before its data files are read; the tiers take their content in once
    // they are.
    await client.settledLineage();
    const { nodes } = await send<{ nodes: LineageNodeInfo[] }>(LineageRequests.nodes, {});
    const node = nodes.find((n) => n.id === 'clean-customers');
    assert.equal(node?.tier, 'restricted', JSON.stringify(node));
    assert.equal(node?.crownJewel, true);
    const graph = await send<LineageGraphInfo>(LineageRequests.graph, {});
    assert.equal(graph.nodes.find((n) => n.id === 'clean-customers')?.tier, 'restricted');

    const hover = await hoverOnInput();
    assert.match(hover, /^\*\*stage output\*\* `clean-customers`: carries tier \*\*restricted\*\* \(crown-jewel/);
    assert.ok(hover.includes(`\n\nTier from content: ${SSNS}`), hover);

    const { hops } = await send<{ hops: ExplainHop[] }>(LineageRequests.explain, { id: 'clean-customers' });
    assert.deepEqual(
      hops.map((h) => ({ id: h.id, tier: h.tier, reason: h.reason, content: h.content })),
      [{ id: 'clean-customers', tier: 'restricted', reason: 'content', content: SSNS }],
    );
    // Downstream, the model's tier is traced back to the same content.
    const model = await send<{ hops: ExplainHop[] }>(LineageRequests.explain, { id: 'support-model' });
    assert.deepEqual(
      model.hops.map((h) => [h.id, h.tier, h.reason]),
      [
        ['support-model', 'restricted', 'output'],
        ['support-data/finetune', 'restricted', 'input'],
        ['clean-customers', 'restricted', 'content'],
      ],
    );
    // Counts and kinds only: no value reaches the client.
    for (const text of [hover, JSON.stringify(hops), JSON.stringify(model.hops)])
      assert.ok(!/\d{3}-\d{2}-\d{4}|8712/.test(text), text);
  });

  it('goes back to the redacted tier once the SSNs are removed on disk, and up again when they return', async () => {
    removeSsns();
    await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: client.uri('prepared/clean.jsonl'), type: FileChangeType.Changed }],
    });
    const { hops } = await send<{ hops: ExplainHop[] }>(LineageRequests.explain, { id: 'clean-customers' });
    assert.deepEqual(
      hops.map((h) => [h.id, h.tier, h.reason]),
      [
        ['clean-customers', 'internal', 'redacted'],
        ['support-data/redact-pii', 'restricted', 'input'],
        ['customer-profiles', 'restricted', 'declared'],
      ],
    );
    assert.ok(hops.every((h) => h.content === undefined));
    const hover = await hoverOnInput();
    assert.match(hover, /carries tier \*\*internal\*\*/);
    assert.ok(!hover.includes('Tier from content'), hover);

    // Saved again with the SSNs, and this time no file event reaches the server: the next
    // request sees the file's new size and modification time all the same.
    writeFileSync(clean, withSsns);
    const later = new Date(Date.now() + 20_000);
    utimesSync(clean, later, later);
    const again = await send<{ hops: ExplainHop[] }>(LineageRequests.explain, { id: 'clean-customers' });
    assert.deepEqual(
      again.hops.map((h) => [h.id, h.tier, h.reason]),
      [['clean-customers', 'restricted', 'content']],
    );
  });
});
