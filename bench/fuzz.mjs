// Mutation fuzzing of the engine and the CLI.
//
// Takes the examples and test fixtures, mutates each with a seeded generator (byte flips,
// truncation, duplication, deep nesting, huge lines, unusual Unicode, YAML anchors), plants a
// secret token and an SSN in every input, and runs the engine on it in a worker thread with a
// per-input timeout; a few inputs also go through the real CLI. It fails on a crash, a hang (an
// input that outlives its timeout), or a planted value echoed anywhere in the output. The
// corpus is generated into a temporary folder and removed afterwards; it is never committed.
// A failing input is kept, and its path printed, to reproduce it.
//
//   node bench/fuzz.mjs                                  # seed 1, 300 inputs, at most 5 minutes
//   node bench/fuzz.mjs --seed 7 --count 40 --cli 3 --time 60   # short round (CI)
//
// Needs the compiled output: `npm run build && npx tsc -p .`.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { rng } from './generate.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const core = path.join(repo, 'out', 'server', 'src', 'core', 'index.js');
const wasm = path.join(repo, 'out', 'server', 'src', 'host', 'wasm.js');

async function main() {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: '1' },
      count: { type: 'string', default: '300' },
      cli: { type: 'string', default: '5' },
      time: { type: 'string', default: '300' },
      'per-input-ms': { type: 'string', default: '20000' },
    },
  });
  const seed = Number(values.seed);
  const count = Number(values.count);
  const cliCount = Number(values.cli);
  const timeLimit = Date.now() + Number(values.time) * 1000;
  const perInput = Number(values['per-input-ms']);
  if (!existsSync(core)) throw new Error('Compile first: npm run build && npx tsc -p .');

  const random = rng(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
  const sources = collect([path.join(repo, 'examples'), path.join(repo, 'test', 'fixtures')]);
  const governance = {
    path: 'governance.yaml',
    text: readFileSync(path.join(repo, 'examples', 'governance.yaml'), 'utf8'),
  };
  const corpus = mkdtempSync(path.join(tmpdir(), 'crownguard-fuzz-'));
  let keep = false;
  const failures = [];
  const fail = (what, input) => {
    keep = true;
    failures.push(`${what} (input: ${input})`);
    console.error(`FAIL ${what}\n  input: ${input}`);
  };

  let worker = await startWorker();
  const inputs = [];
  const started = Date.now();
  let done = 0;
  try {
    for (let i = 0; i < count && Date.now() < timeLimit; i++) {
      const source = pick(sources);
      const planted = plant(random);
      const text = mutate(readFileSync(source.abs, 'utf8'), source.ext, random, pick, int, planted);
      const name = `${String(i).padStart(4, '0')}-${source.rel.replace(/[\\/]/g, '_')}`;
      const file = path.join(corpus, name);
      writeFileSync(file, text);
      inputs.push({ name, file, planted });
      const at = Date.now();
      const r = await analyse(worker, i, [governance, { path: source.rel, text }], perInput);
      if (r.hang) {
        fail(`hang: no answer within ${perInput} ms`, file);
        worker = await startWorker();
        continue;
      }
      if (r.crash) fail(`crash: ${r.crash.split('\n')[0]}`, file);
      else if (echoes(r.output, planted)) fail('a planted value is echoed in the findings', file);
      done++;
      if (Date.now() - at > perInput / 2) {
        keep = true;
        console.log(`slow: ${Date.now() - at} ms for ${file}`);
      }
    }
  } finally {
    await worker.terminate();
  }

  // A few through the real CLI: every output format, the process's exit code and streams.
  const cli = path.join(repo, 'dist', 'cli.js');
  let cliRuns = 0;
  for (const input of inputs.slice(0, cliCount)) {
    if (Date.now() > timeLimit) break;
    const ws = path.join(corpus, `cli-${input.name}`);
    mkdirSync(ws);
    writeFileSync(path.join(ws, 'governance.yaml'), governance.text);
    writeFileSync(path.join(ws, input.name.replace(/^\d+-/, '')), readFileSync(input.file));
    for (const format of ['text', 'json', 'sarif']) {
      const r = spawnSync(process.execPath, [cli, 'check', '.', '--format', format, '--fail-on', 'none'], {
        cwd: ws,
        encoding: 'utf8',
        timeout: perInput * 2,
        // A mutated input may hold up to MAX_FLOWS findings (then CG005): megabytes of output, all of it read for echoes.
        maxBuffer: 256 * 1024 * 1024,
      });
      if (r.error || r.status === null)
        fail(`CLI hang or kill (${format}): ${r.error?.message ?? r.signal}`, input.file);
      else if (r.status !== 0) fail(`CLI exit ${r.status} (${format}): ${r.stderr.split('\n')[0]}`, input.file);
      else if (echoes(r.stdout + r.stderr, input.planted))
        fail(`a planted value is echoed by the CLI (${format})`, input.file);
    }
    cliRuns++;
  }

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `fuzz: seed ${seed}, ${done} inputs through the engine, ${cliRuns} through the CLI (3 formats each), ${failures.length} failures, ${seconds} s`,
  );
  if (keep) console.log(`corpus kept in ${corpus}`);
  else rmSync(corpus, { recursive: true, force: true });
  process.exitCode = failures.length > 0 ? 1 : 0;
}

function startWorker() {
  const w = new Worker(fileURLToPath(import.meta.url));
  return new Promise((resolve, reject) => {
    w.once('error', reject);
    w.once('message', (m) => (m.ready ? resolve(w) : reject(new Error('worker did not start'))));
  });
}

/** Sends one input to the worker; a worker that does not answer in time is terminated. */
function analyse(worker, id, files, timeoutMs) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      worker.off('message', onMessage);
      worker.terminate();
      resolve({ hang: true });
    }, timeoutMs);
    const onMessage = (m) => {
      if (m.id !== id) return;
      clearTimeout(timer);
      worker.off('message', onMessage);
      resolve(m);
    };
    worker.on('message', onMessage);
    worker.postMessage({ id, files });
  });
}

const ANALYSABLE = /\.(py|ts|tsx|js|jsx|mjs|cjs|ya?ml|json|md|prompt|jinja2?|j2|mustache|hbs|toml|ini|cfg)$/i;

function collect(roots) {
  const out = [];
  const visit = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) visit(abs);
      else if (e.isFile() && ANALYSABLE.test(e.name) && statSync(abs).size < 200_000) {
        out.push({
          abs,
          rel: path.relative(repo, abs).split(path.sep).join('/'),
          ext: path.extname(e.name).toLowerCase(),
        });
      }
    }
  };
  for (const r of roots) if (existsSync(r)) visit(r);
  return out.sort((a, b) => a.rel.localeCompare(b.rel));
}

/** A fresh GitHub-style token and a valid-looking SSN for each input, so an echo is unambiguous. */
function plant(random) {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let body = '';
  for (let i = 0; i < 36; i++) body += chars[Math.floor(random() * chars.length)];
  const ssn = `${String(100 + Math.floor(random() * 600)).padStart(3, '0')}-${String(10 + Math.floor(random() * 89))}-${String(1000 + Math.floor(random() * 8999))}`;
  return { token: `ghp_${body}`, tokenBody: body, ssn };
}

function echoes(output, planted) {
  return output.includes(planted.tokenBody) || output.includes(planted.ssn);
}

/** Where each language puts a comment and a string: the planted values go in both. */
function plantedLines(ext, planted) {
  if (ext === '.py') return [`TOKEN = "${planted.token}"`, `logging.info("ssn %s", "${planted.ssn}")`];
  if (['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs'].includes(ext))
    return [`const TOKEN = "${planted.token}";`, `console.log("${planted.ssn}");`];
  if (ext === '.json') return [`{"token": "${planted.token}", "ssn": "${planted.ssn}"}`];
  return [`token: ${planted.token}`, `# ssn ${planted.ssn}`];
}

function mutate(text, ext, random, pick, int, planted) {
  const lines = text.split('\n');
  const at = int(0, lines.length);
  lines.splice(at, 0, ...plantedLines(ext, planted));
  let out = lines.join('\n');
  const rounds = int(1, 3);
  for (let r = 0; r < rounds; r++) out = pick(MUTATORS)(out, ext, random, int);
  return out;
}

const MUTATORS = [
  function byteFlips(text, _ext, _random, int) {
    const chars = [...text];
    for (let n = int(1, 20); n > 0 && chars.length > 0; n--) {
      const i = int(0, chars.length - 1);
      chars[i] = String.fromCharCode((chars[i].charCodeAt(0) ^ (1 << int(0, 7))) & 0xffff);
    }
    return chars.join('');
  },
  function truncation(text, _ext, _random, int) {
    return text.slice(0, int(0, text.length));
  },
  function duplication(text, _ext, _random, int) {
    const start = int(0, text.length);
    const slice = text.slice(start, start + int(1, 2000));
    return text.slice(0, start) + slice.repeat(int(2, 200)) + text.slice(start);
  },
  function deepNesting(text, ext, _random, int) {
    const depth = int(500, 6000);
    const yaml = /\.(ya?ml|json)$/.test(ext);
    const deep = yaml
      ? `nested: ${'['.repeat(depth)}1${']'.repeat(depth)}`
      : ext === '.py'
        ? `x = ${'('.repeat(depth)}user.ssn${')'.repeat(depth)}`
        : `const x = ${'('.repeat(depth)}user.ssn${')'.repeat(depth)};`;
    const i = text.indexOf('\n', int(0, text.length));
    return i < 0 ? `${text}\n${deep}\n` : `${text.slice(0, i + 1)}${deep}\n${text.slice(i + 1)}`;
  },
  function hugeLine(text, ext, _random, int) {
    const n = int(5_000, 60_000);
    const line =
      ext === '.py'
        ? `print(${'user.ssn + '.repeat(n)}1)`
        : /\.(ya?ml|json|md|prompt)$/.test(ext)
          ? `k: ${'x'.repeat(n * 10)}`
          : `console.log(${'user.ssn + '.repeat(n)}1);`;
    return `${text}\n${line}\n`;
  },
  function unicode(text, _ext, random, int) {
    const odd = [
      '\u202e',
      '\u200b',
      '\ufeff',
      '\u0301'.repeat(50),
      '\ud800',
      '\udfff',
      '\u0000',
      'é',
      '😀',
      '\u2028',
      '\r',
      '\t',
    ];
    let out = text;
    for (let n = int(1, 30); n > 0; n--) {
      const i = int(0, out.length);
      out = out.slice(0, i) + odd[Math.floor(random() * odd.length)] + out.slice(i);
    }
    return out;
  },
  function yamlAnchors(text, _ext, _random, int) {
    const levels = ['a0: &a0 [x, x, x, x, x, x, x, x, x]'];
    const n = int(3, 14);
    for (let i = 1; i < n; i++)
      levels.push(`a${i}: &a${i} [*a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}]`);
    return `${text}\n${levels.join('\n')}\n`;
  },
];

// Last, so that every table above is defined before either thread uses it.
if (!isMainThread) {
  // The worker: one engine, one input at a time, the result sent back as JSON text.
  const { Engine } = await import(pathToFileURL(core).href);
  const { loadWasm } = await import(pathToFileURL(wasm).href);
  const engine = await Engine.create(loadWasm);
  parentPort.on('message', ({ id, files }) => {
    try {
      const r = engine.analyze(files);
      parentPort.postMessage({
        id,
        output: JSON.stringify({ findings: r.findings, notes: r.notes, waivers: r.waivers }),
      });
    } catch (err) {
      parentPort.postMessage({
        id,
        crash: err instanceof Error ? `${err.name}: ${err.message}\n${err.stack}` : String(err),
      });
    }
  });
  parentPort.postMessage({ ready: true });
} else {
  await main();
}
