import assert from 'node:assert/strict';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import {
  CancellationTokenSource,
  CodeActionRequest,
  DocumentDiagnosticRequest,
  HoverRequest,
  LSPErrorCodes,
  ResponseError,
  WorkspaceDiagnosticRequest,
  type CodeAction,
  type Diagnostic,
  type DocumentDiagnosticReport,
  type Hover,
  type WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver-protocol/node';
import { LOOSE_CSV, TICKETS_GOVERNANCE, TRAIN_ON_LOOSE_CSV } from '../support/data-files';
import { TestClient } from '../support/lsp-client';

// Made-up records: the addresses are at a domain of our own invention.
const TICKETS = [
  { ticket_body: 'printer jams', contact: 'ann.lee@fernmail.org', cc: 'raj.pal@fernmail.org' },
  { ticket_body: 'refund please', contact: 'raj.pal@fernmail.org', cc: 'ann.lee@fernmail.org' },
]
  .map((r) => JSON.stringify(r))
  .join('\n');

/** A JSON Lines file of `mb` MiB of made-up tickets, one in 25 with an e-mail address. */
function writeBig(file: string, mb: number): void {
  const fd = openSync(file, 'w');
  let block = '';
  for (let i = 0; block.length < 1024 * 1024; i++)
    block +=
      JSON.stringify({
        id: i,
        contact: i % 25 === 0 ? `user${i}@fernmail.org` : `customer ${i}`,
        body: 'word '.repeat(40),
      }) + '\n';
  const bytes = Buffer.from(block);
  for (let written = 0; written < mb * 1024 * 1024;) written += writeSync(fd, bytes);
  closeSync(fd);
}

function codes(items: readonly Diagnostic[]): string[] {
  return items.map((d) => String(d.code)).sort();
}

describe('training data files in the language server', () => {
  let dir: string;
  let client: TestClient;
  const reports = new Map<string, WorkspaceDocumentDiagnosticReport>();
  const rel = (uri: string) => path.relative(dir, fileURLToPath(uri)).split(path.sep).join('/');

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'cg-data-lsp-'));
    mkdirSync(path.join(dir, 'data', 'tickets'), { recursive: true });
    writeFileSync(path.join(dir, 'governance.yaml'), TICKETS_GOVERNANCE);
    writeFileSync(path.join(dir, 'data', 'tickets', 'march.jsonl'), TICKETS + '\n');
    writeFileSync(path.join(dir, 'data', 'loose.csv'), LOOSE_CSV);
    writeFileSync(path.join(dir, 'notes.py'), 'print("hello")\n');
    writeFileSync(path.join(dir, 'train.yaml'), TRAIN_ON_LOOSE_CSV);
    // Larger than the reading bound: reading stops at the bound, which takes long enough to be seen.
    writeBig(path.join(dir, 'data', 'big.jsonl'), 150);
    writeBig(path.join(dir, 'data', 'bigger.jsonl'), 150);
    client = await TestClient.start({ folder: dir, pull: true, workDoneProgress: true });
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports data files in the workspace scan: CG203 and CG405 on the files, CG404 on the manifest with its fix', async () => {
    const scan = await client.connection.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: [] });
    for (const r of scan.items) reports.set(rel(r.uri), r);
    const items = (p: string) => {
      const r = reports.get(p);
      assert.ok(r && r.kind === 'full', `${p} is reported`);
      return r.items;
    };
    assert.deepEqual(
      codes(items('data/tickets/march.jsonl')),
      ['CG203', 'CG203', 'CG203'],
      JSON.stringify(items('data/tickets/march.jsonl')),
    );
    assert.deepEqual(codes(items('data/loose.csv')), ['CG203', 'CG405']);
    const cg404 = items('governance.yaml').filter((d) => d.code === 'CG404');
    assert.deepEqual(cg404.map((d) => d.message).sort(), [
      "Asset 'support-tickets' does not declare field 'cc', which holds email addresses in 2 of 2 records of data/tickets/march.jsonl",
      "Asset 'support-tickets' does not declare field 'contact', which holds email addresses in 2 of 2 records of data/tickets/march.jsonl",
    ]);
    // The big files were read only up to the bound, and say so.
    assert.ok(
      items('data/big.jsonl').some((d) => d.code === 'CG203' && /sampled records of ~/.test(String(d.message))),
    );
    assert.ok(items('data/big.jsonl').some((d) => /read in part/.test(String(d.message))));
    for (const r of reports.values())
      if (r.kind === 'full')
        for (const d of r.items) assert.ok(!/fernmail|512-44/.test(String(d.message)), String(d.message));
  });

  it('re-checks the data files from what was read when the manifest is edited, and the fix declares the field', async () => {
    const file = path.join(dir, 'data', 'tickets', 'march.jsonl');
    const when = new Date('2026-01-01T00:00:00Z');
    utimesSync(file, when, when);
    const uri = await client.open('governance.yaml', 'yaml');
    const pull = async () =>
      (
        (await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } })) as {
          items: Diagnostic[];
        }
      ).items;
    const first = (await pull()).find((d) => d.code === 'CG404' && /'contact'/.test(String(d.message)));
    assert.ok(first, JSON.stringify(await pull()));
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: first.range,
      context: { diagnostics: [first], only: ['quickfix'] },
    })) as CodeAction[];
    const fix = actions.find((a) => a.title === 'Declare `contact` as a field of asset `support-tickets`');
    assert.ok(fix?.edit?.changes?.[uri], JSON.stringify(actions.map((a) => a.title)));
    const [edit] = fix.edit.changes[uri];
    assert.equal(edit.newText.trim(), '- contact');
    // The file on disk now holds no address in `cc`, at the same size and modification time:
    // only a new reading would see it, and a manifest edit must not read the data again.
    writeFileSync(
      file,
      TICKETS.replace(/"cc":"([^"@]*)@([^"]*)"/g, (_, a: string, b: string) => `"cc":"${a}_${b}"`) + '\n',
    );
    utimesSync(file, when, when);
    await client.change(
      uri,
      TICKETS_GOVERNANCE.replace('      - ticket_body\n', '      - ticket_body\n      - contact\n'),
    );
    const after = (await pull()).filter((d) => d.code === 'CG404').map((d) => d.message);
    assert.deepEqual(after, [
      "Asset 'support-tickets' does not declare field 'cc', which holds email addresses in 2 of 2 records of data/tickets/march.jsonl",
    ]);
  });

  it('reads a large data file in the background with progress, answering other requests meanwhile', async () => {
    const other = await client.open('notes.py', 'python');
    // Read by the scan already: a new modification time has it read again.
    utimesSync(path.join(dir, 'data', 'bigger.jsonl'), new Date(), new Date(Date.now() + 5000));
    const seen = client.progress.length;
    const order: string[] = [];
    const big = client.connection
      .sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: client.uri('data/bigger.jsonl') } })
      .then((r: DocumentDiagnosticReport) => {
        order.push('data file');
        return r;
      });
    const begin = await client.waitFor('the reading to begin', () =>
      client.progress.slice(seen).find((p) => p.kind === 'begin' && p.title === 'CrownGuard: reading bigger.jsonl'),
    );
    assert.equal(begin.cancellable, true);
    await client.connection
      .sendRequest(HoverRequest.type, { textDocument: { uri: other }, position: { line: 0, character: 1 } })
      .then(() => order.push('hover'));
    const report = (await big) as { items: Diagnostic[] };
    assert.deepEqual(order, ['hover', 'data file']);
    assert.ok(
      report.items.some((d) => d.code === 'CG203' && /'contact'/.test(String(d.message))),
      JSON.stringify(report),
    );
    await client.waitFor('the progress to end', () =>
      client.progress.slice(seen).some((p) => p.kind === 'end' && p.token === begin.token),
    );
    assert.ok(client.progress.slice(seen).some((p) => p.kind === 'report' && p.token === begin.token));
  });

  it('stops reading when the request is cancelled, and when the progress is cancelled', async () => {
    const file = path.join(dir, 'data', 'big.jsonl');
    // A new modification time: the file is read again.
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const seen = client.progress.length;
    const source = new CancellationTokenSource();
    const cancelled = client.connection.sendRequest(
      DocumentDiagnosticRequest.type,
      { textDocument: { uri: client.uri('data/big.jsonl') } },
      source.token,
    );
    const begin = await client.waitFor('the reading to begin', () =>
      client.progress.slice(seen).find((p) => p.kind === 'begin' && p.title === 'CrownGuard: reading big.jsonl'),
    );
    source.cancel();
    await assert.rejects(
      cancelled,
      (err) => err instanceof ResponseError && err.code === LSPErrorCodes.RequestCancelled,
    );
    await client.waitFor('the progress to end', () =>
      client.progress.slice(seen).some((p) => p.kind === 'end' && p.token === begin.token),
    );
    // Once more, and this time the user presses the progress's Cancel button.
    const again = client.progress.length;
    const pulled = client.connection.sendRequest(DocumentDiagnosticRequest.type, {
      textDocument: { uri: client.uri('data/big.jsonl') },
    });
    const second = await client.waitFor('the reading to begin again', () =>
      client.progress.slice(again).find((p) => p.kind === 'begin'),
    );
    await client.connection.sendNotification('window/workDoneProgress/cancel', { token: second.token });
    const report = (await pulled) as { items: Diagnostic[] };
    assert.deepEqual(
      report.items.map((d) => d.message),
      ['CrownGuard data file not read: reading was cancelled'],
    );
  });

  it("shows a dataset node's content in the lineage graph: how many sensitive fields, over how many records", async () => {
    const graph = await client.settledLineage();
    const node = graph.nodes.find((n) => n.id === 'data/loose.csv');
    assert.ok(node, JSON.stringify(graph.nodes.map((n) => n.id)));
    assert.equal(node.kind, 'dataset');
    assert.equal(node.content, 'content: 1 sensitive field (all 2 records read)');
    // The asset says what the data files its location glob matches hold, as `crownguard lineage` does.
    assert.equal(
      graph.nodes.find((n) => n.id === 'support-tickets')?.content,
      'content: 3 sensitive fields (all 2 records read)',
    );
    // Nodes that are no data file of the workspace, nor an asset matching some, have none.
    assert.ok(
      graph.nodes
        .filter((n) => n.id !== 'data/loose.csv' && n.id !== 'support-tickets')
        .every((n) => n.content === undefined),
    );
  });

  it('hovers on a field’s first occurrence with what was found and in how many sampled records', async () => {
    const uri = await client.open('data/tickets/march.jsonl', 'jsonl', TICKETS);
    const at = TICKETS.indexOf('"contact"') + 3;
    const hover = (await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: { line: 0, character: at },
    })) as Hover | null;
    assert.ok(hover);
    const value = (hover.contents as { value: string }).value as string;
    assert.equal(value, 'field `contact`: email addresses in 2 of 2 records');
    assert.deepEqual(hover.range, {
      start: { line: 0, character: at - 3 },
      end: { line: 0, character: at - 3 + '"contact"'.length },
    });
    // A value is no field: nothing is said there.
    const onValue = await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: { line: 0, character: TICKETS.indexOf('ann.lee') + 2 },
    });
    assert.equal(onValue, null);
  });
});
