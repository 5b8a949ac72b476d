// Cold start to the opened file's first diagnostics, over the protocol, while the workspace
// scan of a 2,000-file folder runs: what a user waits for after opening a file in a new window.
//
// Each round starts the server bundle the VS Code extension runs (dist/server.js --stdio) on a
// generated folder (the examples' governance manifest and --files generated Python and
// TypeScript modules) and sends what VS Code sends. Three ways a file meets a new server:
//
// - opened with the window: initialize, initialized, didOpen of one file, a workspace/diagnostic
//   pull and the file's own textDocument/diagnostic pull, in that order; timed from the spawn.
// - opened after start-up: the extension starts with the window (a governance.yaml at the
//   folder's root activates it), so the server is up and its scan running when the user opens
//   a file --open-after ms later; timed from the didOpen.
// - floor: as "opened with the window", with no workspace scan.
//
// Each also times a typed leak (didChange, then the file's pull), while the scan still runs.
//
//   node bench/first-diagnostics.mjs                 # 2,000 files, 3 rounds
//   node bench/first-diagnostics.mjs --files 200 --rounds 1   # smoke run
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { pythonFile, typescriptFile } from './generate.mjs';
import { quantile, rpc, startServer } from './lsp.mjs';

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '3' },
    lines: { type: 'string', default: '150' },
    'open-after': { type: 'string', default: '1500' },
  },
});
const FILES = Number(values.files);
const ROUNDS = Number(values.rounds);
const LINES = Number(values.lines);
const OPEN_AFTER = Number(values['open-after']);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const dir = mkdtempSync(path.join(tmpdir(), 'crownguard-first-'));
copyFileSync(path.join(repo, 'examples', 'governance.yaml'), path.join(dir, 'governance.yaml'));
for (let i = 0; i < FILES; i++) {
  const sub = path.join(dir, 'src', `pkg${Math.floor(i / 100)}`);
  mkdirSync(sub, { recursive: true });
  if (i % 2 === 0) writeFileSync(path.join(sub, `m${i}.py`), pythonFile(LINES, { seed: i + 1 }));
  else writeFileSync(path.join(sub, `m${i}.ts`), typescriptFile(LINES, { seed: i + 1 }));
}
const opened = path.join(dir, 'opened.py');
const openedText = pythonFile(LINES, { seed: 99999, leakEvery: 1000 });
writeFileSync(opened, openedText);
const uri = pathToFileURL(opened).href;

const capabilities = { textDocument: { diagnostic: {} }, workspace: { diagnostics: { refreshSupport: true } } };

/**
 * One cold start, `mode` 'floor', 'with-window' or 'after-start': ms to the opened file's first
 * answer (from the spawn, or from the didOpen for 'after-start'), and to a typed leak's.
 */
async function round(mode) {
  const withScan = mode !== 'floor';
  const t0 = performance.now();
  const { conn, stop } = await startServer(dir, capabilities, { bundle: 'server' });
  try {
    const initialized = performance.now() - t0;
    let scanned;
    let scan = Promise.resolve();
    const startScan = () =>
      conn.sendRequest(rpc.WorkspaceDiagnosticRequest.type, { previousResultIds: [] }).then((r) => {
        scanned = { ms: performance.now() - t0, files: r.items.length };
      });
    // No file is open yet: the editor asks for the workspace's problems at once.
    if (mode === 'after-start') {
      scan = startScan();
      await new Promise((resolve) => setTimeout(resolve, OPEN_AFTER));
    }
    const openedAt = performance.now();
    await conn.sendNotification(rpc.DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'python', version: 1, text: openedText },
    });
    if (mode === 'with-window') scan = startScan();
    const first = await conn.sendRequest(rpc.DocumentDiagnosticRequest.type, { textDocument: { uri } });
    const firstMs = performance.now() - (mode === 'after-start' ? openedAt : t0);
    // Leaks typed while the scan still runs (it usually does, with 2,000 files), one by one.
    const typedMs = [];
    let scanRunning = withScan;
    let text = openedText;
    for (let i = 0; i < 5; i++) {
      text = text.replace(
        'logger = logging.getLogger(__name__)\n',
        `logger = logging.getLogger(__name__)\n\ndef typed_${i}(customer):\n    logger.info("ssn %s", customer.ssn)\n`,
      );
      const t1 = performance.now();
      await conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, {
        textDocument: { uri, version: i + 2 },
        contentChanges: [{ text }],
      });
      const typed = await conn.sendRequest(rpc.DocumentDiagnosticRequest.type, { textDocument: { uri } });
      typedMs.push(performance.now() - t1);
      if (typed.items.length !== first.items.length + i + 1) throw new Error('a typed leak was not reported');
    }
    scanRunning = withScan && scanned === undefined;
    await scan;
    return {
      initialized,
      firstMs,
      typedMs: quantile(
        [...typedMs].sort((a, b) => a - b),
        0.5,
      ),
      scanRunning,
      scanned,
    };
  } finally {
    await stop();
  }
}

try {
  console.log(
    `cold start to the opened file's first diagnostics: ${FILES} files of ${LINES} lines in the folder, ${ROUNDS} round(s)`,
  );
  const rows = { floor: [], 'with-window': [], 'after-start': [] };
  for (let i = 0; i < ROUNDS; i++) for (const mode of Object.keys(rows)) rows[mode].push(await round(mode));
  const med = (xs) =>
    quantile(
      [...xs].sort((a, b) => a - b),
      0.5,
    );
  for (const [name, rs] of [
    ['floor: no workspace scan', rows.floor],
    ['opened with the window', rows['with-window']],
    [`opened ${OPEN_AFTER} ms after start-up`, rows['after-start']],
  ]) {
    const scan = rs[0].scanned
      ? `  scan done at ${med(rs.map((r) => r.scanned.ms)).toFixed(0)} ms (${rs[0].scanned.files} files)`
      : '';
    const running = rs.filter((r) => r.scanRunning).length;
    const from = rs === rows['after-start'] ? 'after didOpen' : 'after spawn';
    console.log(
      `${name.padEnd(32)} initialize ${med(rs.map((r) => r.initialized))
        .toFixed(0)
        .padStart(5)} ms  first diagnostics ${med(rs.map((r) => r.firstMs))
        .toFixed(0)
        .padStart(5)} ms ${from}  ` +
        `typed leak (median of 5) ${med(rs.map((r) => r.typedMs))
          .toFixed(0)
          .padStart(4)} ms${running ? ` (scan running in ${running} of ${rs.length})` : ''}${scan}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
