import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { Engine, seededRandom as rng, type Finding, type ModuleHost } from '../../server/src/core';
import { loadWasm } from '../../server/src/host/wasm';
import { incrementalCounts } from '../../server/src/core/incremental/document';
import { finishMemoCounts } from '../../server/src/core/incremental/finish-memo';
import { summaryCounts } from '../../server/src/core/languages/lazy';
import { keptImportsCounts } from '../../server/src/core/languages/modules/kept-imports';
import { LineIndex } from '../../server/src/core/text';
import { engine } from '../support/engine';

let e: Engine;
/** A second engine, for fresh analyses under the same path (fingerprints read the path). */
let other: Engine;
before(async () => {
  e = await engine();
  other = await Engine.create(loadWasm);
});

const show = (fs: Finding[]) =>
  fs.map((f) => `${f.ruleId} ${f.span.offset}+${f.span.length} ${f.severity} ${f.message}`);

/**
 * Each step's text is analysed twice: incrementally (the previous tree and per-definition
 * results retained) and from scratch. The findings must be identical at every step.
 */
function checkSequence(path: string, steps: string[]): void {
  e.release(path);
  const governance = e.governance(undefined).governance;
  for (const [i, text] of steps.entries()) {
    const incremental = e.analyzeFile({ path, text }, governance, undefined, { retain: true });
    // Everything a shell shows or applies: fixes (the waiver fix among them), fingerprints, waivers.
    const fresh = other.analyzeFile({ path, text }, governance);
    assert.deepEqual(show(incremental.findings), show(fresh.findings), `step ${i} of ${path}`);
    assert.deepEqual(incremental.findings, fresh.findings, `step ${i} of ${path}: fixes, fingerprints, waivers`);
    assert.deepEqual(incremental.waivers, fresh.waivers, `step ${i} of ${path}: waivers`);
  }
  e.release(path);
}

it('incremental Python analysis equals a fresh one after every edit', () => {
  const base = `import logging
log = logging.getLogger(__name__)

def a(user):
    log.info(user.name)

def b(user):
    print(user.id)
`;
  checkSequence('inc.py', [
    base,
    base.replace('log.info(user.name)', 'log.info(user.password)'),
    // A module-level taint that a definition below reads: its cached result must not be reused.
    base.replace('log = logging', 'pw = settings.password\nlog = logging').replace('print(user.id)', 'print(pw)'),
    base.replace('print(user.id)', 'print(pw)'),
    // A logger bound under another name changes what is a sink inside an unchanged function.
    base
      .replace('log = logging.getLogger(__name__)', 'audit = logging.getLogger("a")')
      .replace('log.info(user.name)', 'audit.error(user.password)'),
    // Functions moved: cached results must move with them.
    'import logging\nlog = logging.getLogger(__name__)\n\n\n\ndef c():\n    pass\n' +
      base.slice(base.indexOf('def a')).replace('user.name', 'user.api_key'),
    '',
    base,
    // A cached definition must bring back its literal credential, not only its flows.
    base + '\ndef c():\n    password = "Zx81kq02Lm"\n',
    base.replace('user.name', 'user.id') + '\ndef c():\n    password = "Zx81kq02Lm"\n',
  ]);
});

it('incremental TypeScript analysis equals a fresh one after every edit', () => {
  const base = `const logger = pino();
export function a(u: any) { logger.info(u.name); }
export function b(u: any) { console.log(\`\${u.id}\`); }
`;
  checkSequence('inc.ts', [
    base,
    base.replace('u.name', 'u.password'),
    base.replace('${u.id}', '${u.apiKey}'),
    'const token = cfg.accessToken;\n' + base.replace('u.name', 'token'),
    base
      .replace('const logger = pino();', 'const logger = pino();\nconst dbg = createDebug("x");')
      .replace('console.log', 'dbg'),
  ]);
});

const PYTHON_DEFS = [
  (i: number) =>
    `def f${i}(user, rows):\n    """Docs ${i}."""\n    total = len(rows)\n    log.info("n %s", total)\n    return total\n`,
  (i: number) => `def g${i}(user):\n    pw = user.password\n    log.warning("x %s", pw)\n`,
  (i: number) => `class C${i}:\n    def m(self, user):\n        print(user.email)\n`,
  (i: number) =>
    `@decorate\ndef d${i}(user):\n    token = "ghp_${'a1B2c3D4e5'.repeat(4).slice(0, 36)}"\n    note = "call 555-12-3456 now"\n    return token\n`,
  (i: number) =>
    `def w${i}(user):\n    # crownguard: waive CG101 policy=no-pii-in-logs reason="reviewed" expires=2027-01-31 approver=jane\n    log.info(user.ssn)\n`,
];
// The definitions read module-level data rather than their parameters and return nothing
// sensitive: a function that passes a parameter on to a sink, or returns sensitive data, has a
// summary, and a file with summaries is always walked whole (its helpers' callers depend on
// them), which the helper tests below cover.
const TYPESCRIPT_DEFS = [
  (i: number) =>
    `export function f${i}(u: any, rows: any[]) {\n  const total = 7;\n  logger.info("n", total);\n  return total;\n}\n`,
  (i: number) => `function g${i}() {\n  const pw = session.password;\n  console.log(\`x \${pw}\`);\n}\n`,
  (i: number) => `export class C${i} {\n  m() {\n    logger.warn(account.email);\n  }\n}\n`,
  (i: number) =>
    `function d${i}() {\n  const apiKey = "Zx81kq02LmQw77";\n  const s = "ssn 555-12-3456";\n  return 0;\n}\n`,
  (i: number) =>
    `function w${i}() {\n  // crownguard: waive CG101 policy=no-pii-in-logs reason="reviewed" expires=2027-01-31 approver=jane\n  logger.info(account.ssn);\n}\n`,
];
const SNIPPETS = [
  'user.ssn',
  'u.apiKey',
  ' record.email ',
  'password = "Zx81kq02Lm"\n',
  '\n',
  '\n    ',
  '  ',
  'x',
  '(',
  ')',
  '"',
  '"""',
  '`',
  '#',
  '//',
  ' # note',
  '\n    log.info(user.date_of_birth)',
  '\n  logger.info(u.iban);',
  '\ndef late(user):\n    print(user.phone)\n',
  'AKIAIOSFODNN7EXAMPLE',
  'jane.doe@example.org',
  '}',
  '{',
  'pw',
];

/**
 * Random edits over a file of many definitions, each result compared with a fresh analysis:
 * typing (one or a few characters), pasting snippets, deleting ranges, mostly inside a
 * definition (the fast path) and sometimes anywhere (the fallback).
 */
function randomEdits(
  path: string,
  header: string,
  defs: ((i: number, r: () => number) => string)[],
  seed: number,
  edits: number,
  vocabulary: { words: RegExp; swaps: string[]; snippets: string[] } = {
    words: /\b(total|rows|user|u|n|x)\b/g,
    swaps: ['total', 'user.ssn', 'u.password', 'rows', 'secret', 'pw', 'user.email'],
    snippets: SNIPPETS,
  },
): number {
  const r = rng(seed);
  let text = header;
  for (let i = 0; i < 40; i++) text += '\n' + defs[Math.floor(r() * defs.length)](i, r);
  const steps = [text];
  for (let n = 0; n < edits; n++) {
    const roll = r();
    // Most edits land inside a definition's body: after the first line's end, before its last.
    const at = Math.floor(r() * text.length);
    if (roll < 0.35) {
      // Typing that keeps the file well formed: a word changed, a comment at a line's end.
      const words = [...text.matchAll(vocabulary.words)];
      const w = words[Math.floor(r() * words.length)];
      const lineEnd = text.indexOf('\n', at);
      const choice = r();
      if (w && choice < 0.5) {
        const swap = vocabulary.swaps[Math.floor(r() * vocabulary.swaps.length)];
        text = text.slice(0, w.index) + swap + text.slice(w.index + w[0].length);
      } else if (lineEnd > 0) {
        text = text.slice(0, lineEnd) + (path.endsWith('.py') ? ' # edit' : ' // edit') + text.slice(lineEnd);
      }
    } else if (roll < 0.65) {
      const snippet = vocabulary.snippets[Math.floor(r() * vocabulary.snippets.length)];
      text = text.slice(0, at) + snippet + text.slice(at);
    } else if (roll < 0.8) {
      text = text.slice(0, at) + text.slice(at + 1 + Math.floor(r() * 3));
    } else if (roll < 0.9) {
      // Undo-like: back to an earlier version.
      text = steps[Math.floor(r() * steps.length)];
    } else {
      text = text.slice(0, at) + text.slice(at + Math.floor(r() * 200));
    }
    steps.push(text);
  }
  checkSequence(path, steps);
  return steps.length;
}

it('incremental Python analysis equals a fresh one after hundreds of random edits', () => {
  const before = { ...incrementalCounts };
  const header =
    'import logging\nfrom acme import decorate\nlog = logging.getLogger(__name__)\nsecret = cfg.password\n';
  for (const seed of [1, 2, 3]) randomEdits(`random-${seed}.py`, header, PYTHON_DEFS, seed, 150);
  tookBothPaths(before);
});

it('incremental TypeScript analysis equals a fresh one after hundreds of random edits', () => {
  const before = { ...incrementalCounts };
  const header = 'import pino from "pino";\nconst logger = pino();\nconst secret = cfg.accessToken;\n';
  for (const seed of [1, 2, 3]) randomEdits(`random-${seed}.ts`, header, TYPESCRIPT_DEFS, seed, 150);
  tookBothPaths(before);
});

/** The comparisons above prove something only if both the fast path and the fallback ran often. */
function tookBothPaths(before: typeof incrementalCounts): void {
  const patched = incrementalCounts.patched - before.patched;
  const declined = incrementalCounts.declined - before.declined;
  console.log(`fast path ${patched} edits, full analysis ${declined}`);
  assert.ok(patched >= 100, `fast path taken ${patched} times`);
  assert.ok(declined >= 20, `full analysis ${declined} times`);
}

it('a line index updated by an edit equals one built from the new text', () => {
  const r = rng(7);
  const pieces = ['\n', '\r\n', '\r', 'ab', 'x', '\n\n', ''];
  let text = 'one\ntwo\r\nthree\rfour\n';
  let lines = new LineIndex(text);
  for (let n = 0; n < 2000; n++) {
    const start = Math.floor(r() * (text.length + 1));
    const oldEnd = Math.min(text.length, start + Math.floor(r() * 4));
    const inserted = pieces[Math.floor(r() * pieces.length)] + pieces[Math.floor(r() * pieces.length)];
    const next = text.slice(0, start) + inserted + text.slice(oldEnd);
    lines = lines.edited(next, start, oldEnd, start + inserted.length);
    const fresh = new LineIndex(next);
    const starts = (l: LineIndex) => Array.from({ length: l.lineCount }, (_, i) => l.lineStart(i));
    assert.deepEqual(starts(lines), starts(fresh), `edit ${n}: ${JSON.stringify(text)} -> ${JSON.stringify(next)}`);
    text = next.length > 400 ? next.slice(0, 200) : next;
    if (text !== next) lines = new LineIndex(text);
  }
});

it('incremental analysis equals a fresh one when the helpers a call goes through change', () => {
  const base = `import logging
logger = logging.getLogger(__name__)

def my_log(x):
    logger.info(x)

def relay(y):
    my_log(y)

def login(password):
    relay(password)
`;
  checkSequence('helpers.py', [
    base,
    // The helper stops logging: the call two functions away is no longer a finding.
    base.replace('    logger.info(x)', '    logger.info(len(x))'),
    base,
    // Lines above the helpers: their paths move, the cached summaries must move with them.
    base.replace('import logging', '"""Helpers."""\n\nimport logging'),
    // The helper now returns what it is given, and the caller logs the result.
    base.replace('    logger.info(x)', '    return x').replace('    relay(password)', '    print(my_log(password))'),
    base.replace('def relay(y):\n    my_log(y)', 'def relay(y):\n    relay(y)'),
    base,
  ]);
  checkSequence('helpers.ts', [
    'function myLog(x) {\n  console.log(x);\n}\nexport function login(password) {\n  myLog(password);\n}\n',
    'function myLog(x) {\n  console.log(x.length);\n}\nexport function login(password) {\n  myLog(password);\n}\n',
    '\n\nfunction myLog(x) {\n  console.log(x);\n}\nexport function login(password) {\n  myLog(password);\n}\n',
  ]);
});

it('a fresh analysis summarises only the helpers hot code calls, and equals the incremental one', () => {
  // Callers before their helpers, a chain, a helper returning a logger, one returning a secret
  // called from code that names nothing sensitive, mutual recursion, and many helpers never called.
  const cold = Array.from({ length: 40 }, (_, i) => `def unused_${i}(rows):\n    print(rows)\n    return len(rows)\n`);
  const base = `import logging
logger = logging.getLogger(__name__)

def login(password):
    relay(password)
    get_log().info(password)
    ping(password)

def report():
    print(load())

def relay(y):
    my_log(y)

def my_log(x):
    logging.getLogger().info(x)

def get_log():
    return logger

def load():
    return read_secret_file()

def read_secret_file():
    api_key = open("k").read()
    return api_key

def ping(x):
    pong(x)

def pong(x):
    if x:
        ping(x)
    print(x)

${cold.join('\n')}`;
  const governance = e.governance(undefined).governance;
  const before = summaryCounts.summarised;
  const fresh = e.analyzeFile({ path: 'lazy.py', text: base }, governance).findings;
  const summarised = summaryCounts.summarised - before;
  // The seven helpers the hot code reaches (recursion summarised again to its fixed point), none of the forty others.
  assert.ok(summarised >= 7 && summarised < 20, `${summarised} summaries computed`);
  const lines = show(fresh).join('\n');
  for (const line of [5, 6, 7, 10])
    assert.ok(
      fresh.some((f) => f.ruleId === 'CG101' && base.slice(0, f.span.offset).split('\n').length === line),
      `a finding on line ${line}:\n${lines}`,
    );
  checkSequence('lazy.py', [
    base,
    base.replace('    print(x)\n', '    print(len(x))\n'),
    base.replace('    return api_key', '    return "none"'),
    base.replace('    return logger\n', '    return None\n'),
    base,
  ]);
});

/** Runs `run` and says how often each path was taken meanwhile. */
function counted(run: () => void): typeof incrementalCounts {
  const before = { ...incrementalCounts };
  run();
  return {
    patched: incrementalCounts.patched - before.patched,
    declined: incrementalCounts.declined - before.declined,
    callers: incrementalCounts.callers - before.callers,
  };
}

it('an edit inside a helper is re-analysed alone whether its summary changes or not', () => {
  const base = `import logging
logger = logging.getLogger(__name__)

def my_log(x):
    logger.info(x)

def relay(y):
    my_log(y)

def unrelated(rows):
    return len(rows)

def login(password):
    relay(password)

def count(n):
    if n:
        count(n - 1)
    logger.debug(n)

def ping(x):
    pong(x)

def pong(x):
    ping(x)
    logger.info(x)

def call_ping(user):
    ping(user.ssn)
`;
  const counts = counted(() =>
    checkSequence('summaries.py', [
      base,
      // The helper's summary does not change: only it is walked again.
      base.replace('    logger.info(x)\n\ndef relay', '    # a note\n    logger.info(x)\n\ndef relay'),
      base,
      // Nor when an unrelated function grows by a line: everything after it moves.
      base.replace('    return len(rows)', '    total = len(rows)\n    return total'),
      base,
      // The helper stops logging: the caller two functions away loses its finding.
      base.replace('    logger.info(x)\n\ndef relay', '    logger.info(len(x))\n\ndef relay'),
      base,
      // The helper now returns what it is given instead, and a caller logs that.
      base.replace('    logger.info(x)\n\ndef relay', '    return x\n\ndef relay'),
      base
        .replace('    logger.info(x)\n\ndef relay', '    return x\n\ndef relay')
        .replace('    relay(password)', '    print(my_log(password))'),
      base.replace('    relay(password)', '    print(my_log(password))'),
      base,
      // Recursion: a function that calls itself, and two that call each other.
      base.replace('    logger.debug(n)', '    logger.debug(len(str(n)))'),
      base,
      base.replace('    ping(x)\n    logger.info(x)', '    ping(x)\n    logger.info(len(x))'),
      base,
      base.replace('    ping(x)\n    logger.info(x)', '    ping(x)\n    logger.info(x)\n    print(x)'),
      base,
      // A helper deleted: the whole file is analysed again.
      base.replace('def relay(y):\n    my_log(y)\n', ''),
      base,
    ]),
  );
  assert.ok(counts.patched >= 9, `fast path taken ${counts.patched} times`);
  assert.ok(counts.callers >= 4, `callers re-walked ${counts.callers} times`);
  assert.ok(counts.declined >= 1, `full analysis ${counts.declined} times`);
  const ts = `const logger = pino();
function myLog(x: any) {
  logger.info(x);
}
function relay(y: any) {
  myLog(y);
}
export function login(password: string) {
  relay(password);
}
function count(x: any, n: number) {
  if (n) count(x, n - 1);
  console.log(x);
}
export function total(u: any) {
  count(u.apiKey, 3);
}
`;
  const tsCounts = counted(() =>
    checkSequence('summaries.ts', [
      ts,
      ts.replace('  logger.info(x);', '  // a note\n  logger.info(x);'),
      ts,
      ts.replace('  logger.info(x);', '  logger.info(x.length);'),
      ts,
      ts.replace('  logger.info(x);', '  return x;'),
      ts.replace('  logger.info(x);', '  return x;').replace('  relay(password);', '  console.log(myLog(password));'),
      ts,
      ts.replace('  console.log(x);', '  console.log(typeof x);'),
      ts,
      ts.replace('function relay(y: any) {\n  myLog(y);\n}\n', ''),
    ]),
  );
  assert.ok(tsCounts.patched >= 4, `fast path taken ${tsCounts.patched} times`);
  assert.ok(tsCounts.callers >= 2, `callers re-walked ${tsCounts.callers} times`);
});

/** Helpers that pass a parameter to a sink, relays to them, callers, recursion, a helper returning its argument. */
const pick = (r: () => number) => Math.floor(r() * 40);
const PYTHON_HELPERS = [
  (i: number) => `def h${i}(x):\n    logger.info(x)\n`,
  (i: number, r: () => number) => `def r${i}(y):\n    h${pick(r)}(y)\n`,
  (i: number, r: () => number) => `def c${i}(user):\n    r${pick(r)}(user.password)\n    h${pick(r)}(user.email)\n`,
  (i: number) => `def q${i}(x, n):\n    if n:\n        q${i}(x, n - 1)\n    logger.debug(x)\n`,
  (i: number, r: () => number) => `def m${i}(a):\n    return a\n\ndef p${i}(user):\n    print(m${pick(r)}(user.ssn))\n`,
  (i: number) => `def e${i}(x):\n    o${i}(x)\n\ndef o${i}(x):\n    e${i}(x)\n    logger.info(x)\n`,
  (i: number) => `def f${i}(rows):\n    total = len(rows)\n    return total\n`,
];
const TYPESCRIPT_HELPERS = [
  (i: number) => `function h${i}(x: any) {\n  logger.info(x);\n}\n`,
  (i: number, r: () => number) => `function r${i}(y: any) {\n  h${pick(r)}(y);\n}\n`,
  (i: number, r: () => number) =>
    `export function c${i}(u: any) {\n  r${pick(r)}(u.password);\n  h${pick(r)}(u.email);\n}\n`,
  (i: number) => `function q${i}(x: any, n: number) {\n  if (n) q${i}(x, n - 1);\n  console.log(x);\n}\n`,
  (i: number, r: () => number) =>
    `function m${i}(a: any) {\n  return a;\n}\nexport function p${i}(u: any) {\n  logger.warn(m${pick(r)}(u.ssn));\n}\n`,
  (i: number) => `function f${i}(rows: any[]) {\n  const total = rows.length;\n  return total;\n}\n`,
];
const HELPER_VOCABULARY = {
  words: /\b(x|y|a|total|rows|len|info|debug)\b/g,
  swaps: ['x', 'len(x)', 'y', 'a', 'total', 'rows', 'user.ssn', 'n', 'h3', 'r5'],
  snippets: [
    ...SNIPPETS,
    '\n    logger.info(x)',
    '\n    return x',
    '\n    return len(a)',
    '\n  logger.info(y);',
    '\n  return x;',
    '\n  return 0;',
    'h7(',
    'm2(',
  ],
};

it('incremental analysis equals a fresh one after random edits in a file of helpers and their callers', () => {
  let compared = 0;
  const py = counted(() => {
    const header = 'import logging\nlogger = logging.getLogger(__name__)\n';
    for (const seed of [11, 12])
      compared += randomEdits(`helpers-${seed}.py`, header, PYTHON_HELPERS, seed, 150, HELPER_VOCABULARY);
  });
  const ts = counted(() => {
    const header = 'import pino from "pino";\nconst logger = pino();\n';
    for (const seed of [11, 12])
      compared += randomEdits(`helpers-${seed}.ts`, header, TYPESCRIPT_HELPERS, seed, 150, HELPER_VOCABULARY);
  });
  console.log(
    `${compared} versions compared with a fresh analysis, 0 differences; Python: fast path ${py.patched} (callers re-walked ${py.callers}), full ${py.declined}; TypeScript: fast path ${ts.patched} (callers re-walked ${ts.callers}), full ${ts.declined}`,
  );
  for (const c of [py, ts]) {
    assert.ok(c.patched >= 30, `fast path taken ${c.patched} times`);
    assert.ok(c.callers >= 5, `callers re-walked ${c.callers} times`);
    assert.ok(c.declined >= 20, `full analysis ${c.declined} times`);
  }
});

it('incremental analysis equals a fresh one when a helper in another file changes', () => {
  e.release('app.py');
  const governance = e.governance(undefined).governance;
  const caller = (extra: string) =>
    `from utils import my_log\n\n\ndef login(password, ticket):\n    my_log(password)\n${extra}`;
  const logs = 'def my_log(x):\n    print(x)\n';
  const quiet = 'def my_log(x):\n    print(len(x))\n';
  const steps: [string, string, number][] = [
    [caller(''), logs, 1],
    // Only the helper changes: the caller's text is the same, its finding goes.
    [caller(''), quiet, 0],
    [caller('    my_log(ticket)\n'), quiet, 0],
    [caller('    my_log(ticket)\n'), logs, 1],
    [caller('    my_log(password)\n'), logs, 2],
    [caller(''), logs, 1],
  ];
  for (const [i, [text, helper, expected]] of steps.entries()) {
    const modules = { read: (p: string) => (p === 'utils.py' ? helper : undefined) };
    const incremental = e.analyzeFile({ path: 'app.py', text }, governance, undefined, { retain: true, modules });
    // Another path, so that the fresh analysis does not release what the incremental one kept.
    const fresh = e.analyzeFile({ path: `fresh-${i}.py`, text }, governance, undefined, { modules });
    assert.deepEqual(
      show(incremental.findings),
      show(fresh.findings.map((f) => ({ ...f, path: 'app.py' }))),
      `step ${i}`,
    );
    assert.equal(incremental.findings.filter((f) => f.ruleId === 'CG101').length, expected, `step ${i}`);
  }
  e.release('app.py');
});

/** A caller and the helper module it imports, in one language, for the random edits below. */
interface ModulePair {
  readonly caller: string;
  readonly helper: string;
  /** The caller's import lines: the first is the one the file starts with. */
  readonly imports: string[];
  readonly header: string;
  readonly defs: ((i: number) => string)[];
  /** Versions of the helper module: logging its arguments or not, a function added or renamed. */
  readonly helpers: string[];
  readonly vocabulary: { words: RegExp; swaps: string[]; snippets: string[] };
}

const PYTHON_PAIR: ModulePair = {
  caller: 'app.py',
  helper: 'utils.py',
  imports: [
    'from utils import my_log, shout\n',
    'from utils import my_log\n',
    'from utils import shout as my_log, my_log as shout\n',
    'from helpers import my_log, shout\n',
    'import utils\n',
    '\n',
  ],
  header: 'import logging\nlog = logging.getLogger(__name__)\n',
  defs: [
    (i) => `def h${i}(user):\n    my_log(user.name)\n`,
    (i) => `def s${i}(user):\n    total = 3\n    shout(user.email, total)\n`,
    (i) => `def q${i}(user):\n    n = len(user.id)\n    print(n)\n`,
  ],
  helpers: [
    'import logging\nlog = logging.getLogger(__name__)\n\ndef my_log(x):\n    print(x)\n\ndef shout(y, n):\n    log.info(n)\n',
    'def my_log(x):\n    print(len(x))\n\ndef shout(y, n):\n    print(y)\n',
    'def my_log(x):\n    return x\n\ndef shout(y, n):\n    print(y, n)\n',
    'def my_log(x):\n    pass\n',
  ],
  vocabulary: {
    words: /\b(user\.name|user\.email|user\.id|my_log|shout|total|n)\b/g,
    swaps: ['user.password', 'user.ssn', 'user.name', 'my_log', 'shout', 'utils.my_log', 'total'],
    snippets: ['\n    my_log(user.ssn)', '\n    shout(user.iban, 1)', ' # note', '(', ')', 'x', '\n', '"'],
  },
};

const TYPESCRIPT_PAIR: ModulePair = {
  caller: 'app.ts',
  helper: 'utils.ts',
  imports: [
    'import { myLog, shout } from "./utils";\n',
    'import { myLog } from "./utils";\n',
    'import { shout as myLog, myLog as shout } from "./utils";\n',
    'import { myLog, shout } from "./helpers";\n',
    'import * as utils from "./utils";\n',
    '\n',
  ],
  header: 'const n = 3;\n',
  defs: [
    (i) => `export function h${i}(u: any) {\n  myLog(u.name);\n}\n`,
    (i) => `export function s${i}(u: any) {\n  const total = 3;\n  shout(u.email, total);\n}\n`,
    (i) => `export function q${i}(u: any) {\n  const k = u.id.length;\n  console.log(k);\n}\n`,
  ],
  helpers: [
    'export function myLog(x: any) {\n  console.log(x);\n}\nexport function shout(y: any, n: number) {\n  console.warn(n);\n}\n',
    'export function myLog(x: any) {\n  console.log(x.length);\n}\nexport function shout(y: any, n: number) {\n  console.log(y);\n}\n',
    'export function myLog(x: any) {\n  return x;\n}\nexport function shout(y: any, n: number) {\n  console.error(y, n);\n}\n',
    'export function myLog(x: any) {}\n',
  ],
  vocabulary: {
    words: /\b(u\.name|u\.email|u\.id|myLog|shout|total|k)\b/g,
    swaps: ['u.password', 'u.ssn', 'u.name', 'myLog', 'shout', 'utils.myLog', 'total'],
    snippets: ['\n  myLog(u.ssn);', '\n  shout(u.iban, 1);', ' // note', '(', ')', 'x', '\n', '{', '}'],
  },
};

/**
 * Random edits to a caller that imports a helper module through a module host, with the
 * helper module edited between the caller's edits and the caller's import lines edited too:
 * after each, the incremental result must be the fresh one.
 */
function randomModuleEdits(pair: ModulePair, seed: number, edits: number, revisioned = false): number {
  const r = rng(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(r() * list.length)];
  const governance = e.governance(undefined).governance;
  let helper = pair.helpers[0];
  // A host with a revision lets an edit that touches no import reuse the imported summaries:
  // the revision changes with the helper, as the editor's host counts a module's changes.
  let revision = 0;
  const modules: ModuleHost = { read: (p: string) => (p === pair.helper ? helper : undefined) };
  // A getter, so that each analysis reads the revision as it is then.
  if (revisioned) Object.defineProperty(modules, 'revision', { get: () => revision });
  let text = pair.imports[0] + pair.header;
  for (let i = 0; i < 30; i++) text += '\n' + pick(pair.defs)(i);
  e.release(pair.caller);
  const versions = [text];
  let compared = 0;
  for (let n = 0; n <= edits; n++) {
    if (n > 0) {
      const roll = r();
      const at = Math.floor(r() * text.length);
      if (roll < 0.15) {
        // The helper module changes (on disk or in an editor) while the caller stays as it is.
        const next = pick(pair.helpers);
        if (next !== helper) revision++;
        helper = next;
      } else if (roll < 0.3) {
        // The import line is edited: what the caller's calls reach changes with no edit to them.
        const line = pair.imports.find((l) => text.startsWith(l) && l !== '\n') ?? '';
        text = pick(pair.imports) + text.slice(line.length);
      } else if (roll < 0.6) {
        const words = [...text.matchAll(pair.vocabulary.words)];
        const w = pick(words);
        if (w) text = text.slice(0, w.index) + pick(pair.vocabulary.swaps) + text.slice(w.index + w[0].length);
      } else if (roll < 0.8) {
        text = text.slice(0, at) + pick(pair.vocabulary.snippets) + text.slice(at);
      } else if (roll < 0.9) {
        text = text.slice(0, at) + text.slice(at + 1 + Math.floor(r() * 3));
      } else {
        text = pick(versions);
      }
      versions.push(text);
    }
    const incremental = e.analyzeFile({ path: pair.caller, text }, governance, undefined, { retain: true, modules });
    // Another name in the same folder, so that the fresh analysis resolves the same imports and keeps nothing.
    const fresh = e.analyzeFile({ path: `fresh-${n}-${pair.caller}`, text }, governance, undefined, {
      modules,
      modulePath: pair.caller,
    });
    assert.deepEqual(
      show(incremental.findings),
      show(fresh.findings.map((f) => ({ ...f, path: pair.caller }))),
      `seed ${seed}, step ${n} of ${pair.caller}`,
    );
    compared++;
  }
  e.release(pair.caller);
  return compared;
}

it('incremental analysis equals a fresh one after random edits to a caller and the module it imports', () => {
  for (const pair of [PYTHON_PAIR, TYPESCRIPT_PAIR]) {
    let compared = 0;
    const c = counted(() => {
      for (const seed of [21, 22, 23]) compared += randomModuleEdits(pair, seed, 120);
    });
    console.log(`${pair.caller}: ${compared} versions compared, fast path ${c.patched}, full ${c.declined}`);
    // The comparisons prove something only if the fast path ran often with imported summaries.
    assert.ok(c.patched >= 40, `fast path taken ${c.patched} times`);
    assert.ok(c.declined >= 20, `full analysis ${c.declined} times`);
  }
});

it('incremental analysis equals a fresh one after random edits when the imported summaries are reused between edits', () => {
  for (const pair of [PYTHON_PAIR, TYPESCRIPT_PAIR]) {
    let compared = 0;
    const before = { ...keptImportsCounts };
    const c = counted(() => {
      for (const seed of [31, 32, 33]) compared += randomModuleEdits(pair, seed, 120, true);
    });
    const reused = keptImportsCounts.reused - before.reused;
    const relinked = keptImportsCounts.relinked - before.relinked;
    console.log(
      `${pair.caller}: ${compared} versions compared, fast path ${c.patched}, reused ${reused}, relinked ${relinked}`,
    );
    // The comparisons prove something only if the kept summaries were reused often.
    assert.ok(reused >= 30, `imported summaries reused ${reused} times`);
  }
});

/**
 * One caller edited step by step through a host with a revision, each step's findings compared
 * with a fresh analysis and with the expected count of findings through the helper.
 */
function checkImportSteps(
  caller: string,
  helperPath: string,
  steps: readonly { text: string; helper: string; revision: number; expected: number }[],
): void {
  e.release(caller);
  const governance = e.governance(undefined).governance;
  for (const [i, step] of steps.entries()) {
    const modules = { read: (p: string) => (p === helperPath ? step.helper : undefined), revision: step.revision };
    const incremental = e.analyzeFile({ path: caller, text: step.text }, governance, undefined, {
      retain: true,
      modules,
    });
    const fresh = e.analyzeFile({ path: `fresh-${i}-${caller}`, text: step.text }, governance, undefined, {
      modules,
      modulePath: caller,
    });
    assert.deepEqual(
      show(incremental.findings),
      show(fresh.findings.map((f) => ({ ...f, path: caller }))),
      `step ${i} of ${caller}`,
    );
    const through = incremental.findings.filter((f) => / through `/.test(f.message)).length;
    assert.equal(through, step.expected, `step ${i} of ${caller}: findings through the helper`);
  }
  e.release(caller);
}

it('reused imported summaries follow an edit that starts or stops using an imported name', () => {
  const before = keptImportsCounts.relinked;
  const helper =
    'import logging\nlog = logging.getLogger(__name__)\n\ndef my_log(x):\n    log.info(x)\n\ndef shout(y):\n    log.warning(y)\n';
  const py = (body: string) =>
    `from utils import my_log, shout\n\n\ndef login(password, ticket):\n    my_log(password)\n${body}\n\ndef other(user):\n    n = 1\n`;
  checkImportSteps('app.py', 'utils.py', [
    { text: py('    print(ticket)'), helper, revision: 1, expected: 1 },
    // `shout` was imported and never called: its first call must bring its summary.
    { text: py('    shout(password)'), helper, revision: 1, expected: 2 },
    { text: py('    shout (password)'), helper, revision: 1, expected: 2 },
    // The only call goes: what the caller imports is less.
    { text: py('    shou(password)'), helper, revision: 1, expected: 1 },
    { text: py('    shout(password)'), helper, revision: 1, expected: 2 },
  ]);
  const tsHelper =
    'export function myLog(x: any) {\n  console.log(x);\n}\nexport function shout(y: any) {\n  console.warn(y);\n}\n';
  const ts = (body: string) =>
    `import { myLog, shout } from "./utils";\n\nexport function login(password: string, ticket: string) {\n  myLog(password);\n${body}\n}\n\nexport function other(u: any) {\n  const n = 1;\n}\n`;
  checkImportSteps('app.ts', 'utils.ts', [
    { text: ts('  console.info(ticket.length);'), helper: tsHelper, revision: 1, expected: 1 },
    { text: ts('  shout(password);'), helper: tsHelper, revision: 1, expected: 2 },
    { text: ts('  shou(password);'), helper: tsHelper, revision: 1, expected: 1 },
  ]);
  // Each call added or removed recomputed the summaries from the links kept.
  assert.ok(keptImportsCounts.relinked - before >= 4, `recomputed ${keptImportsCounts.relinked - before} times`);
});

it('reused imported summaries are read again when a module changes under them', () => {
  const logs = 'def my_log(x):\n    print(x)\n';
  const quiet = 'def my_log(x):\n    print(len(x))\n';
  const py = (extra: string) =>
    `from utils import my_log\n\n\ndef login(password, ticket):\n    my_log(password)${extra}\n\ndef other(user):\n    n = 1\n`;
  checkImportSteps('app.py', 'utils.py', [
    { text: py(''), helper: logs, revision: 1, expected: 1 },
    // The caller is edited where it calls nothing imported, as the helper stops logging.
    { text: py('  # edited'), helper: quiet, revision: 2, expected: 0 },
    { text: py('  # edited again'), helper: logs, revision: 3, expected: 1 },
    // An import line edited: the links are read again.
    {
      text: py('').replace('from utils import my_log', 'from utils import my_log as shout'),
      helper: logs,
      revision: 3,
      expected: 0,
    },
  ]);
});

/**
 * A sequence of edits each made inside one definition (so that the fast path takes it), each
 * result compared whole with a fresh analysis; returns how many the fast path took.
 */
function fastSequence(path: string, steps: string[]): number {
  const before = incrementalCounts.patched;
  checkSequence(path, steps);
  return incrementalCounts.patched - before;
}

/** A TypeScript file of `n` functions, each logging a sensitive value, one finding each. */
function loggingFunctions(n: number, sink = 'logger.info'): string {
  let text = 'const logger = pino();\n';
  for (let i = 0; i < n; i++) text += `function f${i}() {\n  const x = ${i};\n  ${sink}(account.ssn);\n}\n`;
  return text;
}

it('an annotation typed far from any finding is read, though the text had none before', () => {
  const base = loggingFunctions(30);
  const edited = base.replace('x = 7', 'x = 70');
  const annotation = '  // crownguard: waive CG101 reason="checked" expires=2027-01-31\n';
  const far = edited.replace('  const x = 2;', `${annotation}  const x = 2;`);
  const near = far.replace('  const x = 25;\n', `  const x = 25;\n${annotation}`);
  const before = { ...finishMemoCounts };
  const steps = [base, edited, far, near, far, edited];
  assert.equal(fastSequence('annotations.ts', steps), steps.length - 1);
  // The memo answered: the findings of the unchanged definitions were not worked out again.
  assert.ok(finishMemoCounts.kept - before.kept > 100, `kept ${finishMemoCounts.kept - before.kept}`);
});

it('an edit that makes a file run in a web page changes its log findings, and one that undoes it too', () => {
  // Only the console reads otherwise in a web page.
  const base = loggingFunctions(20, 'console.log').replace('  const x = 3;', '  const x = require\n  ;');
  const edited = base.replace('x = 7', 'x = 70');
  const page = edited.replace('  const x = 15;', '  const x = document.title;');
  const paged = page.replace('x = 9', 'x = 90');
  const required = paged.replace('require\n  ;', 'require\n  ("fs");');
  const steps = [base, edited, page, paged, required, paged, page, edited];
  assert.equal(fastSequence('browser.ts', steps), steps.length - 1);
  const governance = e.governance(undefined).governance;
  const inPage = (text: string) =>
    other
      .analyzeFile({ path: 'browser.ts', text }, governance)
      .findings.filter((f) => f.message.includes('runs in a web page')).length;
  // The sequence means something only if the answer changed along it.
  assert.deepEqual([inPage(base), inPage(page), inPage(required)], [0, 20, 0]);
});

it('what is kept of a definition follows its text, not its place', () => {
  // Two versions of f3 of the same length: in the first, the logging line starts inside a template literal.
  const plain = loggingFunctions(10);
  const template = plain.replace(
    '  const x = 3;\n  logger.info(account.ssn);\n',
    '  const s = `${\n  logger.info(account.ssn)}`;\n',
  );
  assert.equal(template.length, plain.length + 3);
  const padded = plain.replace('  const x = 3;', '  const x = 3000;');
  const steps = [
    template,
    padded,
    template,
    // The same line with a comment at its end: its fingerprint reads the whole line.
    padded.replace(
      '  logger.info(account.ssn);\n}\nfunction f4',
      '  logger.info(account.ssn); // note\n}\nfunction f4',
    ),
    padded,
  ];
  assert.equal(fastSequence('kept.ts', steps), steps.length - 1);
  const governance = e.governance(undefined).governance;
  const waiverFixes = (text: string) =>
    other
      .analyzeFile({ path: 'kept.ts', text }, governance)
      .findings.filter((f) => f.fixes.some((x) => x.title.startsWith('Waive'))).length;
  assert.deepEqual([waiverFixes(template), waiverFixes(padded)], [9, 10]);
});

it('a line break made CRLF inside a definition makes every waiver fix write CRLF', () => {
  const base = loggingFunctions(10);
  const crlf = base.replace('  const x = 4;\n', '  const x = 4;\r\n');
  assert.equal(fastSequence('eol.ts', [base, crlf, base]), 2);
  const governance = e.governance(undefined).governance;
  const fix = other
    .analyzeFile({ path: 'eol.ts', text: crlf }, governance)
    .findings[0].fixes.find((x) => x.title.startsWith('Waive'));
  assert.ok(fix?.edits[0].newText.endsWith('\r\n'));
});
