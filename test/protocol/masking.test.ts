import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CodeActionRequest,
  CompletionRequest,
  DocumentDiagnosticRequest,
  DocumentLinkRequest,
  DocumentSymbolRequest,
  HoverRequest,
  WorkspaceSymbolRequest,
  type CodeAction,
  type DocumentLink,
  type FullDocumentDiagnosticReport,
  type SymbolInformation,
} from 'vscode-languageserver-protocol/node';
import { LineageRequests, type LineageGraphInfo, type LineageNodeInfo } from '../../shared/lineage-protocol';
import { TestClient } from '../support/lsp-client';
import { leaksIn, plantedWorkspace, type PlantedWorkspace } from '../support/planted';

/**
 * Nothing the tool flagged is ever printed: a workspace with a value of every literal detector's
 * kind in every position (test/support/planted.ts), and every output of the language server
 * read for them. Location URIs are the one exception: they name files the editor already shows, and masking
 * them would break navigation.
 */
const MASKED = /<[a-z_]+:[0-9a-f]{8}>/;

/** A response as text, without the file URIs an editor needs to open a location, a link or apply an edit. */
const shown = (value: unknown) =>
  JSON.stringify(value, (k, v: unknown) =>
    k === 'uri' || k === 'targetUri' || k === 'target'
      ? undefined
      : k === 'changes' && v && typeof v === 'object'
        ? Object.values(v)
        : v,
  );

describe('no planted value leaves the language server', () => {
  let ws: PlantedWorkspace;
  before(() => {
    ws = plantedWorkspace();
  });
  after(() => ws.remove());

  let client: TestClient;
  const responses: string[] = [];
  const send = async <R>(method: string | { method: string }, params: object): Promise<R> => {
    const r = (await client.connection.sendRequest(typeof method === 'string' ? method : method.method, params)) as R;
    responses.push(shown(r));
    return r;
  };
  before(async () => {
    client = await TestClient.start({ folder: ws.dir, pull: true, snippets: true });
    // The server's log lines are outputs too.
    client.connection.onNotification('window/logMessage', (p: unknown) => {
      responses.push(shown(p));
    });
  });
  after(async () => {
    await client.stop();
  });

  it('diagnostics, code actions, hovers, completion, links and symbols of every file', async () => {
    let linked = 0;
    for (const f of ws.files) {
      const uri = await client.open(f.path, f.languageId);
      const text = readFileSync(path.join(ws.dir, f.path), 'utf8');
      const report = await send<FullDocumentDiagnosticReport>(DocumentDiagnosticRequest.type, {
        textDocument: { uri },
      });
      // Requests go out together: the server answers them in order, without a round trip each.
      await Promise.all(
        report.items.map((d) =>
          send<CodeAction[]>(CodeActionRequest.type, {
            textDocument: { uri },
            range: d.range,
            context: { diagnostics: [d] },
          }),
        ),
      );
      await send(DocumentSymbolRequest.type, { textDocument: { uri } });
      const links = await send<DocumentLink[] | null>(DocumentLinkRequest.type, { textDocument: { uri } });
      linked += links?.length ?? 0;
      // Hover and complete at every planted value written in this file (inside it, past its first character).
      const lines = text.split('\n');
      const asked: Promise<unknown>[] = [];
      for (const [i, line] of lines.entries()) {
        for (const p of ws.planted) {
          const at = line.indexOf(JSON.stringify(p.written).slice(1, -1));
          if (at < 0) continue;
          const position = { line: i, character: at + 2 };
          asked.push(
            send(HoverRequest.type, { textDocument: { uri }, position }),
            send(CompletionRequest.type, { textDocument: { uri }, position }),
            send(LineageRequests.nodeAt, { textDocument: { uri }, position }),
          );
        }
      }
      await Promise.all(asked);
    }
    assert.ok(linked > 0, 'artifacts named by a value are linked');
    const hovers = responses.filter((r) => r.includes('"contents"'));
    assert.ok(hovers.length > 100, `hovers answered: ${hovers.length}`);
    assert.deepEqual(leaksIn(responses.join('\n'), ws.planted), []);
  });

  it('workspace symbols and every lineage request, by the masked ids the server gave', async () => {
    const symbols = await send<SymbolInformation[]>(WorkspaceSymbolRequest.type, { query: '' });
    assert.ok(symbols.some((s) => MASKED.test(s.name)));
    for (const kind of ['ssn', 'github_token', 'email']) await send(WorkspaceSymbolRequest.type, { query: kind });
    const { nodes } = await send<{ nodes: LineageNodeInfo[] }>(LineageRequests.nodes, {});
    await send(LineageRequests.graph, {});
    const masked = nodes.filter((n) => MASKED.test(n.id));
    assert.ok(masked.length > 50, 'sensitive ids are shown masked');
    const ups = await Promise.all(
      nodes.map(async (n) => {
        const [up] = await Promise.all([
          send<LineageGraphInfo>(LineageRequests.upstream, { id: n.id }),
          send(LineageRequests.downstream, { id: n.id, depth: 2 }),
          send(LineageRequests.explain, { id: n.id }),
          send(LineageRequests.modelsCarrying, { id: n.id }),
        ]);
        return up;
      }),
    );
    // Masked ids still name their nodes, and edges still join them.
    assert.ok(ups.every((up, i) => up.nodes.some((x) => x.id === nodes[i].id)));
    const asset = masked.find((n) => n.kind === 'asset')!;
    const down = await send<LineageGraphInfo>(LineageRequests.downstream, { id: asset.id });
    assert.ok(
      down.edges.length > 0 &&
        down.edges.every((e) => down.nodes.some((x) => x.id === e.from) && down.nodes.some((x) => x.id === e.to)),
    );
    const far = down.nodes[down.nodes.length - 1];
    assert.notEqual(await send(LineageRequests.path, { from: asset.id, to: far.id }), null);
    assert.deepEqual(leaksIn(responses.join('\n'), ws.planted), []);
  });
});
