// Cold start to the opened file's first diagnostics, over the protocol, while the workspace
// scan of a 2,000-file folder runs: what a user waits for after opening a file in a new window.
//
// Each round starts `crownguard lsp --stdio` (the built CLI) on a generated folder (the
// examples' governance manifest and --files generated Python and TypeScript modules), sends
// what VS Code sends at start-up (initialize, initialized, didOpen of one file, a
// workspace/diagnostic pull and the file's own textDocument/diagnostic pull, in that order),
// and times from the spawn to the file's answer. It also times a typed leak (didChange, then
// the file's pull) while the scan is still running.
//
// The floor, in the same run: the same start-up and the same file with no workspace scan.
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
  },
});
const FILES = Number(values.files);
const ROUNDS = Number(values.rounds);
const LINES = Number(values.lines);
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

/** One cold start: ms from spawn to the opened file's first answer, and to a typed leak's. */
async function round(withScan) {
  const t0 = performance.now();
  const { conn, stop } = await startServer(dir, capabilities);
  try {
    const initialized = performance.now() - t0;
    await conn.sendNotification(rpc.DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'python', version: 1, text: openedText },
    });
    let scanned;
    const scan = withScan
      ? conn.sendRequest(rpc.WorkspaceDiagnosticRequest.type, { previousResultIds: [] }).then((r) => {
          scanned = { ms: performance.now() - t0, files: r.items.length };
        })
      : Promise.resolve();
    const first = await conn.sendRequest(rpc.DocumentDiagnosticRequest.type, { textDocument: { uri } });
    const firstMs = performance.now() - t0;
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
  const rows = { floor: [], scan: [] };
  for (let i = 0; i < ROUNDS; i++) {
    rows.floor.push(await round(false));
    rows.scan.push(await round(true));
  }
  const med = (xs) =>
    quantile(
      [...xs].sort((a, b) => a - b),
      0.5,
    );
  for (const [name, rs] of [
    ['floor: no workspace scan', rows.floor],
    ['with the workspace scan', rows.scan],
  ]) {
    const scan = rs[0].scanned
      ? `  scan done at ${med(rs.map((r) => r.scanned.ms)).toFixed(0)} ms (${rs[0].scanned.files} files)`
      : '';
    const running = rs.filter((r) => r.scanRunning).length;
    console.log(
      `${name.padEnd(26)} initialize ${med(rs.map((r) => r.initialized))
        .toFixed(0)
        .padStart(5)} ms  first diagnostics ${med(rs.map((r) => r.firstMs))
        .toFixed(0)
        .padStart(5)} ms  ` +
        `typed leak (median of 5) ${med(rs.map((r) => r.typedMs))
          .toFixed(0)
          .padStart(4)} ms${running ? ` (scan running in ${running} of ${rs.length})` : ''}${scan}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
