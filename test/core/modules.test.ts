import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { DEFAULT_SETTINGS, type Engine, type ModuleHost, type SourceFile } from '../../server/src/core';
import { resolveEs, resolvePython } from '../../server/src/core/languages/modules/resolve';
import { engine } from '../support/engine';

function hostOf(paths: string[]): ModuleHost {
  const set = new Set(paths);
  return { read: (p) => (set.has(p) ? '' : undefined) };
}

describe('import resolution', () => {
  const host = hostOf([
    'pkg/__init__.py',
    'pkg/log.py',
    'pkg/sub/__init__.py',
    'pkg/sub/deep.py',
    'tools.py',
    'web/lib/log.ts',
    'web/lib/index.ts',
    'web/util.js',
    'web/esm.mts',
  ]);

  it('Python: absolute from the nearest folder that holds it, relative from the package, packages by __init__.py', () => {
    assert.equal(resolvePython(host, 'pkg/sub/deep.py', 'pkg.log'), 'pkg/log.py');
    assert.equal(resolvePython(host, 'pkg/sub/deep.py', 'tools'), 'tools.py');
    assert.equal(resolvePython(host, 'pkg/sub/deep.py', '..log'), 'pkg/log.py');
    assert.equal(resolvePython(host, 'pkg/sub/deep.py', '.'), 'pkg/sub/__init__.py');
    assert.equal(resolvePython(host, 'pkg/log.py', '.sub'), 'pkg/sub/__init__.py');
    assert.equal(resolvePython(host, 'main.py', 'pkg.sub'), 'pkg/sub/__init__.py');
  });

  it('Python: a library is not followed, nor a relative import above the workspace', () => {
    assert.equal(resolvePython(host, 'pkg/log.py', 'logging'), undefined);
    assert.equal(resolvePython(host, 'tools.py', '...outside'), undefined);
  });

  it('ES: extensions, index files and `.js` meaning `.ts`; bare specifiers are packages', () => {
    assert.equal(resolveEs(host, 'web/app.ts', './lib/log'), 'web/lib/log.ts');
    assert.equal(resolveEs(host, 'web/app.ts', './lib/log.js'), 'web/lib/log.ts');
    assert.equal(resolveEs(host, 'web/app.ts', './lib'), 'web/lib/index.ts');
    assert.equal(resolveEs(host, 'web/lib/log.ts', '../util'), 'web/util.js');
    assert.equal(resolveEs(host, 'web/lib/log.ts', '../esm.mjs'), 'web/esm.mts');
    assert.equal(resolveEs(host, 'web/app.ts', 'lodash'), undefined);
    assert.equal(resolveEs(host, 'web/app.ts', '@scope/lib/log'), undefined);
  });
});

let e: Engine;
before(async () => {
  e = await engine();
});

function cg101(files: SourceFile[], path: string): string[] {
  return e
    .analyze(files, DEFAULT_SETTINGS)
    .findings.filter((f) => f.path === path && f.ruleId === 'CG101')
    .map((f) => f.message);
}

/** A chain of modules, each calling the next one's function; the last one prints its parameter. */
function chain(length: number): SourceFile[] {
  const files: SourceFile[] = [];
  for (let i = 0; i < length; i++) {
    const body = i + 1 < length ? `    f${i + 1}(x)\n` : '    print(x)\n';
    const head = i + 1 < length ? `from m${i + 1} import f${i + 1}\n\n\n` : '';
    files.push({ path: `m${i}.py`, text: `${head}def f${i}(x):\n${body}` });
  }
  files.push({ path: 'app.py', text: 'from m0 import f0\n\n\ndef login(password):\n    f0(password)\n' });
  return files;
}

describe('summaries across files on hostile input', () => {
  it('a chain of a few modules is followed to its sink, every hop named with its file', () => {
    const [message] = cg101(chain(3), 'app.py');
    assert.match(
      message,
      /through `f0\(x\)` \(m0\.py:5\) -> `f1\(x\)` \(m1\.py:5\) -> `f2\(x\)` \(m2\.py:2\) -> `print`/,
    );
  });

  it('a chain of 1,000 modules ends at the depth bound, quickly, and invents nothing; its last hops are followed', () => {
    const files = [
      ...chain(1_000),
      { path: 'near.py', text: 'from m995 import f995\n\n\ndef login(password):\n    f995(password)\n' },
    ];
    const started = Date.now();
    assert.deepEqual(cg101(files, 'app.py'), []);
    assert.equal(cg101(files, 'near.py').length, 1);
    assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
  });

  it('a cycle of three modules settles: the path is found once, without repeating the cycle', () => {
    const files: SourceFile[] = [
      {
        path: 'a.py',
        text: 'from b import fb\n\n\ndef fa(n, x):\n    if n:\n        fb(n, x)\n    else:\n        print(x)\n',
      },
      { path: 'b.py', text: 'from c import fc\n\n\ndef fb(n, x):\n    fc(n - 1, x)\n' },
      { path: 'c.py', text: 'from a import fa\n\n\ndef fc(n, x):\n    fa(n, x)\n' },
      { path: 'app.py', text: 'from a import fa\n\n\ndef login(password):\n    fa(3, password)\n' },
    ];
    const messages = cg101(files, 'app.py');
    assert.equal(messages.length, 1, messages.join('\n'));
    assert.match(messages[0], /through `fa\(x\)` \(a\.py:8\) -> `print`/);
  });

  it('summaries follow the helper text: an edit that stops the logging stops the finding, and back', () => {
    const caller = { path: 'app.py', text: 'from log import my_log\n\n\ndef login(password):\n    my_log(password)\n' };
    const logs = { path: 'log.py', text: 'def my_log(x):\n    print(x)\n' };
    const quiet = { path: 'log.py', text: 'def my_log(x):\n    print(len(x))\n' };
    assert.equal(cg101([caller, logs], 'app.py').length, 1);
    assert.equal(cg101([caller, quiet], 'app.py').length, 0);
    assert.equal(cg101([caller, logs], 'app.py').length, 1);
  });

  it('a helper that redacts its parameter makes no finding at its callers; one that does not, does', () => {
    const files: SourceFile[] = [
      {
        path: 'governance.yaml',
        text: 'version: 1\nredaction:\n  typescript:\n    function: redact\n    import: import { redact } from "./redact";\n',
      },
      {
        path: 'log.ts',
        text: 'export function safeLog(x: string) {\n  console.log(redact(x));\n}\n\nexport function rawLog(x: string) {\n  console.log(x);\n}\n',
      },
      {
        path: 'app.ts',
        text: 'import { rawLog, safeLog } from "./log";\n\nexport function f(password: string) {\n  safeLog(password);\n  rawLog(password);\n}\n',
      },
    ];
    const messages = cg101(files, 'app.ts');
    assert.equal(messages.length, 1, messages.join('\n'));
    assert.match(messages[0], /through `rawLog\(x\)` \(log\.ts:6\)/);
  });
});

describe('a file naming nothing sensitive that imports a helper which does (warm files)', () => {
  const crm = {
    path: 'crm.py',
    text: 'def get_customer(customer_id):\n    row = fetch(customer_id)\n    return row.email\n\n\ndef get_count():\n    return 3\n',
  };

  it('is analysed with the imported summaries: the helper returns personal data, the file logs it', () => {
    const app = {
      path: 'app.py',
      text: 'import logging\nfrom crm import get_customer\n\nlogger = logging.getLogger(__name__)\n\n\ndef show(n):\n    logger.info("%s", get_customer(n))\n',
    };
    const messages = cg101([crm, app], 'app.py');
    assert.equal(messages.length, 1, messages.join('\n'));
    assert.match(messages[0], /`email`/);
  });

  it('TypeScript: an import of a hot module makes the file warm too', () => {
    const lib = { path: 'crm.ts', text: 'export function getCustomer(row: any) {\n  return row.email;\n}\n' };
    const app = {
      path: 'app.ts',
      text: 'import { getCustomer } from "./crm";\n\nexport function show(r: unknown) {\n  console.log(getCustomer(r));\n}\n',
    };
    assert.equal(cg101([lib, app], 'app.ts').length, 1);
  });

  it('a helper of a hot module that returns nothing sensitive makes no finding; nor does a cold module', () => {
    const app = {
      path: 'app.py',
      text: 'from crm import get_count\nfrom tools import get_customer\n\n\ndef show():\n    print(get_count())\n    print(get_customer())\n',
    };
    const tools = { path: 'tools.py', text: 'def get_customer():\n    return 3\n' };
    assert.deepEqual(cg101([crm, tools, app], 'app.py'), []);
  });
});
