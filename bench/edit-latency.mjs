// Edit-to-diagnostics latency of the language server, over the real protocol.
//
// Starts `crownguard lsp --stdio` (the built CLI), opens a generated Python and TypeScript file
// of --lines lines, then makes --edits one-line edits, each followed by a pull-diagnostics
// request, and prints the median and p95 of the time from the change to the answer.
//
// Reference in the same run: the server's first answer for the file (a full analysis, no
// retained tree) and one full tree-sitter parse of the same text, which any analyser that
// re-parses the whole file after each keystroke pays at least.
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
    let t = performance.now();
    const first = await pull();
    const full = performance.now() - t;

    const times = [];
    const lines = text.split('\n');
    for (let i = 0; i < EDITS; i++) {
      // Spread the edits over the file, and alternate adding a leak and adding a comment.
      const at = 5 + Math.floor(((i + 0.5) / EDITS) * (lines.length - 10));
      lines[at] = i % 2 === 0 ? `${lines[at]} ${comment} edit ${i}` : lines[at].replace(/record\.id\b/, 'record.ssn');
      text = lines.join('\n');
      t = performance.now();
      await conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, {
        textDocument: { uri, version: i + 2 },
        contentChanges: [{ text }],
      });
      await pull();
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const parse = await treeSitterFullParse(grammar, text);
    const median = quantile(times, 0.5);
    console.log(
      `${language.padEnd(10)} findings ${String(first.items.length).padStart(3)}  first analysis ${full.toFixed(1)} ms  ` +
        `edit median ${median.toFixed(1)} ms  p95 ${quantile(times, 0.95).toFixed(1)} ms  ` +
        `(tree-sitter full parse ${parse.toFixed(1)} ms; ratio edit/full-parse ${(median / parse).toFixed(2)}, edit/first-analysis ${(median / full).toFixed(2)})`,
    );
  }
} finally {
  await stop();
  rmSync(dir, { recursive: true, force: true });
}
