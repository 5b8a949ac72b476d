// Time from editing one manifest to its updated diagnostics, in a workspace of many manifests,
// over the real protocol.
//
// Generates --manifests manifests (pipelines, model releases, Axolotl configs; see
// manifests.mjs), starts `crownguard lsp --stdio` on them, opens one pipeline and makes --edits
// edits (a misspelt input id, then its repair, alternately), each followed by a pull-diagnostics
// request; prints the median and p95 from change to answer.
//
// References in the same run: the first answer (every manifest read, parsed and validated: what
// re-validating the whole workspace after each edit would cost), the floor (a YAML parse of the
// edited file's texts alone: no checker can answer faster), and that parse plus schema
// validation with ajv; the machine's load average, since figures on a loaded machine read as
// ratios to the floor.
//
//   node bench/manifest-edit.mjs                          # 2,000 manifests, 40 edits
//   node bench/manifest-edit.mjs --manifests 100 --edits 4   # smoke run (CI)
//   node bench/manifest-edit.mjs --cpu-prof /tmp/prof         # also profiles the server
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { quantile, rpc, startServer } from './lsp.mjs';
import { writeManifestWorkspace } from './manifests.mjs';

const require = createRequire(import.meta.url);
const YAML = require('yaml');
const Ajv = require('ajv');

const { values } = parseArgs({
  options: {
    manifests: { type: 'string', default: '2000' },
    edits: { type: 'string', default: '40' },
    // Writes a CPU profile of the server to this folder (open it in Chrome's DevTools).
    'cpu-prof': { type: 'string' },
  },
});
const MANIFESTS = Number(values.manifests);
const EDITS = Number(values.edits);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Median and p95 of parsing the edited file's text alone (with `validate`, also validating it). */
function floor(texts, validate) {
  const times = [];
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    const doc = YAML.parseDocument(texts[i % texts.length]);
    if (validate) validate(doc.toJS());
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { median: quantile(times, 0.5), p95: quantile(times, 0.95) };
}

/**
 * The server's CPU time so far in ms (user + system, from /proc at 10 ms resolution; undefined
 * elsewhere). A loaded machine stretches wall times but not this, so it is printed beside them.
 */
function serverCpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

const dir = mkdtempSync(path.join(tmpdir(), 'crownguard-bench-'));
const files = writeManifestWorkspace(dir, MANIFESTS);
const { conn, stop, pid } = await startServer(dir, undefined, {
  nodeArgs: values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(values['cpu-prof'])}`] : [],
});
try {
  const rel = files.pipelines[Math.floor(files.pipelines.length / 2)];
  const uri = pathToFileURL(path.join(dir, rel)).href;
  const original = readFileSync(path.join(dir, rel), 'utf8');
  await conn.sendNotification(rpc.DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'yaml', version: 1, text: original },
  });
  const pull = () => conn.sendRequest(rpc.DocumentDiagnosticRequest.type, { textDocument: { uri } });
  let t = performance.now();
  const first = await pull();
  const cold = performance.now() - t;

  const times = [];
  const cpu = [];
  let found = 0;
  for (let i = 0; i < EDITS; i++) {
    // A misspelt reference to the previous stage's output, then its repair.
    const text = i % 2 === 0 ? original.replace(/inputs: \[(p\d+-s2)\]/, 'inputs: [$1x]') : original;
    const cpuBefore = serverCpuMs(pid);
    t = performance.now();
    await conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: i + 2 },
      contentChanges: [{ text }],
    });
    const r = await pull();
    times.push(performance.now() - t);
    const cpuAfter = serverCpuMs(pid);
    if (cpuBefore !== undefined && cpuAfter !== undefined) cpu.push(cpuAfter - cpuBefore);
    if (i % 2 === 0 && r.items.some((d) => d.code === 'CG003')) found++;
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const texts = [original.replace(/inputs: \[(p\d+-s2)\]/, 'inputs: [$1x]'), original];
  floor(texts); // warm-up: the server's code is warm too
  const parse = floor(texts);
  const validate = new Ajv({ strict: false, allErrors: true }).compile(
    JSON.parse(readFileSync(path.join(repo, 'schemas', 'pipeline.schema.json'), 'utf8')),
  );
  const validated = floor(texts, validate);
  const median = quantile(times, 0.5);
  const p95 = quantile(times, 0.95);
  const ms = (x) => `${x.toFixed(1)} ms`;
  console.log(`manifest edit to diagnostics over the protocol: ${MANIFESTS} manifests, ${EDITS} edits of one pipeline`);
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} on ${cpus().length} cores`,
  );
  console.log(
    `first answer (whole workspace read and validated) ${ms(cold)}, ${first.items.length} findings; ` +
      `misspelt ids reported ${found}/${Math.ceil(EDITS / 2)}`,
  );
  console.log('| | median | p95 |');
  console.log('|---|---|---|');
  console.log(`| edit to diagnostics | ${ms(median)} | ${ms(p95)} |`);
  if (cpu.length)
    console.log(
      `| server CPU per edit (/proc, 10 ms steps; mean ${(cpu.reduce((a, b) => a + b, 0) / cpu.length).toFixed(1)} ms) | ${ms(quantile(cpu, 0.5))} | ${ms(quantile(cpu, 0.95))} |`,
    );
  console.log(`| floor: YAML parse of the edited file | ${ms(parse.median)} | ${ms(parse.p95)} |`);
  console.log(`| YAML parse + schema validation of the edited file | ${ms(validated.median)} | ${ms(validated.p95)} |`);
  console.log(
    `ratio to the floor: median ${(median / parse.median).toFixed(1)}x, p95 ${(p95 / parse.p95).toFixed(1)}x; edit/first-answer ${(median / cold).toFixed(3)}`,
  );
} finally {
  await stop();
  rmSync(dir, { recursive: true, force: true });
}
