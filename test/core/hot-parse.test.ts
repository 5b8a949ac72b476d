import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { seededRandom, type Engine, type ModuleHost } from '../../server/src/core';
import { hotCounts } from '../../server/src/core/languages/hot';
import { Catalog } from '../../server/src/core/sensitivity/catalog';
import { engine } from '../support/engine';
import { both as bothWays, compareBothWays, comparePlanTrees } from '../support/hot-parse';

/**
 * A scan parses only the top-level definitions its walk can read (the hot plan). Whatever a
 * file holds, its findings must be those of the whole file parsed and walked: generated files
 * mix what decides the plan (sensitive names in some definitions, sinks in others, helpers
 * called from hot code, module-level taints, imports, strings and comments that look like code)
 * and each is analysed both ways.
 */

let e: Engine;
before(async () => {
  e = await engine();
});

/** A workspace module the generated files import from: one helper returns data, one logs what it is given. */
const SHARED = `import logging
import os

def fetch_secret():
    return os.environ["SERVICE_TOKEN"]

def emit(value):
    logging.getLogger("shared").info("value %s", value)
`;
const modules: ModuleHost = { read: (p) => (p === 'shared.py' ? SHARED : undefined) };

const SENSITIVE = ['user.password', 'customer.email', 'record.ssn', 'settings.api_key', 'session.access_token'];
const NEUTRAL = ['value', 'item.count', 'row', 'len(rows)', '"ok"', 'self_check()'];
const SINKS = [
  (x: string) => `print(${x})`,
  (x: string) => `log.info("seen %s", ${x})`,
  (x: string) => `logging.warning(${x})`,
  (x: string) => `raise ValueError(f"bad {${x}}")`,
  (x: string) => `LOGGER.error("x=%s", ${x})`,
];

function generate(seed: number): string {
  const r = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const chance = (p: number) => r() < p;
  const helpers = 2 + Math.floor(r() * 5);
  const helper = () => `helper${Math.floor(r() * helpers)}`;
  const out: string[] = [];
  if (chance(0.3)) out.push('"""Module docstring.\n\ndef not_code(password):\n    print(password)\n"""');
  out.push(pick(['import logging', 'import logging, os', 'import os\nimport logging']));
  if (chance(0.4)) out.push('from shared import fetch_secret, emit');
  if (chance(0.3)) out.push('from functools import (\n    lru_cache,\n    wraps,\n)');
  if (chance(0.7)) out.push('log = logging.getLogger(__name__)');
  if (chance(0.5)) out.push('LOGGER = logging.getLogger("app")');
  const items = 4 + Math.floor(r() * 9);
  for (let n = 0; n < items; n++) {
    const kind = r();
    if (kind < 0.12) {
      // Module-level statements: some taint a name the definitions below may read.
      out.push(
        pick([
          `pw = settings.password`,
          `token_value = os.environ["API_TOKEN"]`,
          `plain = ${helper()}(3)`,
          `CONFIG = {"retries": 3,\n          "name": "svc"}`,
          `total = 1 + \\\n    2`,
          `if __name__ == "__main__":\n    ${helper()}(sys.argv)\nelse:\n    pass`,
          `try:\n    import yaml\nexcept ImportError:\n    yaml = None`,
          `for i in range(2):\n    ${pick(SINKS)(pick(['i', 'pw_unused']))}`,
          `alias = ${helper()}`,
          `${pick(SINKS)(pick(SENSITIVE))}`,
        ]),
      );
    } else if (kind < 0.55) {
      // A helper: a sink wrapper, a relay, a reader of module names, or something harmless.
      const name = `helper${n % helpers}`;
      const deco = chance(0.25)
        ? `${pick(['@lru_cache', '@lru_cache(maxsize=None)', '@staticmethod_like', '@app.route("/x")'])}\n`
        : '';
      const asyncDef = chance(0.1) ? 'async ' : '';
      const body = pick([
        `    ${pick(SINKS)('x')}`,
        `    ${helper()}(x)`,
        `    return x + 1`,
        `    return fetch_secret()`,
        `    emit(x)`,
        `    return os.environ.get("HOME")`,
        `    print(pw)`,
        `    print(token_value)`,
        `    return ${helper()}(x)`,
        `    def inner(y):\n        ${pick(SINKS)('y')}\n    inner(x)`,
        `    s = f"value {x!r:>10}"\n    return s`,
        // Characters outside ASCII, one of them two UTF-16 code units: offsets are counted in code units.
        `    label = "naïve ✓ 𝔘 {}".format(x)  # värde\n    return label`,
        `    """Docs.\n\ndef fake(password):\n    print(password)\n"""\n    return x`,
        `    total = x + \\\n        1\n# a comment at column 0 inside the body\n    return total`,
        `    ${pick(SINKS)('x')}  # def trailing(password)`,
      ]);
      if (chance(0.15)) out.push(`${deco}${asyncDef}def ${name}(x): return x`);
      else out.push(`${deco}${asyncDef}def ${name}(x):\n${body}`);
    } else if (kind < 0.85) {
      // A definition naming sensitive data, handing it to a sink or a helper.
      const src = pick(SENSITIVE);
      const body = pick([
        `    ${pick(SINKS)(src)}`,
        `    ${helper()}(${src})`,
        `    v = ${src}\n    ${helper()}(v)`,
        `    emit(${src})`,
        `    # ünïcode 𝔘 before the sink\n    ${pick(SINKS)(src)}`,
        `    print(${helper()}(${src}))`,
        `    alias(${src})`,
        `    ${pick(SINKS)(pick(NEUTRAL))}\n    return ${src}`,
        `    if ${src}:\n        ${helper()}(\n            ${src},\n        )`,
      ]);
      out.push(`def hot${n}(user, customer, record, settings, session):\n${body}`);
    } else {
      // A class: methods that name data, or that only log what they are given.
      const methods = [
        `    def __init__(self, api_key):\n        self.key_value = api_key`,
        `    def send(self, value):\n        ${pick(SINKS)('value')}`,
        `    def run(self, token_secret):\n        self.send(token_secret)`,
        `    def plain(self, value):\n        return value`,
        `    def show(self):\n        print(self.key_value)`,
      ];
      const chosen = methods.filter(() => chance(0.5));
      if (chosen.length === 0) chosen.push(methods[3]);
      out.push(
        `class Service${n}${chance(0.3) ? '(Base)' : ''}:\n${chance(0.3) ? '    kind = "svc"\n\n' : ''}${chosen.join('\n\n')}`,
      );
    }
    if (chance(0.2)) out.push(pick(['# a comment between definitions', '#: def commented(password): print(password)']));
  }
  if (chance(0.2)) out.push('def self_check():\n    return True');
  return out.join(chance(0.5) ? '\n\n\n' : '\n') + (chance(0.8) ? '\n' : '');
}

const both = (path: string, text: string) => bothWays(e, modules, path, text);

it('a scan with the hot plan finds exactly what a whole-file parse finds (generated Python)', () => {
  const files = Array.from({ length: 1500 }, (_, i) => ({ path: `gen/file${i + 1}.py`, text: generate(i + 1) }));
  const { planned, fallbacks, findings, through } = compareBothWays(e, modules, files);
  // The comparison means something only if plans were made, some kept and some left out.
  assert.ok(planned >= 800, `only ${planned} of 1500 files had a plan`);
  assert.ok(planned - fallbacks >= 600, `${fallbacks} of ${planned} plans fell back to a whole parse`);
  assert.ok(findings >= 1500 && through >= 500, `${findings} findings, ${through} of them through a helper`);
});

it('module-level try/except and if/else keep the plan, and leave out the definitions around them', () => {
  const text = `import logging
try:
    import yaml
except ImportError:
    yaml = None
finally:
    pass

if yaml:
    log = logging.getLogger(__name__)
elif False:
    log = None
else:
    log = logging.getLogger("fallback")


def cold_one(rows):
    return sum(rows)


def leaks(user):
    log.info("user %s", user.password)
`;
  const before = { ...hotCounts };
  const { hot, whole } = both('clauses.py', text);
  assert.deepEqual(hot.findings, whole.findings);
  assert.equal(whole.findings.length, 1);
  assert.equal(hotCounts.planned - before.planned, 1, 'a plan was made');
  assert.equal(hotCounts.fallbacks - before.fallbacks, 0, 'and kept: no whole parse');
  assert.ok(hotCounts.coldChars - before.coldChars >= 'def cold_one(rows):'.length);
});

it("the plan's tree holds each kept statement exactly as the whole file's tree does", async () => {
  const prefilter = new Catalog(e.governance(undefined).governance).prefilter;
  const texts = Array.from({ length: 400 }, (_, i) => generate(i + 1));
  const compared = await comparePlanTrees('python', texts, prefilter);
  assert.ok(compared >= 200, `${compared} plans compared`);
});
