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
// Each then types --typed leaks one by one (a didChange, then the file's pull, as VS Code sends
// them) and times each to its answer. The "typed leak while the scan runs" row counts only the
// leaks answered while the scan still ran; its floor is the same leaks with no scan. The server's
// CPU time when its scan is done (all its threads, from /proc on Linux) is the scan's own cost,
// which the machine's load does not inflate as it does the wall time. CROWNGUARD_SCAN_THREAD=off
// in the environment compares the scan in the server's own thread.
//
//   node bench/first-diagnostics.mjs                 # 2,000 files, 3 rounds
//   node bench/first-diagnostics.mjs --files 200 --rounds 1   # smoke run
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
    typed: { type: 'string', default: '5' },
  },
});
const FILES = Number(values.files);
const ROUNDS = Number(values.rounds);
const LINES = Number(values.lines);
const OPEN_AFTER = Number(values['open-after']);
const TYPED = Number(values.typed);
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

/** Seconds of CPU the process has used, all its threads (utime + stime in /proc); undefined elsewhere. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

const capabilities = { textDocument: { diagnostic: {} }, workspace: { diagnostics: { refreshSupport: true } } };

/**
 * One cold start, `mode` 'floor', 'with-window' or 'after-start': ms to the opened file's first
 * answer (from the spawn, or from the didOpen for 'after-start'), and each typed leak's ms with
 * whether the scan still ran when it was answered.
 */
async function round(mode) {
  const withScan = mode !== 'floor';
  const t0 = performance.now();
  const { conn, stop, pid } = await startServer(dir, capabilities, { bundle: 'server' });
  try {
    const initialized = performance.now() - t0;
    let scanned;
    let scan = Promise.resolve();
    const startScan = () =>
      conn.sendRequest(rpc.WorkspaceDiagnosticRequest.type, { previousResultIds: [] }).then((r) => {
        scanned = { ms: performance.now() - t0, files: r.items.length, cpu: cpuSeconds(pid) };
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
    const typed = [];
    let text = openedText;
    for (let i = 0; i < TYPED; i++) {
      text = text.replace(
        'logger = logging.getLogger(__name__)\n',
        `logger = logging.getLogger(__name__)\n\ndef typed_${i}(customer):\n    logger.info("ssn %s", customer.ssn)\n`,
      );
      const t1 = performance.now();
      await conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, {
        textDocument: { uri, version: i + 2 },
        contentChanges: [{ text }],
      });
      const answer = await conn.sendRequest(rpc.DocumentDiagnosticRequest.type, { textDocument: { uri } });
      typed.push({ ms: performance.now() - t1, scanRunning: withScan && scanned === undefined });
      if (answer.items.length !== first.items.length + i + 1) throw new Error('a typed leak was not reported');
      // A pause between leaks, as between two edits: the scan gets its turn meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await scan;
    return { initialized, firstMs, typed, scanned };
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
    const cpu =
      rs[0].scanned?.cpu === undefined ? '' : `, server CPU ${med(rs.map((r) => r.scanned.cpu)).toFixed(1)} s`;
    const scan = rs[0].scanned
      ? `  scan done at ${med(rs.map((r) => r.scanned.ms)).toFixed(0)} ms (${rs[0].scanned.files} files${cpu})`
      : '';
    const from = rs === rows['after-start'] ? 'after didOpen' : 'after spawn';
    console.log(
      `${name.padEnd(32)} initialize ${med(rs.map((r) => r.initialized))
        .toFixed(0)
        .padStart(5)} ms  first diagnostics ${med(rs.map((r) => r.firstMs))
        .toFixed(0)
        .padStart(5)} ms ${from}${scan}`,
    );
  }
  // Every leak typed, by whether the scan was running when it was answered.
  const leaks = (rs) => rs.flatMap((r) => r.typed);
  const floor = leaks(rows.floor).map((l) => l.ms);
  const withScan = [...leaks(rows['with-window']), ...leaks(rows['after-start'])];
  const during = withScan.filter((l) => l.scanRunning).map((l) => l.ms);
  const spread = (xs) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return xs.length
      ? `p50 ${quantile(sorted, 0.5).toFixed(0).padStart(4)} ms  p90 ${quantile(sorted, 0.9).toFixed(0).padStart(4)} ms  max ${sorted[sorted.length - 1].toFixed(0).padStart(4)} ms`
      : 'none';
  };
  console.log(`${'typed leak, floor (no scan)'.padEnd(32)} ${spread(floor)}  (${floor.length} leaks)`);
  console.log(
    `${'typed leak while the scan runs'.padEnd(32)} ${spread(during)}  (${during.length} of ${withScan.length} leaks typed with a scan were answered while it ran)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
