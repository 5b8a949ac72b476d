import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { seededRandom, type Engine, type ModuleHost } from '../../server/src/core';
import { hotCounts, hotPlan } from '../../server/src/core/languages/hot';
import { Catalog } from '../../server/src/core/sensitivity/catalog';
import { engine } from '../support/engine';
import { both as bothWays, compareBothWays, comparePlanTrees } from '../support/hot-parse';

/**
 * The hot plan for TypeScript and JavaScript: a scan parses only the top-level definitions its
 * walk can read, and must find exactly what the whole file parsed and walked finds. Generated
 * files mix what decides the plan (sensitive names in some functions, sinks in others, helpers
 * called from hot code, module-level taints, imports) with what makes script text hard to cut
 * at column 0: statements that go on into the next line, decorators, overloads, regular
 * expressions holding brackets and quotes, templates with substitutions, comments that look
 * like code, and lines at column 0 inside strings and templates.
 */

let e: Engine;
before(async () => {
  e = await engine();
});

/** A workspace module the generated files import from: one helper returns data, one logs what it is given. */
const SHARED = `export function fetchSecret() {
  return process.env.SERVICE_TOKEN;
}

export function emit(value: unknown) {
  console.log("value", value);
}
`;
const modules: ModuleHost = { read: (p) => (p === 'gen/shared.ts' || p === 'shared.ts' ? SHARED : undefined) };
const both = (path: string, text: string) => bothWays(e, modules, path, text);

const SENSITIVE = ['user.password', 'customer.email', 'record.ssn', 'settings.api_key', 'session.access_token'];
const NEUTRAL = ['value', 'item.count', 'row', 'rows.length', '"ok"', 'selfCheck()'];
const SINKS = [
  (x: string) => `console.log(${x});`,
  (x: string) => `logger.info("seen", ${x});`,
  (x: string) => `console.error(\`bad \${${x}}\`);`,
  (x: string) => `throw new Error("bad " + ${x});`,
  (x: string) => `log.warn({ value: ${x} });`,
];

function generate(seed: number, typed: boolean): string {
  const r = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const chance = (p: number) => r() < p;
  const t = (s: string) => (typed ? s : '');
  const helpers = 2 + Math.floor(r() * 5);
  const helper = () => `helper${Math.floor(r() * helpers)}`;
  const out: string[] = [];
  if (chance(0.3)) out.push('/**\n * Module docs.\n\nfunction notCode(password) {\n  console.log(password);\n}\n */');
  if (chance(0.2)) out.push("'use strict';");
  if (chance(0.4)) out.push("import { fetchSecret, emit } from './shared';");
  if (chance(0.3)) out.push("import {\n  readFileSync,\n  writeFileSync,\n} from 'node:fs';");
  if (chance(0.7)) out.push('const logger = console;');
  if (chance(0.5)) out.push("const log = require('pino')();");
  const items = 4 + Math.floor(r() * 9);
  for (let n = 0; n < items; n++) {
    const kind = r();
    if (kind < 0.14) {
      // Module-level statements: some taint a name the definitions below may read, some go on into the next line.
      out.push(
        pick([
          `const pw = settings.password;`,
          `const tokenValue = process.env.API_TOKEN;`,
          `const plain = ${helper()}(3);`,
          `const CONFIG = {\n  retries: 3,\n  name: "svc",\n};`,
          `const total = 1 +\n2;`,
          `if (require.main === module) {\n  ${helper()}(process.argv);\n}\nelse {\n  ${helper()}([]);\n}`,
          `for (const i of [1, 2]) ${pick(SINKS)(pick(['i', 'pwUnused']))}`,
          `const alias = ${helper()};`,
          `${pick(SINKS)(pick(SENSITIVE))}`,
          `export const wrapped =\nfunction inner${n}(x${t(': number')}) {\n  return x;\n};`,
          `export default\nfunction main${n}(x${t(': number')}) {\n  return ${helper()}(x);\n}`,
          `const chained = [3, 1]\n.map((x) => x + 1)\n.filter(Boolean);`,
          `const BANNER = \`
function notAFunction(password) {
  console.log(password);
}
\`;`,
          typed ? `type Pair<T> = {\n  left: T;\n  right: T;\n};` : `const pair = { left: 1, right: 2 };`,
          typed ? `export interface Options {\n  retries: number;\n}` : `const options = { retries: 3 };`,
          `if (process.env.DEBUG)\nfunction debugOnly${n}() {\n  return 1;\n}`,
        ]),
      );
    } else if (kind < 0.55) {
      // A helper: a sink wrapper, a relay, a reader of module names, or something harmless.
      const name = `helper${n % helpers}`;
      const body = pick([
        `  ${pick(SINKS)('x')}`,
        `  ${helper()}(x);`,
        `  return x + 1;`,
        `  return fetchSecret();`,
        `  emit(x);`,
        `  return process.env.HOME;`,
        `  console.log(pw);`,
        `  console.log(tokenValue);`,
        `  return ${helper()}(x);`,
        `  function inner(y${t(': unknown')}) {\n    ${pick(SINKS)('y')}\n  }\n  inner(x);`,
        `  const s = \`value \${x} and \${{ a: 1 }.a}\`;\n  return s;`,
        // Characters outside ASCII, one of them two UTF-16 code units: offsets are counted in code units.
        `  const label = "naïve ✓ 𝔘 " + x; // värde\n  return label;`,
        `  const re = /[({'"]+\\/\\}/g;\n  return String(x).replace(re, "");`,
        `  const ratio = x / 2 / 3;\n  return ratio;`,
        `  /* a comment\nfunction fake(password) {\n  console.log(password);\n} */\n  return x;`,
        `  const text = \`line one
at column 0 inside a template \${x}
\`;\n  return text;`,
        `  ${pick(SINKS)('x')} // function trailing(password) {}`,
      ]);
      const head = pick(['function', 'function', 'export function', 'async function', 'export async function']);
      if (typed && chance(0.15))
        out.push(
          `export function ${name}(x: string): string;\nexport function ${name}(x: number): number;\nexport function ${name}(x: any): any {\n${body}\n}`,
        );
      else {
        const form = r();
        if (form < 0.12) out.push(`const ${name} = (x${t(': any')}) => {\n${body}\n};`);
        else if (form < 0.22) out.push(`function ${name}(x${t(': any')}) { return x; }`);
        // The brace on a line of its own.
        else if (form < 0.32) out.push(`function ${name}(x${t(': any')})\n{\n${body}\n}`);
        else out.push(`${head} ${name}(x${t(': any')}) {\n${body}\n}`);
      }
    } else if (kind < 0.85) {
      // A definition naming sensitive data, handing it to a sink or a helper.
      const src = pick(SENSITIVE);
      const body = pick([
        `  ${pick(SINKS)(src)}`,
        `  ${helper()}(${src});`,
        `  const v = ${src};\n  ${helper()}(v);`,
        `  emit(${src});`,
        `  // ünïcode 𝔘 before the sink\n  ${pick(SINKS)(src)}`,
        `  console.log(${helper()}(${src}));`,
        `  alias(${src});`,
        `  ${pick(SINKS)(pick(NEUTRAL))}\n  return ${src};`,
        `  if (${src}) {\n    ${helper()}(\n      ${src},\n    );\n  }`,
      ]);
      out.push(
        `export function hot${n}(user${t(': any')}, customer${t(': any')}, record${t(': any')}, settings${t(': any')}, session${t(': any')}) {\n${body}\n}`,
      );
    } else {
      // A class: methods that name data, or that only log what they are given; some decorated.
      const methods = [
        `  constructor(apiKey${t(': string')}) {\n    this.keyValue = apiKey;\n  }`,
        `  send(value${t(': unknown')}) {\n    ${pick(SINKS)('value')}\n  }`,
        `  run(tokenSecret${t(': string')}) {\n    this.send(tokenSecret);\n  }`,
        `  plain(value${t(': number')}) {\n    return value;\n  }`,
        `  show() {\n    console.log(this.keyValue);\n  }`,
      ];
      const chosen = methods.filter(() => chance(0.5));
      if (chosen.length === 0) chosen.push(methods[3]);
      const deco = typed && chance(0.25) ? pick(['@Injectable()\n', '@Component({\n  selector: "x",\n})\n']) : '';
      const field = typed ? '  keyValue: string = "";\n' : '';
      // Some heads take several lines: type parameters, `extends` and the opening brace each on their own.
      const head = pick([
        ` Service${n}${chance(0.3) ? ' extends Base' : ''} {`,
        ` Service${n}\n  extends Base\n{`,
        typed ? ` Service${n}<\n  T extends object,\n> {` : ` Service${n} {`,
      ]);
      out.push(`${deco}${pick(['class', 'export class'])}${head}\n${field}${chosen.join('\n\n')}\n}`);
    }
    if (chance(0.2))
      out.push(
        pick(['// a comment between definitions', '// function commented(password) { console.log(password); }']),
      );
  }
  if (chance(0.2)) out.push('function selfCheck() {\n  return true;\n}');
  return out.join(chance(0.5) ? '\n\n\n' : '\n') + (chance(0.8) ? '\n' : '');
}

for (const [ext, typed] of [
  ['ts', true],
  ['js', false],
] as const) {
  it(`a scan with the hot plan finds exactly what a whole-file parse finds (generated .${ext})`, () => {
    const files = Array.from({ length: 1200 }, (_, i) => ({
      path: `gen/file${i + 1}.${ext}`,
      text: generate(i + 1, typed),
    }));
    const { planned, fallbacks, findings, through } = compareBothWays(e, modules, files);
    // The comparison means something only if plans were made, some kept and some left out.
    assert.ok(planned >= 500, `only ${planned} of 1200 files had a plan`);
    assert.ok(planned - fallbacks >= 400, `${fallbacks} of ${planned} plans fell back to a whole parse`);
    assert.ok(findings >= 1200 && through >= 300, `${findings} findings, ${through} of them through a helper`);
  });
}

it('decorators, overloads and statements that go on into the next line keep the plan exact', () => {
  const text = `import { Injectable } from "core";

@Injectable()
export class Store {
  get(key: string) {
    return key;
  }
}

export function parse(x: string): string;
export function parse(x: number): number;
export function parse(x: any): any {
  return x;
}

export default
function entry(x: number) {
  return x + 1;
}

const pattern = /[({'"]\\}/;

function coldOne(rows: number[]) {
  return rows.length;
}

export function leaks(user: { password: string }) {
  console.log("user", user.password);
}
`;
  const before = { ...hotCounts };
  const { hot, whole } = both('shapes.ts', text);
  assert.deepEqual(hot.findings, whole.findings);
  assert.equal(whole.findings.length, 1);
  assert.equal(hotCounts.planned - before.planned, 1, 'a plan was made');
  assert.equal(hotCounts.fallbacks - before.fallbacks, 0, 'and kept: no whole parse');
  const plan = hotPlan('typescript', text, new Catalog(e.governance(undefined).governance).prefilter, [])!;
  const cold = plan.cold.map((d) => d.text.trim().split('\n')[0]);
  // Only a definition that stands alone and that nothing kept names is left out: not the decorated
  // class, not the function `export default` goes on into, not an overload its signatures name.
  assert.deepEqual(cold, ['function coldOne(rows: number[]) {']);
});

it('a file that may hold JSX is parsed whole; the same text as plain TypeScript gets a plan', () => {
  const text = `function Label(props) {
  return <span>it's {props.text}</span>;
}

function helper(x) {
  return x + 1;
}

export function leaks(user) {
  console.log(user.password);
}
`;
  const prefilter = new Catalog(e.governance(undefined).governance).prefilter;
  assert.equal(hotPlan('tsx', text, prefilter, []), undefined);
  assert.equal(hotPlan('javascript', text, prefilter, []), undefined);
  const { hot, whole } = both('label.jsx', text);
  assert.deepEqual(hot.findings, whole.findings);
  assert.equal(whole.findings.length, 1);
  const plain = text.replace("<span>it's {props.text}</span>", 'props.text');
  assert.ok(hotPlan('typescript', plain, prefilter, []), 'without JSX, a plan');
});

it("the plan's tree holds each kept statement exactly as the whole file's tree does (TypeScript)", async () => {
  const prefilter = new Catalog(e.governance(undefined).governance).prefilter;
  const texts = Array.from({ length: 400 }, (_, i) => generate(i + 1, true));
  const compared = await comparePlanTrees('typescript', texts, prefilter);
  assert.ok(compared >= 150, `${compared} plans compared`);
});
