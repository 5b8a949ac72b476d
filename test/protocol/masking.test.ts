import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CodeActionRequest,
  CompletionRequest,
  DocumentDiagnosticRequest,
  DocumentSymbolRequest,
  HoverRequest,
  WorkspaceSymbolRequest,
  type CodeAction,
  type FullDocumentDiagnosticReport,
  type SymbolInformation,
} from 'vscode-languageserver-protocol/node';
import { LineageRequests, type LineageGraphInfo, type LineageNodeInfo } from '../../shared/lineage-protocol';
import { TestClient } from '../support/lsp-client';
import { CLI } from '../support/paths';
import { KINDS, leaksIn, plantedWorkspace, type PlantedWorkspace } from '../support/planted';

/**
 * Nothing the tool flagged is ever printed: a workspace with a value of every literal detector's
 * kind in every position, and every output of the CLI and the language server read for them.
 * Location URIs are the one exception: they name files the editor already shows, and masking
 * them would break navigation.
 */
const MASKED = /<[a-z_]+:[0-9a-f]{8}>/;

/** A response as text, without the file URIs an editor needs to open a location or apply an edit. */
const shown = (value: unknown) =>
  JSON.stringify(value, (k, v: unknown) => (k === 'uri' || k === 'targetUri' ? undefined : k === 'changes' && v && typeof v === 'object' ? Object.values(v) : v));

describe('no planted value leaves the tool', () => {
  let ws: PlantedWorkspace;
  before(() => {
    ws = plantedWorkspace();
  });
  after(() => ws.remove());

  it('plants every literal kind in every position', () => {
    const kinds = new Set(ws.planted.map((p) => p.kind));
    assert.deepEqual([...kinds].sort(), [...KINDS].sort());
    const positions = new Set(ws.planted.map((p) => p.position));
    for (const p of ['stage id', 'stage input', 'stage output', 'release name', 'deployment target', 'tier id', 'asset id', 'file name', 'field name', 'policy id', 'asset description', 'waiver reason'])
      assert.ok(positions.has(p), p);
  });

  describe('the CLI', () => {
    const key = { CROWNGUARD_MASK_KEY: 'masking test key, long enough' };
    const run = (args: string[], env: Record<string, string> = {}) => {
      const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ws.dir, encoding: 'utf8', env: { ...process.env, ...env } });
      return { code: r.status, out: r.stdout + r.stderr, stdout: r.stdout };
    };
    const clean = (what: string, text: string) => assert.deepEqual(leaksIn(text, ws.planted), [], `${what} printed planted values`);

    it('check in every format, and waivers', () => {
      for (const format of ['text', 'json', 'sarif']) {
        const r = run(['check', '.', '--format', format]);
        assert.ok(r.stdout.length > 1000, `check --format ${format} reported: ${r.out.slice(0, 500)}`);
        clean(`check --format ${format}`, r.out);
      }
      for (const format of ['text', 'json']) {
        const r = run(['waivers', '.', '--format', format]);
        assert.match(r.stdout, /CG101/);
        clean(`waivers --format ${format}`, r.out);
      }
    });

    it('lineage in every format, and explain, upstream and downstream by masked id', () => {
      for (const format of ['text', 'json', 'mermaid', 'dot', 'openlineage']) {
        const r = run(['lineage', '--format', format], key);
        assert.equal(r.code, 0, r.out);
        clean(`lineage --format ${format}`, r.out);
      }
      const graph = JSON.parse(run(['lineage', '--format', 'json'], key).stdout) as { nodes: { id: string; kind: string }[] };
      const masked = graph.nodes.filter((n) => MASKED.test(n.id));
      assert.ok(masked.length > 50, 'sensitive ids are shown masked');
      // A masked asset, stage and deployment: a masked id names its node in the next run with the same key.
      const one = ['asset', 'stage', 'deployment'].map((kind) => masked.find((n) => n.kind === kind)!);
      for (const [i, n] of one.entries()) {
        for (const args of [[n.id, '--explain', ...(i === 0 ? [] : ['--format', 'json'])], [n.id, ...(i === 1 ? ['--downstream'] : ['--upstream', '--format', 'dot'])]]) {
          const r = run(['lineage', ...args], key);
          assert.equal(r.code, 0, `lineage ${args.join(' ')}: ${r.out}`);
          clean(`lineage ${args.join(' ')}`, r.out);
        }
      }
      // As written in the file works too, and is not echoed back.
      const stage = ws.planted.find((p) => p.kind === 'ssn' && p.position === 'stage id')!;
      const pipeline = ws.planted.find((p) => p.position === 'pipeline name')!;
      const r = run(['lineage', `${pipeline.written}/${stage.written}`, '--explain']);
      assert.equal(r.code, 0, r.out);
      clean('lineage --explain with a raw id', r.out);
      const missing = run(["lineage", `not-there/${stage.written}`]);
      assert.equal(missing.code, 2);
      clean('an unknown raw id', missing.out);
    });
  });

  describe('the language server', () => {
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

    it('diagnostics, code actions, hovers, completion and symbols of every file', async () => {
      for (const f of ws.files) {
        const uri = await client.open(f.path, f.languageId);
        const text = readFileSync(path.join(ws.dir, f.path), 'utf8');
        const report = await send<FullDocumentDiagnosticReport>(DocumentDiagnosticRequest.type, { textDocument: { uri } });
        for (const d of report.items) await send<CodeAction[]>(CodeActionRequest.type, { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
        await send(DocumentSymbolRequest.type, { textDocument: { uri } });
        // Hover and complete at every planted value written in this file (inside it, past its first character).
        const lines = text.split('\n');
        for (const [i, line] of lines.entries()) {
          for (const p of ws.planted) {
            const at = line.indexOf(JSON.stringify(p.written).slice(1, -1));
            if (at < 0) continue;
            const position = { line: i, character: at + 2 };
            await send(HoverRequest.type, { textDocument: { uri }, position });
            await send(CompletionRequest.type, { textDocument: { uri }, position });
            await send(LineageRequests.nodeAt, { textDocument: { uri }, position });
          }
        }
      }
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
      let found = 0;
      for (const n of nodes) {
        const up = await send<LineageGraphInfo>(LineageRequests.upstream, { id: n.id });
        found += up.nodes.length > 0 ? 1 : 0;
        await send(LineageRequests.downstream, { id: n.id, depth: 2 });
        await send(LineageRequests.explain, { id: n.id });
        await send(LineageRequests.modelsCarrying, { id: n.id });
      }
      // Masked ids still name their nodes, and edges still join them.
      assert.equal(found, nodes.length);
      const asset = masked.find((n) => n.kind === 'asset')!;
      const down = await send<LineageGraphInfo>(LineageRequests.downstream, { id: asset.id });
      assert.ok(down.edges.length > 0 && down.edges.every((e) => down.nodes.some((x) => x.id === e.from) && down.nodes.some((x) => x.id === e.to)));
      const far = down.nodes[down.nodes.length - 1];
      assert.notEqual(await send(LineageRequests.path, { from: asset.id, to: far.id }), null);
      assert.deepEqual(leaksIn(responses.join('\n'), ws.planted), []);
    });
  });
});
