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
//
// With --workspace DIR, a real workspace instead (a governance manifest, pipelines, data files):
// the server is started on DIR and asked for `crownguard/lineage/graph`, and it times the first
// answer, the answer whose content lines are complete (the server says the graph changed once
// the data files are profiled) and hovers on another file meanwhile; then `crownguard lineage
// --root DIR --format json` as the floor, whose tiers and content lines the server's must equal.
// CPU times (user + system, from /proc) are printed beside wall times: the machine may be busy.
//
//   node bench/lineage.mjs --workspace /tmp/LLaMA-Factory-with-governance
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
    workspace: { type: 'string' },
  },
});
if (values.workspace) {
  await realWorkspace(path.resolve(values.workspace));
  process.exit(0);
}
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

/** CPU time (user + system, ms) a process has used so far, from /proc; NaN where there is none. */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** `crownguard lineage --format json` on `dir` as a child process: its nodes, wall time and CPU time. */
function cliLineage(dir) {
  const cli = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'dist', 'cli.js');
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(process.execPath, [cli, 'lineage', '--root', dir, '--format', 'json'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    let cpu = NaN;
    child.stdout.on('data', (d) => {
      out += d;
    });
    // The child's CPU time is read just before it is reaped.
    const poll = setInterval(() => {
      const c = cpuMs(child.pid);
      if (!Number.isNaN(c)) cpu = c;
    }, 20);
    child.on('close', (code) => {
      clearInterval(poll);
      if (code !== 0) return reject(new Error(`lineage exited ${code}`));
      resolve({ nodes: JSON.parse(out).nodes, ms: performance.now() - t, cpu });
    });
  });
}

async function realWorkspace(dir) {
  // A content line the server has not read the data files for yet.
  const PENDING = /^content: reading/;
  const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const other = path.join(mkdtempSync(path.join(tmpdir(), 'crownguard-bench-')), 'notes.py');
  writeFileSync(other, 'print("hello")\n');
  const started = performance.now();
  const { conn, stop, pid } = await startServer(dir, { textDocument: {}, workspace: {} });
  let ready = NaN;
  let changes = 0;
  conn.onNotification('crownguard/lineage/didChange', () => changes++);
  let first;
  let complete;
  const hovers = [];
  try {
    const uri = pathToFileURL(other).href;
    await conn.sendNotification(rpc.DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'python', version: 1, text: 'print("hello")\n' },
    });
    const hover = () =>
      conn.sendRequest(rpc.HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 1 } });
    // The engine's parsers load after initialize: a first request waits for them, whatever it
    // asks. A hover on a document that is not open waits for them without building the lineage.
    await conn.sendRequest(rpc.HoverRequest.type, {
      textDocument: { uri: `${uri}.not-open` },
      position: { line: 0, character: 1 },
    });
    ready = performance.now() - started;
    const cpu0 = cpuMs(pid);
    const t = performance.now();
    let done = false;
    const hovering = (async () => {
      while (!done) {
        const h = performance.now();
        await hover();
        hovers.push(performance.now() - h);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    let graph = await conn.sendRequest('crownguard/lineage/graph', {});
    first = {
      ms: performance.now() - t,
      cpu: cpuMs(pid) - cpu0,
      pending: graph.nodes.filter((n) => PENDING.test(n.content ?? '')).length,
    };
    // The graph changed notification, then the graph again, until no content line is pending.
    while (graph.nodes.some((n) => PENDING.test(n.content ?? ''))) {
      const seen = changes;
      while (changes === seen) await new Promise((resolve) => setTimeout(resolve, 10));
      graph = await conn.sendRequest('crownguard/lineage/graph', {});
    }
    complete = { ms: performance.now() - t, cpu: cpuMs(pid) - cpu0, graph };
    done = true;
    await hovering;
  } finally {
    await stop();
    rmSync(path.dirname(other), { recursive: true, force: true });
  }
  const cli = await cliLineage(dir);
  // Content lines must be equal; tiers may differ, as the editor's take what data files hold
  // into account (the CLI's only with --explain).
  const shown = (nodes) =>
    JSON.stringify(nodes.map((n) => [n.id, n.content ?? null]).sort((a, b) => (a[0] < b[0] ? -1 : 1)));
  const same = shown(cli.nodes) === shown(complete.graph.nodes);
  const contents = complete.graph.nodes.filter((n) => n.content).length;
  hovers.sort((a, b) => a - b);
  console.log(
    `lineage of ${dir}: ${complete.graph.nodes.length} nodes, ${contents} with a content line; server ready (parsers loaded) ${fmt(ready)} after start, then the lineage was asked for`,
  );
  console.table([
    {
      step: 'server: first lineage/graph answer',
      wall: fmt(first.ms),
      cpu: fmt(first.cpu),
      note: `${first.pending} content lines pending`,
    },
    {
      step: 'server: content complete',
      wall: fmt(complete.ms),
      cpu: fmt(complete.cpu),
      note: `ratio to floor (wall) ${(complete.ms / cli.ms).toFixed(2)}`,
    },
    {
      step: 'floor: crownguard lineage --format json',
      wall: fmt(cli.ms),
      cpu: fmt(cli.cpu),
      note: same ? 'same content lines' : 'DIFFERENT content lines',
    },
  ]);
  console.log(
    `hovers on another file meanwhile: ${hovers.length}, p50 ${quantile(hovers, 0.5).toFixed(0)} ms, max ${hovers[hovers.length - 1].toFixed(0)} ms`,
  );
  if (!same) {
    console.log('cli   ', shown(cli.nodes));
    console.log('server', shown(complete.graph.nodes));
    process.exitCode = 1;
  }
}
