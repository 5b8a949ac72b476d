// Recall and false positives on other analyzers' own annotated test suites for clear-text
// logging and logger or exception leaks. Each suite is a folder of test files whose comments say
// which lines the other analyzer must flag; the benchmark runs `crownguard check` on the folder
// (no governance manifest, as a new user runs it) and compares the lines of our flow findings
// (logs, exceptions, trackers, LLM calls, uploads) with those annotations.
//
// The suites are never copied into this repository, and CI has no network: the benchmark reads
// them from a folder it is given, one sub-folder per suite, each with a `.crownguard-bench-commit`
// file naming the repository, the commit and the path the files were extracted from. The ones
// measured, all pinned:
//
//   codeql-python-cleartext-logging  github/codeql 11c89adb python/ql/test/query-tests/Security/CWE-312-CleartextLogging
//   codeql-js-cleartext-logging      github/codeql 09b4250b javascript/ql/test/query-tests/Security/CWE-312/passwords.js
//   bearer-js-logger                 Bearer/bearer-rules 82c335f7 tests/javascript/lang/logger/testdata
//   bearer-js-exception              Bearer/bearer-rules 82c335f7 tests/javascript/lang/exception/testdata
//   semgrep-python-logger            semgrep/semgrep-rules 157ae470 python/lang/security/audit/logging
//
// Annotations understood, each marking the line it is on or, for the ones that stand alone on a
// comment line, the next code line:
//   CodeQL   `// $ Alert[...]`, `// $ MISSING: Alert` (expected), `// $ SPURIOUS: Alert` (ignored:
//            CodeQL flags it and says it should not, so neither answer is counted),
//            `# NOT OK` (expected), `# OK` (documented as fine)
//   Bearer   `// bearer:expected RULE` above the line
//   Semgrep  `# ruleid: RULE` above the line (expected), `# ok: RULE` above the line (fine)
// A line is found when a finding is on it or when a finding's path passes through it (a
// helper's own sink line, reported at its call site). Every other finding is a false positive.
//
//   node bench/peer-suites.mjs --suites /tmp/peer-suites   # the full benchmark
//   node bench/peer-suites.mjs --smoke                     # CI: a small suite written here
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, '..', 'dist', 'cli.js');
const MARKER = '.crownguard-bench-commit';
/** The flow rules: data reaching a log, an exception, a tracker, an LLM call, an upload. */
const IN_SCOPE = new Set(['CG101', 'CG102', 'CG103', 'CG104', 'CG105']);
/** Rule names of the other analyzers that are outside what we claim (cookies, storage, files). */
const OUT_OF_SCOPE = /storage|cookie|file|artifact|build/i;

const { values } = parseArgs({
  options: {
    suites: { type: 'string' },
    smoke: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
});

function files(dir, prefix = '') {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    if (d.name.startsWith('.')) return [];
    const rel = `${prefix}${d.name}`;
    return d.isDirectory() ? files(path.join(dir, d.name), `${rel}/`) : [rel];
  });
}

/** Expected and ignored lines (1-based) of one test file, from its annotations. */
export function annotations(text) {
  const expected = new Set();
  const fine = new Set();
  const ignored = new Set();
  const lines = text.split(/\r?\n/);
  let pending;
  lines.forEach((line, i) => {
    const n = i + 1;
    const standalone = /^\s*(#|\/\/)/.test(line);
    const above = /(?:#|\/\/)\s*(bearer:expected|ruleid:|ok:)\s*([\w./-]+)/.exec(line);
    if (standalone && above) {
      pending = OUT_OF_SCOPE.test(above[2]) ? undefined : above[1] === 'ok:' ? 'fine' : 'expected';
      return;
    }
    if (standalone || line.trim() === '') return;
    if (pending) (pending === 'fine' ? fine : expected).add(n);
    pending = undefined;
    const alert = /(?:\/\/|#)\s*\$\s*(SPURIOUS:\s*|MISSING:\s*)?Alert(?:\[([^\]]*)\])?/.exec(line);
    if (alert && !(alert[2] && OUT_OF_SCOPE.test(alert[2]))) {
      if (alert[1]?.startsWith('SPURIOUS')) ignored.add(n);
      else expected.add(n);
    } else if (/#\s*NOT OK\b/.test(line)) expected.add(n);
    else if (/(?:#|\/\/)\s*OK\b/.test(line)) fine.add(n);
  });
  return { expected, fine, ignored };
}

function lineOf(text, offset) {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function check(dir) {
  const out = execFileSync(process.execPath, [cli, 'check', '--format', 'json', '--fail-on', 'none', '.'], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  // Paths are printed relative to where the CLI was asked from; read them back relative to the suite.
  const within = (p) => {
    const inDir = path.resolve(dir, p);
    const full = existsSync(inDir) ? inDir : path.resolve(p);
    return path.relative(dir, full).replace(/\\/g, '/');
  };
  return JSON.parse(out).findings.map((f) => ({ ...f, path: within(f.path) }));
}

function measure(dir) {
  const findings = check(dir).filter((f) => IN_SCOPE.has(f.ruleId));
  const rows = { expected: 0, found: 0, fp: 0, fine: 0, missed: [], extra: [] };
  for (const file of files(dir)) {
    const text = readFileSync(path.join(dir, file), 'utf8');
    const { expected, fine, ignored } = annotations(text);
    const mine = findings.filter((f) => f.path === file);
    const hit = new Set();
    for (const f of mine) {
      const line = f.startLine ?? lineOf(text, f.offset ?? 0);
      const through = (f.flow ?? []).filter((r) => !r.path || r.path === file).map((r) => r.startLine ?? r.line);
      const lines = [line, ...through].filter((l) => typeof l === 'number');
      const matched = lines.filter((l) => expected.has(l));
      for (const l of matched) hit.add(l);
      if (matched.length === 0 && !lines.some((l) => ignored.has(l))) {
        rows.fp++;
        if (fine.has(line)) rows.fine++;
        rows.extra.push(`${file}:${line} ${f.ruleId}`);
      }
    }
    rows.expected += expected.size;
    rows.found += hit.size;
    for (const l of expected) if (!hit.has(l)) rows.missed.push(`${file}:${l}`);
  }
  return rows;
}

function smokeSuites() {
  const dir = mkdtempSync(path.join(tmpdir(), 'crownguard-peer-suites-'));
  const suite = path.join(dir, 'smoke');
  mkdirSync(suite);
  writeFileSync(path.join(suite, MARKER), 'generated\n');
  writeFileSync(
    path.join(suite, 'helpers.py'),
    [
      'import logging',
      'logger = logging.getLogger(__name__)',
      '',
      'def my_log(x):',
      '    logger.info(x)',
      '',
      'def login(password, ticket):',
      '    my_log(password) # NOT OK',
      '    my_log(ticket) # OK',
      '    # ruleid: credential-logged',
      '    logger.error("failed for %s", password)',
      '',
    ].join('\n'),
  );
  writeFileSync(
    path.join(suite, 'app.js'),
    [
      '// bearer:expected javascript_lang_exception',
      'Promise.reject(new Error("no user " + user.email))',
      'console.log(user.id) // OK',
      'console.log(password) // $ Alert[js/clear-text-logging]',
      '',
    ].join('\n'),
  );
  return dir;
}

function main() {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  const root = values.smoke ? smokeSuites() : values.suites;
  if (!root) throw new Error('give --suites FOLDER (one sub-folder per suite) or --smoke');
  const table = [];
  for (const name of readdirSync(root).sort()) {
    const dir = path.join(root, name);
    if (!existsSync(path.join(dir, MARKER))) continue;
    const source = readFileSync(path.join(dir, MARKER), 'utf8').trim();
    const r = measure(dir);
    table.push({ name, source, ...r });
  }
  console.log('suite'.padEnd(34) + 'expected  found  recall  false-pos (on lines marked fine)');
  for (const r of table) {
    const recall = r.expected ? `${((100 * r.found) / r.expected).toFixed(0)}%` : '-';
    console.log(
      `${r.name.padEnd(34)}${String(r.expected).padStart(8)}${String(r.found).padStart(7)}${recall.padStart(8)}${String(r.fp).padStart(11)} (${r.fine})`,
    );
  }
  for (const r of table) {
    console.log(`\n${r.name}: ${r.source}`);
    if (r.missed.length) console.log(`  missed: ${r.missed.join(', ')}`);
    if (r.extra.length) console.log(`  false positives: ${r.extra.join(', ')}`);
  }
  if (values.smoke && table.some((r) => r.found === 0)) process.exitCode = 1;
}

main();
