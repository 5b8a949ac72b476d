// Edit-to-diagnostics latency of the language server, over the real protocol.
//
// Starts `crownguard lsp --stdio` (the built CLI), opens a generated Python and TypeScript file
// of --lines lines, then makes --edits one-line edits, each followed by a pull-diagnostics
// request, and prints the median and p95 of the time from the change to the answer. Each edit
// is sent as a range change, as an editor does with incremental sync.
//
// References in the same run: the floor, the same edits to a .txt document of the same text
// (the server analyses nothing there: what remains is the protocol and the server's own
// document bookkeeping); the server's first answer for the file (a full analysis, no retained
// tree); and one full tree-sitter parse of the same text, which any analyser that re-parses
// the whole file after each keystroke pays at least.
//
//   node bench/edit-latency.mjs                     # 10,000 lines, 50 edits
//   node bench/edit-latency.mjs --lines 400 --edits 5   # smoke run (CI)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { pythonFile, typescriptFile } from './generate.mjs';
import { quantile, rpc, startServer } from './lsp.mjs';

const require = createRequire(import.meta.url);
const TreeSitter = require('web-tree-sitter');

const { values } = parseArgs({
  options: { lines: { type: 'string', default: '10000' }, edits: { type: 'string', default: '50' } },
});
const LINES = Number(values.lines);
const EDITS = Number(values.edits);

async function treeSitterFullParse(grammar, text) {
  await TreeSitter.Parser.init();
  const wasm = path.join(
    path.dirname(require.resolve('@vscode/tree-sitter-wasm/package.json')),
    'wasm',
    `tree-sitter-${grammar}.wasm`,
  );
  const parser = new TreeSitter.Parser();
  parser.setLanguage(await TreeSitter.Language.load(wasm));
  parser.parse(text).delete(); // warm-up: the first parse compiles the WASM
  const times = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    parser.parse(text).delete();
    times.push(performance.now() - t);
  }
  parser.delete();
  return times.sort((a, b) => a - b)[2];
}

const lines0 = (text) => text.split('\n');

/**
 * Makes the --edits one-line edits to the open document `uri` (whose lines are `lines`, edited
 * in place), each sent as the range change an editor sends and followed by a pull-diagnostics
 * request; returns the time of each from the change to the answer.
 */
async function editAll(uri, lines, comment) {
  const times = [];
  for (let i = 0; i < EDITS; i++) {
    // Spread the edits over the file, and alternate adding a leak and adding a comment.
    const at = 5 + Math.floor(((i + 0.5) / EDITS) * (lines.length - 10));
    const before = lines[at];
    lines[at] = i % 2 === 0 ? `${before} ${comment} edit ${i}` : before.replace(/record\.id\b/, 'record.ssn');
    const t = performance.now();
    await conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: i + 2 },
      contentChanges: [
        {
          range: { start: { line: at, character: 0 }, end: { line: at, character: before.length } },
          text: lines[at],
        },
      ],
    });
    await conn.sendRequest(rpc.DocumentDiagnosticRequest.type, { textDocument: { uri } });
    times.push(performance.now() - t);
  }
  return times;
}

const dir = mkdtempSync(path.join(tmpdir(), 'crownguard-bench-'));
const { conn, stop } = await startServer(dir);
try {
  console.log(`edit-to-diagnostics over the protocol: ${LINES}-line files, ${EDITS} one-line edits each`);
  for (const [language, ext, grammar, generate, comment] of [
    ['python', 'py', 'python', pythonFile, '#'],
    ['typescript', 'ts', 'typescript', typescriptFile, '//'],
  ]) {
    let text = generate(LINES);
    const file = path.join(dir, `big.${ext}`);
    writeFileSync(file, text);
    const uri = pathToFileURL(file).href;
    await conn.sendNotification(rpc.DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: language, version: 1, text },
    });
    const pull = () => conn.sendRequest(rpc.DocumentDiagnosticRequest.type, { textDocument: { uri } });
    const t = performance.now();
    const first = await pull();
    const full = performance.now() - t;

    // The same edits twice: to the source file, and to a .txt document of the same text, which
    // the server ignores. The second is the floor any server pays for the protocol alone.
    const edited = lines0(text);
    const times = await editAll(uri, edited, comment);
    const txt = pathToFileURL(path.join(dir, `floor-${ext}.txt`)).href;
    await conn.sendNotification(rpc.DidOpenTextDocumentNotification.type, {
      textDocument: { uri: txt, languageId: 'plaintext', version: 1, text },
    });
    const floorTimes = (await editAll(txt, lines0(text), comment)).sort((a, b) => a - b);
    text = edited.join('\n');
    times.sort((a, b) => a - b);
    const parse = await treeSitterFullParse(grammar, text);
    const median = quantile(times, 0.5);
    const p95 = quantile(times, 0.95);
    const floorP95 = quantile(floorTimes, 0.95);
    console.log(
      `${language.padEnd(10)} findings ${String(first.items.length).padStart(3)}  first analysis ${full.toFixed(1)} ms  ` +
        `edit median ${median.toFixed(1)} ms  p95 ${p95.toFixed(1)} ms  ` +
        `(floor, the same edits to a .txt document: median ${quantile(floorTimes, 0.5).toFixed(1)} ms  p95 ${floorP95.toFixed(1)} ms; ` +
        `p95 ${(p95 - floorP95).toFixed(1)} ms above the floor)  ` +
        `(tree-sitter full parse ${parse.toFixed(1)} ms; ratio edit/full-parse ${(median / parse).toFixed(2)}, edit/first-analysis ${(median / full).toFixed(2)})`,
    );
  }
} finally {
  await stop();
  rmSync(dir, { recursive: true, force: true });
}
