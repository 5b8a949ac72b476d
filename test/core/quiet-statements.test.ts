import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { seededRandom, type Engine, type FileResult, type ModuleHost } from '../../server/src/core';
import { quietStatements } from '../../server/src/core/languages/flow';
import { engine } from '../support/engine';

/**
 * A scan passes over the statements of a walked definition that can neither report a flow nor
 * change what a later statement reads (see `quiet` in flow.ts). Whatever a file holds, its
 * findings must be those of a walk that reads every statement. The generated functions mix
 * statements that carry something to the next one (a taint, a literal or an object literal, a
 * logger bound to a name, a field, a promise's reject, an augmented or walrus assignment, a shift
 * that assigns) with statements that only read, so that a statement wrongly passed over changes
 * a later finding.
 */

let e: Engine;
before(async () => {
  e = await engine();
});

const PY_SHARED = `import logging
import os

def fetch_secret():
    return os.environ["SERVICE_TOKEN"]

def emit(value):
    logging.getLogger("shared").info("value %s", value)

def load_value():
    return os.environ["API_KEY"]
`;
const TS_SHARED = `export function fetchSecret() {
  return process.env.SERVICE_TOKEN;
}
export function emit(value: string) {
  console.log("value", value);
}
export function loadValue() {
  return process.env.API_KEY;
}
`;
const modules: ModuleHost = {
  read: (p) => (p === 'shared.py' ? PY_SHARED : p === 'shared.ts' ? TS_SHARED : undefined),
};

function picker(seed: number) {
  const r = seededRandom(seed);
  return {
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)],
    chance: (p: number) => r() < p,
    count: (min: number, spread: number) => min + Math.floor(r() * spread),
  };
}

const VARS = ['x', 'y', 'out', 'cfg'];

/** Every line of a statement moved right by `pad`: its own nested lines are written relative to it. */
function indent(statement: string, pad: string): string {
  return statement
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}

function python(seed: number): string {
  const { pick, chance, count } = picker(seed);
  const v = () => pick(VARS);
  const statement = (): string =>
    pick([
      // Statements that carry something to the next.
      `${v()} = user.password`,
      `${v()} = "a literal"`,
      `${v()} = {"host": rows}`,
      `${v()} = {"password": user.password, "host": 1}`,
      `${v()} = rows`,
      `${v()} = ${v()}`,
      `${v()} += user.ssn`,
      `${v()} <<= 1`,
      `${v()} = logging.getLogger("svc")`,
      `${v()} = make_logger()`,
      `${v()} = log`,
      `${v()} = fetch_secret()`,
      `${v()} = redact(${v()})`,
      `${v()}, ${v()} = user.email, rows`,
      `if (${v()} := len(rows)) > 2:\n    logging.info(${v()})`,
      `self.${v()} = user.api_key`,
      `self.${v()} = 1`,
      // Statements that only read.
      `logging.info(${v()})`,
      `${v()}.info("v %s", ${v()})`,
      `log.info("seen %s", ${v()})`,
      `logging.info(${v()}.password)`,
      `logging.info(${v()}["password"])`,
      `logging.info(self.${v()})`,
      `emit(${v()})`,
      `report(log)`,
      `model.train()`,
      `print("done")`,
      `helper(value=${v()})`,
      `if ${v()} == 1:\n    logging.info(${v()})`,
      `for r in rows:\n    logging.info(r, ${v()})`,
      `raise ValueError(${v()})`,
      `logging.info(fetch_secret())`,
      `logging.info(load_value())`,
      `logging.info(os.environ)`,
      `logging.info(getpass.getpass())`,
      `logging.info(user.name)`,
      `rows.sort(key=lambda r: r.score)`,
      `logging.info(list(map(lambda r: r.id, rows)))`,
      `pass`,
    ]);
  const out = [
    'import getpass',
    'import logging',
    'import os',
    'from shared import fetch_secret, emit, load_value',
    'log = logging.getLogger(__name__)',
  ];
  out.push(
    'def make_logger():\n    return logging.getLogger("made")',
    'def report(logger):\n    logger.info("own %s", load_user().ssn)',
    'def helper(value):\n    logging.info(value)',
    'def redact(value):\n    return "***"',
  );
  const functions = count(2, 4);
  for (let n = 0; n < functions; n++) {
    const body = Array.from({ length: count(3, 9) }, statement).map((s) => indent(s, '    '));
    // A function walked at all names something sensitive somewhere.
    body.splice(
      Math.floor(body.length / 2),
      0,
      `    ${pick(['logging.debug(user.ssn is not None)', 'check(user.email)', 'x = user.password'])}`,
    );
    if (chance(0.3))
      out.push(`class Service${n}:\n    def run(self, user, rows):\n${body.map((s) => indent(s, '    ')).join('\n')}`);
    else out.push(`def f${n}(user, rows):\n${body.join('\n')}`);
  }
  return out.join('\n\n') + '\n';
}

function typescript(seed: number): string {
  const { pick, chance, count } = picker(seed);
  const v = () => pick(VARS);
  const statement = (): string =>
    pick([
      `${v()} = user.password;`,
      `${v()} = "a literal";`,
      `${v()} = { host: rows };`,
      `${v()} = { password: user.password, host: 1 };`,
      `${v()} = rows;`,
      `${v()} = ${v()};`,
      `${v()} += user.ssn;`,
      `${v()} <<= 1;`,
      `${v()} ??= user.email;`,
      `${v()} = pino();`,
      `${v()} = makeLogger();`,
      `${v()} = logger;`,
      `${v()} = fetchSecret();`,
      `[${v()}, ${v()}] = [user.email, rows];`,
      `this.${v()} = user.apiKey;`,
      `this.${v()} = 1;`,
      `new Promise(function (resolve, reject) { setTimeout(resolve, 1); });`,
      `reject(${v()});`,
      `console.log(${v()});`,
      `${v()}.info("v", ${v()});`,
      `logger.info("seen", ${v()});`,
      `console.log(${v()}.password);`,
      `console.log(${v()}["password"]);`,
      `console.log(this.${v()});`,
      `emit(${v()});`,
      `report(logger);`,
      `model.train();`,
      `console.log("done");`,
      `if (${v()} === 1) {\n  console.log(${v()});\n}`,
      `for (const r of rows) {\n  console.log(r, ${v()});\n}`,
      `throw new Error(${v()});`,
      `console.log(fetchSecret());`,
      `console.log(loadValue());`,
      `console.log(process.env);`,
      `console.log(user.name);`,
      `rows.sort((a, b) => a.score - b.score);`,
      `rows.forEach((r) => logger.info("row", r, ${v()}));`,
      `rows.forEach((r) => {\n  ${v()} = r;\n});`,
      `rows.forEach((r: Customer) => console.log(r));`,
    ]);
  const out = [
    'import pino from "pino";',
    'import { fetchSecret, emit, loadValue } from "./shared";',
    'const logger = pino();',
    'let x: any, y: any, out: any, cfg: any;',
    'function makeLogger() {\n  return pino();\n}',
    'function report(log: any) {\n  log.info("own", loadUser().ssn);\n}',
  ];
  const functions = count(2, 4);
  for (let n = 0; n < functions; n++) {
    const body = Array.from({ length: count(3, 9) }, statement).map((s) => indent(s, '  '));
    body.splice(
      Math.floor(body.length / 2),
      0,
      `  ${pick(['console.log(user.ssn !== undefined);', 'check(user.email);', 'x = user.password;'])}`,
    );
    if (chance(0.3))
      out.push(
        `class Service${n} {\n  run(user: any, rows: any[]) {\n${body.map((s) => indent(s, '  ')).join('\n')}\n  }\n}`,
      );
    else out.push(`export function f${n}(user: any, rows: any[]) {\n${body.join('\n')}\n}`);
  }
  return out.join('\n\n') + '\n';
}

/** The built-in names switched off: the sources the walker knows by itself (`os.environ`, `getpass`) are then no name the prefilter reads. */
const OWN_NAMES = `apiVersion: crownguard/v1
kind: Governance
defaults:
  builtinNames: false
assets:
  - id: customers
    tier: restricted
    fields: [password, ssn, email, api_key, apiKey]
    records: [Customer]
`;

function both(path: string, text: string, manifest?: string): { quiet: FileResult; every: FileResult } {
  const governance = e.governance(
    manifest === undefined ? undefined : { path: 'governance.yaml', text: manifest },
  ).governance;
  try {
    quietStatements.enabled = true;
    const quiet = e.analyzeFile({ path, text }, governance, undefined, { modules });
    quietStatements.enabled = false;
    const every = e.analyzeFile({ path, text }, governance, undefined, { modules });
    return { quiet, every };
  } finally {
    quietStatements.enabled = true;
  }
}

for (const [language, generate, ext] of [
  ['Python', python, 'py'],
  ['TypeScript', typescript, 'ts'],
] as const)
  for (const [governed, manifest] of [
    ['the built-in names', undefined],
    ['a manifest without them', OWN_NAMES],
  ] as const)
    it(`passing over quiet statements finds exactly what reading every statement finds (generated ${language}, ${governed})`, () => {
      const passedBefore = quietStatements.passed;
      let findings = 0;
      let files = 0;
      for (let seed = 1; seed <= 500; seed++) {
        const text = generate(seed);
        const { quiet, every } = both(`gen/file${seed}.${ext}`, text, manifest);
        // Everything a shell shows or applies: rule, range, message, fixes, fingerprints, waivers.
        assert.deepEqual(quiet.findings, every.findings, `seed ${seed}:\n${text}`);
        assert.deepEqual(quiet.waivers, every.waivers, `seed ${seed}: waivers`);
        findings += every.findings.length;
        if (every.findings.length > 0) files++;
      }
      const passed = quietStatements.passed - passedBefore;
      // The comparison means something only if statements were passed over and findings made.
      assert.ok(passed >= 1_000, `only ${passed} statements passed over`);
      assert.ok(findings >= 1_000 && files >= 400, `${findings} findings in ${files} files`);
    });
