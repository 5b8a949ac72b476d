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
// Each language is measured twice: on a file of self-contained handlers, and on one whose
// handlers call helper functions that pass their arguments on to loggers (so the file has
// function summaries, as most real code does); some of the edits there land inside a helper.
//
// Then the helpers move to a module of their own that the handlers' file imports: the same edits
// to the handlers' file, and edits to the open helper module that add and remove its logging,
// timed from the change to the moment the handlers' file's refreshed diagnostics arrive (the
// server waits for a pause in typing, DEPENDENTS_DELAY_MS, before it re-checks dependents).
//
//   node bench/edit-latency.mjs                     # 10,000 lines, 50 edits
//   node bench/edit-latency.mjs --lines 400 --edits 5   # smoke run (CI)
//   node bench/edit-latency.mjs --only 'typescript caller' --cpu-prof /tmp/prof
//       # one row (the rows whose name contains the text), with the server's CPU profile written to the folder
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  options: {
    lines: { type: 'string', default: '10000' },
    edits: { type: 'string', default: '50' },
    only: { type: 'string' },
    'cpu-prof': { type: 'string' },
  },
});
const LINES = Number(values.lines);
const EDITS = Number(values.edits);
/** Whether the row of this name is measured in this run. */
const wanted = (name) => values.only === undefined || name.includes(values.only);

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
 * The server's CPU time so far in ms (user + system, from /proc; undefined elsewhere). A loaded
 * machine stretches wall times but not this, so the mean CPU per edit is printed beside them.
 */
function serverCpuMs() {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

/** Runs `edits` and returns its times with the server's mean CPU per edit. */
async function withCpu(edits) {
  const before = serverCpuMs();
  const times = await edits();
  const after = serverCpuMs();
  return { times, cpu: before === undefined || after === undefined ? undefined : (after - before) / EDITS };
}

const HELPERS = 5;

/** A Python module of about `lines` lines whose handlers go through helpers with summaries. */
function pythonHelpersFile(lines, leakEvery = 25) {
  const out = ['import logging', '', 'logger = logging.getLogger(__name__)', 'audit = logging.getLogger("audit")', ''];
  for (let k = 0; k < HELPERS; k++)
    out.push(
      `def log_event_${k}(message, value):`,
      `    logger.info("%s: %s", message, value)`,
      '',
      `def relay_${k}(value):`,
      `    log_event_${k}("relay ${k}", value)`,
      '',
      `def describe_${k}(record):`,
      `    return f"record {record.id} in {record.region}"`,
      '',
    );
  for (let i = 0; out.length < lines; i++) {
    const k = i % HELPERS;
    out.push(
      `def handler_${i}(record, rows):`,
      `    """Process record ${i}."""`,
      `    total = sum(row.amount for row in rows if row.score > ${i % 10})`,
      `    label = describe_${k}(record)`,
      `    if total > ${i % 50}:`,
      `        log_event_${k}("handler ${i}", label)`,
      i % leakEvery === 0 ? `    relay_${k}(record.ssn)` : `    relay_${k}(record.id)`,
      `    return {"id": record.id, "total": total, "plan": record.plan}`,
      '',
    );
  }
  return out.slice(0, lines).join('\n') + '\n';
}

/** The same in TypeScript. */
function typescriptHelpersFile(lines, leakEvery = 25) {
  const out = ['import pino from "pino";', 'const logger = pino();', ''];
  for (let k = 0; k < HELPERS; k++)
    out.push(
      `function logEvent${k}(message: string, value: unknown) {`,
      `  logger.info("%s: %s", message, value);`,
      '}',
      `function relay${k}(value: unknown) {`,
      `  logEvent${k}("relay ${k}", value);`,
      '}',
      `function describe${k}(record: any): string {`,
      '  return `record ${record.id} in ${record.region}`;',
      '}',
      '',
    );
  for (let i = 0; out.length < lines; i++) {
    const k = i % HELPERS;
    out.push(
      `export function handler${i}(record: any, rows: any[]): object {`,
      `  const total = rows.filter((row) => row.score > ${i % 10}).length;`,
      `  const label = describe${k}(record);`,
      `  if (total > ${i % 50}) {`,
      `    logEvent${k}("handler ${i}", label);`,
      '  }',
      i % leakEvery === 0 ? `  relay${k}(record.ssn);` : `  relay${k}(record.id);`,
      '  return { id: record.id, total, plan: record.plan };',
      '}',
      '',
    );
  }
  return out.slice(0, lines).join('\n') + '\n';
}

/**
 * Makes the --edits one-line edits to the open document `uri` (whose lines are `lines`, edited
 * in place), each sent as the range change an editor sends and followed by a pull-diagnostics
 * request; returns the time of each from the change to the answer.
 */
async function editAll(uri, lines, comment, helperLines = 0) {
  const times = [];
  for (let i = 0; i < EDITS; i++) {
    // Spread the edits over the file, and alternate adding a leak and adding a comment; in a
    // file with helpers, every fifth edit is a comment typed inside a helper.
    const at =
      helperLines > 0 && i % 5 === 4
        ? 5 + (i % helperLines)
        : 5 + helperLines + Math.floor(((i + 0.5) / EDITS) * (lines.length - 10 - helperLines));
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

/** The server's pause after a module's last change before it re-checks the files importing it. */
const DEPENDENTS_DELAY_MS = 150;

/**
 * The helpers file split in two: `helper` (the helper functions, exported) and `caller` (the
 * handlers, importing them from the module `bench_helpers`), with the lines the helpers took.
 */
function crossFiles(ext, generate) {
  const all = lines0(generate(LINES + (ext === 'py' ? 5 + HELPERS * 9 : 3 + HELPERS * 10)));
  const head = ext === 'py' ? 5 + HELPERS * 9 : 3 + HELPERS * 10;
  const names = [];
  for (let k = 0; k < HELPERS; k++)
    names.push(
      ...(ext === 'py'
        ? [`log_event_${k}`, `relay_${k}`, `describe_${k}`]
        : [`logEvent${k}`, `relay${k}`, `describe${k}`]),
    );
  const helper =
    all
      .slice(0, head)
      .map((l) => l.replace(/^function /, 'export function '))
      .join('\n') + '\n';
  const imports =
    ext === 'py'
      ? `from bench_helpers import ${names.join(', ')}`
      : `import { ${names.join(', ')} } from './bench_helpers';`;
  const caller = [imports, '', ...all.slice(head)].join('\n');
  return { helper, caller };
}

/**
 * Edits to an open helper module that remove and restore the logging of `relay_0`: each is
 * timed from the change to the answer of the caller's pull that the server's refresh request
 * prompted. Returns the times and whether every refresh changed the caller's findings.
 */
async function helperEdits(helperUri, helperText, callerUri, ext) {
  const edits = Math.max(2, Math.min(EDITS, 20));
  const lines = lines0(helperText);
  const at = lines.findIndex((l) =>
    (ext === 'py' ? /^ {4}log_event_0\("relay 0"/ : /^ {2}logEvent0\("relay 0"/).test(l),
  );
  const logging = lines[at];
  const quiet = ext === 'py' ? '    return value' : '  return value;';
  const pullCaller = () => conn.sendRequest(rpc.DocumentDiagnosticRequest.type, { textDocument: { uri: callerUri } });
  let findings = (await pullCaller()).items.length;
  let allChanged = true;
  const times = [];
  for (let i = 0; i < edits; i++) {
    const before = lines[at];
    lines[at] = i % 2 === 0 ? quiet : logging;
    const refreshed = new Promise((resolve) => (refreshWaiter = resolve));
    const t = performance.now();
    await conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, {
      textDocument: { uri: helperUri, version: i + 2 },
      contentChanges: [
        { range: { start: { line: at, character: 0 }, end: { line: at, character: before.length } }, text: lines[at] },
      ],
    });
    await refreshed;
    const now = (await pullCaller()).items.length;
    times.push(performance.now() - t);
    if (now === findings) allChanged = false;
    findings = now;
  }
  return { times: times.sort((a, b) => a - b), allChanged };
}

/** The cross-file case of one language: the caller's own edits, then the helper's, with the floor. */
async function crossFileRow(language, ext, comment, generate) {
  const { helper, caller } = crossFiles(ext, generate);
  const helperFile = path.join(dir, `bench_helpers.${ext}`);
  const callerFile = path.join(dir, `cross-caller.${ext}`);
  writeFileSync(helperFile, helper);
  writeFileSync(callerFile, caller);
  const callerUri = pathToFileURL(callerFile).href;
  const helperUri = pathToFileURL(helperFile).href;
  await conn.sendNotification(rpc.DidOpenTextDocumentNotification.type, {
    textDocument: { uri: callerUri, languageId: language, version: 1, text: caller },
  });
  const first = await conn.sendRequest(rpc.DocumentDiagnosticRequest.type, { textDocument: { uri: callerUri } });
  const own = await withCpu(() => editAll(callerUri, lines0(caller), comment, 0));
  own.times.sort((a, b) => a - b);
  await conn.sendNotification(rpc.DidOpenTextDocumentNotification.type, {
    textDocument: { uri: helperUri, languageId: language, version: 1, text: helper },
  });
  const helperTimes = await helperEdits(helperUri, helper, callerUri, ext);
  for (const uri of [callerUri, helperUri])
    await conn.sendNotification(rpc.DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  const txt = pathToFileURL(path.join(dir, `floor-cross-${ext}.txt`)).href;
  await conn.sendNotification(rpc.DidOpenTextDocumentNotification.type, {
    textDocument: { uri: txt, languageId: 'plaintext', version: 1, text: caller },
  });
  const floor = (await editAll(txt, lines0(caller), comment, 0)).sort((a, b) => a - b);
  await conn.sendNotification(rpc.DidCloseTextDocumentNotification.type, { textDocument: { uri: txt } });
  return {
    file: `${language} caller of another module`,
    'caller findings': first.items.length,
    'caller edit p50 ms': quantile(own.times, 0.5).toFixed(1),
    'caller edit p95 ms': quantile(own.times, 0.95).toFixed(1),
    'helper edit -> caller refreshed p50 ms': quantile(helperTimes.times, 0.5).toFixed(1),
    'helper edit -> caller refreshed p95 ms': quantile(helperTimes.times, 0.95).toFixed(1),
    'every refresh changed the caller': helperTimes.allChanged,
    'floor p50 ms': quantile(floor, 0.5).toFixed(1),
    'floor p95 ms': quantile(floor, 0.95).toFixed(1),
    'pause before re-check ms': DEPENDENTS_DELAY_MS,
  };
}

const dir = mkdtempSync(path.join(tmpdir(), 'crownguard-bench-'));
const { conn, stop, pid } = await startServer(
  dir,
  { textDocument: { diagnostic: {} }, workspace: { diagnostics: { refreshSupport: true } } },
  { nodeArgs: values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof']] : [] },
);
/** Resolved by the server's next workspace/diagnostic/refresh request. */
let refreshWaiter = () => undefined;
conn.onRequest('workspace/diagnostic/refresh', () => {
  refreshWaiter();
  return null;
});
try {
  console.log(`edit-to-diagnostics over the protocol: ${LINES}-line files, ${EDITS} one-line edits each`);
  // A small file of each language first: the first parse compiles the grammar's WASM, which
  // would otherwise count against the first large file's parse budget.
  for (const [language, ext, generate] of [
    ['python', 'py', pythonFile],
    ['typescript', 'ts', typescriptFile],
  ]) {
    const uri = pathToFileURL(path.join(dir, `warm-up.${ext}`)).href;
    const textDocument = { uri, languageId: language, version: 1, text: generate(200) };
    await conn.sendNotification(rpc.DidOpenTextDocumentNotification.type, { textDocument });
    await conn.sendRequest(rpc.DocumentDiagnosticRequest.type, { textDocument: { uri } });
    await conn.sendNotification(rpc.DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }
  const rows = [];
  for (const [language, ext, grammar, generate, comment, helperLines] of [
    ['python', 'py', 'python', pythonFile, '#', 0],
    ['python', 'py', 'python', pythonHelpersFile, '#', HELPERS * 9],
    ['typescript', 'ts', 'typescript', typescriptFile, '//', 0],
    ['typescript', 'ts', 'typescript', typescriptHelpersFile, '//', HELPERS * 10],
  ]) {
    const kind = helperLines > 0 ? 'helpers' : 'self-contained';
    if (!wanted(`${language} ${kind}`)) continue;
    let text = generate(LINES);
    const file = path.join(dir, `big-${kind}.${ext}`);
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
    const { times, cpu } = await withCpu(() => editAll(uri, edited, comment, helperLines));
    await conn.sendNotification(rpc.DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    const txt = pathToFileURL(path.join(dir, `floor-${kind}-${ext}.txt`)).href;
    await conn.sendNotification(rpc.DidOpenTextDocumentNotification.type, {
      textDocument: { uri: txt, languageId: 'plaintext', version: 1, text },
    });
    const floor = await withCpu(() => editAll(txt, lines0(text), comment, helperLines));
    const floorTimes = floor.times.sort((a, b) => a - b);
    await conn.sendNotification(rpc.DidCloseTextDocumentNotification.type, { textDocument: { uri: txt } });
    text = edited.join('\n');
    times.sort((a, b) => a - b);
    const parse = await treeSitterFullParse(grammar, text);
    const median = quantile(times, 0.5);
    const p95 = quantile(times, 0.95);
    const floorP95 = quantile(floorTimes, 0.95);
    rows.push({
      file: `${language} ${kind}`,
      findings: first.items.length,
      'first analysis ms': full.toFixed(1),
      'edit p50 ms': median.toFixed(1),
      'edit p95 ms': p95.toFixed(1),
      'floor p50 ms': quantile(floorTimes, 0.5).toFixed(1),
      'floor p95 ms': floorP95.toFixed(1),
      'p95 above floor ms': (p95 - floorP95).toFixed(1),
      'server CPU/edit ms': cpu?.toFixed(1) ?? '-',
      'floor CPU/edit ms': floor.cpu?.toFixed(1) ?? '-',
      'full parse ms': parse.toFixed(1),
    });
  }
  // The floor is the same edits to a .txt document of the same text, which the server does not analyse.
  console.table(rows);
  console.log('server CPU/edit: the mean over the edits, from /proc at 10 ms resolution');
  console.log(`helpers in another module: ${LINES}-line caller; the floor is the same caller edits to a .txt document`);
  const cross = [];
  for (const [language, ext, comment, generate] of [
    ['python', 'py', '#', pythonHelpersFile],
    ['typescript', 'ts', '//', typescriptHelpersFile],
  ])
    if (wanted(`${language} caller`)) cross.push(await crossFileRow(language, ext, comment, generate));
  console.table(cross);
} finally {
  await stop();
  rmSync(dir, { recursive: true, force: true });
}
