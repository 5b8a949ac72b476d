// Memory of the language server over many edits of a governance manifest, over the real protocol.
//
// Opens a governance.yaml declaring three team policies and makes --edits edits, each changing
// one policy's `require` (so each edit brings a schema the server has not compiled before),
// each followed by a pull-diagnostics request, and prints the server's RSS at ten points.
// The floor is a fresh server doing the same number of edits and pulls to a plain .txt
// document, which CrownGuard does not analyse: what the protocol and the document store cost.
//
//   node bench/governance-edits.mjs                 # 5,000 edits
//   node bench/governance-edits.mjs --edits 50      # smoke run (CI)
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { rpc, startServer } from './lsp.mjs';

const { values } = parseArgs({ options: { edits: { type: 'string', default: '5000' } } });
const EDITS = Number(values.edits);
const POINTS = 10;

/** The manifest after edit `i`: policy `i % 3` requires a region pattern that names `i`. */
function governance(i) {
  const policy = (n) => {
    const region = i % 3 === n ? `^eu-${i}-` : '^eu-';
    return [
      `  - id: team-policy-${n}`,
      `    description: Team rule ${n}`,
      '    when: { required: [stage, data], properties: { stage: { properties: { type: { const: fine-tune } } }, data: { properties: { crownJewel: { const: true } } } } }',
      `    require: { properties: { stage: { properties: { compute: { required: [region], properties: { region: { pattern: "${region}" } } } } } } }`,
      '    at: [compute, region]',
    ];
  };
  return [
    'apiVersion: crownguard/v1',
    'kind: Governance',
    'assets:',
    '  - id: crm',
    '    tier: restricted',
    'policies:',
    ...policy(0),
    ...policy(1),
    ...policy(2),
    '',
  ].join('\n');
}

/** Resident set size of a process, in MB, from /proc. */
function rssMb(pid) {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return kb / 1024;
}

async function run(name, languageId, textAt) {
  const dir = mkdtempSync(path.join(tmpdir(), 'crownguard-bench-'));
  const file = path.join(dir, name);
  writeFileSync(file, textAt(0));
  const { conn, stop, pid } = await startServer(dir);
  const uri = pathToFileURL(file).href;
  const samples = [];
  const started = performance.now();
  try {
    await conn.sendNotification(rpc.DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId, version: 1, text: textAt(0) },
    });
    await conn.sendRequest(rpc.DocumentDiagnosticRequest.type, { textDocument: { uri } });
    samples.push([0, rssMb(pid)]);
    for (let i = 1; i <= EDITS; i++) {
      await conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, {
        textDocument: { uri, version: i + 1 },
        contentChanges: [{ text: textAt(i) }],
      });
      await conn.sendRequest(rpc.DocumentDiagnosticRequest.type, { textDocument: { uri } });
      if (i % Math.max(1, Math.round(EDITS / POINTS)) === 0 || i === EDITS) samples.push([i, rssMb(pid)]);
    }
  } finally {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return { samples, seconds: (performance.now() - started) / 1000 };
}

console.log(`server RSS over ${EDITS} edits, each followed by a pull, over the protocol`);
const gov = await run('governance.yaml', 'yaml', governance);
const floor = await run('notes.txt', 'plaintext', (i) => `plain notes, revision ${i}\n`.repeat(20));
console.log('edits   governance.yaml (three team policies)   notes.txt (the floor)');
for (let k = 0; k < gov.samples.length; k++) {
  const [i, mb] = gov.samples[k];
  console.log(
    `${String(i).padStart(5)}   ${mb.toFixed(0).padStart(6)} MB${' '.repeat(33)}${(floor.samples[k]?.[1] ?? NaN).toFixed(0).padStart(6)} MB`,
  );
}
const growth = gov.samples[gov.samples.length - 1][1] - gov.samples[0][1];
const floorGrowth = floor.samples[floor.samples.length - 1][1] - floor.samples[0][1];
console.log(
  `growth: ${growth.toFixed(0)} MB (floor ${floorGrowth.toFixed(0)} MB); ${gov.seconds.toFixed(1)} s for the governance edits, ${floor.seconds.toFixed(1)} s for the floor`,
);
