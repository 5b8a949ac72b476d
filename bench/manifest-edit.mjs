// Time from editing one manifest to its updated diagnostics, in a workspace of many manifests,
// over the real protocol.
//
// Generates --manifests manifests (pipelines, model releases, Axolotl configs; see
// manifests.mjs), starts `crownguard lsp --stdio` on them, opens one pipeline and makes --edits
// edits (a misspelt input id, then its repair, alternately), each followed by a pull-diagnostics
// request; prints the median and p95 from change to answer.
//
// References in the same run: the first answer (every manifest read, parsed and validated: what
// re-validating the whole workspace after each edit would cost), and parsing plus schema
// validation of the edited file alone with yaml and ajv (the floor for any validator).
//
//   node bench/manifest-edit.mjs                          # 2,000 manifests, 40 edits
//   node bench/manifest-edit.mjs --manifests 100 --edits 4   # smoke run (CI)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { quantile, rpc, startServer } from './lsp.mjs';
import { writeManifestWorkspace } from './manifests.mjs';

const require = createRequire(import.meta.url);
const YAML = require('yaml');
const Ajv = require('ajv');

const { values } = parseArgs({
  options: { manifests: { type: 'string', default: '2000' }, edits: { type: 'string', default: '40' } },
});
const MANIFESTS = Number(values.manifests);
const EDITS = Number(values.edits);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function floor(text) {
  const validate = new Ajv({ strict: false, allErrors: true }).compile(
    JSON.parse(readFileSync(path.join(repo, 'schemas', 'pipeline.schema.json'), 'utf8')),
  );
  const times = [];
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    validate(YAML.parseDocument(text).toJS());
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[25];
}

const dir = mkdtempSync(path.join(tmpdir(), 'crownguard-bench-'));
const files = writeManifestWorkspace(dir, MANIFESTS);
const { conn, stop } = await startServer(dir);
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
  let found = 0;
  for (let i = 0; i < EDITS; i++) {
    // A misspelt reference to the previous stage's output, then its repair.
    const text = i % 2 === 0 ? original.replace(/inputs: \[(p\d+-s2)\]/, 'inputs: [$1x]') : original;
    t = performance.now();
    await conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: i + 2 },
      contentChanges: [{ text }],
    });
    const r = await pull();
    times.push(performance.now() - t);
    if (i % 2 === 0 && r.items.some((d) => d.code === 'CG003')) found++;
  }
  times.sort((a, b) => a - b);
  const f = floor(original);
  const median = quantile(times, 0.5);
  console.log(`manifest edit to diagnostics over the protocol: ${MANIFESTS} manifests, ${EDITS} edits of one pipeline`);
  console.log(
    `first answer (whole workspace read and validated) ${cold.toFixed(1)} ms, ${first.items.length} findings; ` +
      `edit median ${median.toFixed(1)} ms  p95 ${quantile(times, 0.95).toFixed(1)} ms; misspelt ids reported ${found}/${Math.ceil(EDITS / 2)}`,
  );
  console.log(
    `reference: yaml parse + ajv validate of the edited file alone ${f.toFixed(2)} ms; ratio edit/first-answer ${(median / cold).toFixed(3)}, edit/single-file-floor ${(median / f).toFixed(1)}`,
  );
} finally {
  await stop();
  rmSync(dir, { recursive: true, force: true });
}
