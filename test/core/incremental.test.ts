import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { Engine, Finding } from '../../server/src/core';
import { engine } from '../support/engine';

let e: Engine;
before(async () => {
  e = await engine();
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
    const incremental = e.analyzeFile({ path, text }, governance, undefined, { retain: true }).findings;
    const fresh = e.analyzeFile({ path: `fresh-${i}-${path}`, text }, governance).findings.map((f) => ({ ...f, path }));
    assert.deepEqual(show(incremental), show(fresh), `step ${i} of ${path}`);
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
