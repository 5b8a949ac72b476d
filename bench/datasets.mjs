// Training data files: how long CrownGuard takes to report a large JSON Lines file and a large
// Parquet file, and how much memory it holds, against the floor of reading the file once.
//
// It generates, in a temporary folder, a JSON Lines file (--jsonl-mb, default 1,024) and a
// Parquet file (--parquet-mb, default 200) of fake support-ticket records, one in 25 with an
// e-mail address and one in 200 with an SSN, then for each file:
//   - runs `crownguard check` on it (a child process): time to the first diagnostic line, total
//     time and the child's peak RSS;
//   - reads the same file once in 1 MiB chunks (the floor), and prints the ratio;
//   - in the editor: the language server asked for the file's diagnostics over the protocol, as
//     VS Code does for a file it does not hand over (over 50 MB): time to the diagnostics, the
//     latency of hovers on another file sent every 50 ms meanwhile, and the server's peak RSS.
// The check reads at most its byte bound (128 MiB by default) and samples 1,000 records, so on a
// large file the ratio is below 1: that is the point of sampling.
//
//   node bench/datasets.mjs                 # 1 GB JSONL, 200 MB Parquet (needs npm run build)
//   node bench/datasets.mjs --smoke         # a few MB each (CI)
import { spawn } from 'node:child_process';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ParquetWriter, fileWriter } from 'hyparquet-writer';
import { rng } from './generate.mjs';
import { quantile, rpc, startServer } from './lsp.mjs';

const { values } = parseArgs({
  options: {
    'jsonl-mb': { type: 'string', default: '1024' },
    'parquet-mb': { type: 'string', default: '200' },
    smoke: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const JSONL_MB = values.smoke ? 4 : Number(values['jsonl-mb']);
const PARQUET_MB = values.smoke ? 2 : Number(values['parquet-mb']);
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(REPO, 'dist', 'cli.js');
const dir = mkdtempSync(path.join(tmpdir(), 'crownguard-datasets-'));

const WORDS = 'printer billing refund order shipping invoice account login reset password delivery late broken'.split(
  ' ',
);

/** One fake record: the i-th of the file, its values drawn from a seeded generator. */
function record(i, random) {
  const words = Array.from(
    { length: 40 + Math.floor(random() * 40) },
    () => WORDS[Math.floor(random() * WORDS.length)],
  );
  const contact = i % 25 === 0 ? `user${i}@fernmail.org` : `customer ${i}`;
  const ssn = i % 200 === 0 ? `${512 + (i % 100)}-44-${String(1000 + (i % 9000)).padStart(4, '0')}` : '';
  return { id: i, contact, ssn, body: words.join(' ') };
}

function writeJsonl(file, mb) {
  const random = rng(1);
  const fd = openSync(file, 'w');
  let written = 0;
  let i = 0;
  const target = mb * 1024 * 1024;
  while (written < target) {
    let block = '';
    while (block.length < 8 * 1024 * 1024) block += JSON.stringify(record(i++, random)) + '\n';
    written += writeSync(fd, block);
  }
  closeSync(fd);
  return i;
}

function writeParquet(file, mb) {
  const random = rng(2);
  const writer = fileWriter(file);
  const pq = new ParquetWriter({
    writer,
    schema: [
      { name: 'root', num_children: 4 },
      { name: 'id', type: 'INT32', repetition_type: 'REQUIRED' },
      { name: 'contact', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      { name: 'ssn', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      { name: 'body', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
    ],
  });
  const target = mb * 1024 * 1024;
  let rows = 0;
  const batch = 50_000;
  // The compressed size is known only once written: batches are written until the file is large enough.
  while (writer.offset < target) {
    const recs = Array.from({ length: batch }, (_, k) => record(rows + k, random));
    pq.write({
      columnData: [
        { name: 'id', data: recs.map((r) => r.id) },
        { name: 'contact', data: recs.map((r) => r.contact) },
        { name: 'ssn', data: recs.map((r) => r.ssn) },
        { name: 'body', data: recs.map((r) => r.body) },
      ],
      rowGroupSize: batch,
    });
    rows += batch;
  }
  pq.finish();
  return rows;
}

/** Reads the file once, 1 MiB at a time: the floor any reader pays for the bytes it reads. */
function readOnce(file, limit = Infinity) {
  const t = performance.now();
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(1024 * 1024);
  let total = 0;
  for (let n; total < limit && (n = readSync(fd, buf, 0, buf.length, null)) > 0;) total += n;
  closeSync(fd);
  return { ms: performance.now() - t, bytes: total };
}

/** `crownguard check` on one file: time to the first diagnostic line, total time, peak RSS (KiB). */
function check(file) {
  // A preloaded hook reports the CLI process's own peak RSS when it exits.
  return new Promise((resolve, reject) => {
    const t = performance.now();
    let first;
    let out = '';
    const hook = path.join(dir, 'rss-hook.cjs');
    writeFileSync(
      hook,
      "process.on('exit', () => process.stderr.write('\\nmaxrss ' + process.resourceUsage().maxRSS + '\\n'));\n",
    );
    const child = spawn(process.execPath, ['--require', hook, CLI, 'check', file], { cwd: path.dirname(file) });
    let err = '';
    child.stdout.on('data', (d) => {
      if (first === undefined && /CG\d{3}/.test(d.toString())) first = performance.now() - t;
      out += d;
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const total = performance.now() - t;
      const rss = Number(/maxrss (\d+)/.exec(err)?.[1] ?? NaN);
      if (code !== 0 && code !== 1) return reject(new Error(`check exited ${code}: ${err}`));
      resolve({ first: first ?? total, total, rss, out });
    });
  });
}

const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;

/** The server's peak resident set (KiB), from /proc where there is one. */
function peakRss(pid) {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

/** The data file's diagnostics pulled from a running language server, hovers on another file answered meanwhile. */
async function editor(file) {
  const other = path.join(dir, 'notes.py');
  writeFileSync(other, 'print("hello")\n');
  const { conn, stop, pid } = await startServer(dir, {
    textDocument: { diagnostic: {} },
    window: { workDoneProgress: true },
    workspace: {},
  });
  conn.onRequest('window/workDoneProgress/create', () => null);
  try {
    const uri = pathToFileURL(other).href;
    await conn.sendNotification(rpc.DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'python', version: 1, text: 'print("hello")\n' },
    });
    const hover = () =>
      conn.sendRequest(rpc.HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 1 } });
    await hover(); // the parsers are loaded
    const t = performance.now();
    let done = false;
    const pulled = conn
      .sendRequest(rpc.DocumentDiagnosticRequest.type, { textDocument: { uri: pathToFileURL(file).href } })
      .then((r) => ((done = true), r));
    const hovers = [];
    while (!done) {
      const h = performance.now();
      await hover();
      hovers.push(performance.now() - h);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const report = await pulled;
    const ms = performance.now() - t;
    const fields = report.items.filter((d) => d.code === 'CG203').length;
    if (fields < 2)
      throw new Error(`expected findings for contact and ssn from the server, got ${JSON.stringify(report)}`);
    hovers.sort((a, b) => a - b);
    return { ms, hovers, rss: peakRss(pid) };
  } finally {
    await stop();
  }
}
const rows = [];
try {
  const jsonl = path.join(dir, 'tickets.jsonl');
  const parquet = path.join(dir, 'tickets.parquet');
  let t = performance.now();
  const jsonlRecords = writeJsonl(jsonl, JSONL_MB);
  console.log(`generated ${jsonl}: ${jsonlRecords.toLocaleString('en-US')} records in ${fmt(performance.now() - t)}`);
  t = performance.now();
  const parquetRows = writeParquet(parquet, PARQUET_MB);
  console.log(`generated ${parquet}: ${parquetRows.toLocaleString('en-US')} rows in ${fmt(performance.now() - t)}`);
  for (const file of [jsonl, parquet]) {
    const size = statSync(file).size;
    readOnce(file); // warm the page cache, so both runs read from memory
    const floor = readOnce(file);
    const r = await check(file);
    const fields = (r.out.match(/CG203/g) ?? []).length;
    if (fields < 2) throw new Error(`expected findings for contact and ssn in ${file}, got:\n${r.out}`);
    rows.push({
      file: path.basename(file),
      size: `${(size / 1024 / 1024).toFixed(0)} MiB`,
      'first diagnostic': fmt(r.first),
      total: fmt(r.total),
      'throughput (file MiB/s)': (size / 1024 / 1024 / (r.total / 1000)).toFixed(0),
      'peak RSS': `${(r.rss / 1024).toFixed(0)} MiB`,
      'read once (floor)': fmt(floor.ms),
      'ratio to floor': (r.total / floor.ms).toFixed(2),
      findings: fields,
    });
  }
  console.table(rows);
  const editorRows = [];
  for (const file of [jsonl, parquet]) {
    const r = await editor(file);
    editorRows.push({
      file: path.basename(file),
      'diagnostics pulled in': fmt(r.ms),
      'hovers meanwhile': r.hovers.length,
      'hover p50': `${quantile(r.hovers, 0.5).toFixed(0)} ms`,
      'hover max': `${r.hovers[r.hovers.length - 1].toFixed(0)} ms`,
      'server peak RSS': `${(r.rss / 1024).toFixed(0)} MiB`,
    });
  }
  console.log('In the editor (the language server, a document pull over the protocol):');
  console.table(editorRows);
} finally {
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
}
