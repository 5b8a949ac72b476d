// Lineage graph: build, update after one manifest edit, and upstream/downstream queries, over
// the real protocol.
//
// Generates --manifests manifests (about ten lineage nodes each; see manifests.mjs), starts
// `crownguard lsp --stdio` on them and times:
//   - build: the first `crownguard/lineage/nodes` request (every file read, parsed, the graph built);
//   - update: a change to one pipeline (a stage reads another input) and the next request that
//     answers from the new graph, median and p95 over --edits edits;
//   - queries: upstream and downstream of nodes across the workspace, median and p95.
// Reference in the same run: yaml's parse of every manifest, in process (the floor for any tool
// that reads the files).
//
//   node bench/lineage.mjs                          # 2,000 manifests, 20 edits, 200 queries
//   node bench/lineage.mjs --manifests 100 --edits 3 --queries 10   # smoke run (CI)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { quantile, rpc, startServer } from './lsp.mjs';
import { writeManifestWorkspace } from './manifests.mjs';

const require = createRequire(import.meta.url);
const YAML = require('yaml');

const { values } = parseArgs({
  options: {
    manifests: { type: 'string', default: '2000' },
    edits: { type: 'string', default: '20' },
    queries: { type: 'string', default: '200' },
  },
});
const MANIFESTS = Number(values.manifests);
const EDITS = Number(values.edits);
const QUERIES = Number(values.queries);
const stats = (times) => {
  const s = [...times].sort((a, b) => a - b);
  return `median ${quantile(s, 0.5).toFixed(1)} ms  p95 ${quantile(s, 0.95).toFixed(1)} ms`;
};

const dir = mkdtempSync(path.join(tmpdir(), 'crownguard-bench-'));
const files = writeManifestWorkspace(dir, MANIFESTS);
const all = [...files.pipelines, ...files.releases, ...files.configs];
let t = performance.now();
for (const f of all) YAML.parse(readFileSync(path.join(dir, f), 'utf8'));
const floor = performance.now() - t;

const { conn, stop } = await startServer(dir, { textDocument: {}, workspace: {} });
try {
  t = performance.now();
  const { nodes } = await conn.sendRequest('crownguard/lineage/nodes', {});
  const build = performance.now() - t;
  const edges = (await conn.sendRequest('crownguard/lineage/graph', {})).edges.length;

  // Edits: a pipeline in the middle changes what its third stage reads, back and forth.
  const rel = files.pipelines[Math.floor(files.pipelines.length / 2)];
  const uri = pathToFileURL(path.join(dir, rel)).href;
  const original = readFileSync(path.join(dir, rel), 'utf8');
  const p = /name: pipe-(\d+)/.exec(original)[1];
  await conn.sendNotification(rpc.DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'yaml', version: 1, text: original },
  });
  const updates = [];
  let seen = 0;
  for (let i = 0; i < EDITS; i++) {
    const text = i % 2 === 0 ? original.replace(`inputs: [p${p}-s1]`, 'inputs: [asset-1]') : original;
    t = performance.now();
    await conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: i + 2 },
      contentChanges: [{ text }],
    });
    const up = await conn.sendRequest('crownguard/lineage/upstream', { id: `pipe-${p}/s2`, depth: 1 });
    updates.push(performance.now() - t);
    if (up.nodes.some((n) => n.id === 'asset-1') === (i % 2 === 0)) seen++;
  }

  const queries = { upstream: [], downstream: [] };
  let reached = 0;
  for (let i = 0; i < QUERIES; i++) {
    const id = nodes[Math.floor(((i + 0.5) / QUERIES) * nodes.length)].id;
    for (const direction of ['upstream', 'downstream']) {
      t = performance.now();
      const r = await conn.sendRequest(`crownguard/lineage/${direction}`, { id });
      queries[direction].push(performance.now() - t);
      reached += r.nodes.length;
    }
  }
  console.log(`lineage over the protocol: ${MANIFESTS} manifests, ${nodes.length} nodes, ${edges} edges`);
  console.log(
    `build (first request: read, parse, graph) ${build.toFixed(0)} ms; reference: yaml parse of every manifest ${floor.toFixed(0)} ms (ratio ${(build / floor).toFixed(1)})`,
  );
  console.log(`update after one manifest edit: ${stats(updates)}; the new edge seen ${seen}/${EDITS}`);
  console.log(
    `upstream query: ${stats(queries.upstream)}; downstream query: ${stats(queries.downstream)}; ${(reached / Math.max(1, 2 * QUERIES)).toFixed(0)} nodes per answer on average`,
  );
} finally {
  await stop();
  rmSync(dir, { recursive: true, force: true });
}
