import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { applyEdits, DEFAULT_SETTINGS, type Engine, type Finding, type SourceFile } from '../../server/src/core';
import { Parsers } from '../../server/src/core/languages/parsers';
import { loadWasm } from '../../server/src/host/wasm';
import { engine } from '../support/engine';

let e: Engine;
let parsers: Parsers;
before(async () => {
  e = await engine();
  parsers = await Parsers.create(loadWasm, ['python', 'typescript', 'javascript']);
});

const GOVERNANCE = `apiVersion: crownguard/v1
kind: Governance
assets:
  - id: customer-profiles
    tier: restricted
    fields: [ssn]
redaction:
  python:
    function: redact
    import: from acme_privacy import redact
`;

/**
 * Applies the preferred fix of the finding on `line` (1-based) and compares the result with
 * `after`. The fixed text must parse cleanly and must no longer have that finding.
 */
function checkFix(before: string, after: string, opts: { line: number; governance?: string; path?: string; fix?: string }): string {
  const file = opts.path ?? 'app.py';
  const files: SourceFile[] = [{ path: file, text: before }];
  if (opts.governance) files.push({ path: 'governance.yaml', text: opts.governance });
  const settings = { ...DEFAULT_SETTINGS, today: '2026-11-28' };
  const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;
  const active = (fs: Finding[]) => fs.filter((f) => f.path === file && !f.waiver && f.ruleId !== 'CG301');
  const finding = e.analyze(files, settings).findings.find((f) => f.path === file && lineOf(before, f.span.offset) === opts.line);
  assert.ok(finding, `no finding on line ${opts.line}`);
  const fix = opts.fix ? finding.fixes.find((f) => f.title.startsWith(opts.fix!)) : finding.fixes.find((f) => f.preferred);
  assert.ok(fix, 'the finding has no such fix');
  const fixed = applyEdits(before, fix.edits);
  assert.equal(fixed, after);
  const grammar = file.endsWith('.py') ? 'python' : file.endsWith('.ts') ? 'typescript' : file.endsWith('.js') ? 'javascript' : undefined;
  if (grammar) {
    const tree = parsers.parse(grammar, fixed, 1000)!;
    assert.equal(tree.rootNode.hasError, false, 'the fixed code does not parse');
    tree.delete();
  }
  if (opts.fix === 'Waive') return fixed;
  const again = active(e.analyze([{ path: file, text: fixed }, ...files.slice(1)], settings).findings);
  assert.equal(again.length, active(e.analyze(files, settings).findings).length - 1, 'the fix did not remove its finding');
  return fixed;
}

/** A waiver written by the fix takes effect only once its reason is filled in. */
function checkWaiverTakesEffectWithReason(path: string, text: string, governance: string): void {
  const settings = { ...DEFAULT_SETTINGS, today: '2026-11-28' };
  const run = (t: string) => e.analyze([{ path, text: t }, { path: 'governance.yaml', text: governance }], settings).findings.filter((f) => f.path === path);
  const empty = run(text);
  assert.ok(empty.some((f) => f.ruleId === 'CG101' && !f.waiver), 'an empty reason must not waive');
  assert.ok(empty.some((f) => f.ruleId === 'CG301' && f.message.includes('gives no reason')));
  const filled = run(text.replace('reason=""', 'reason="reviewed" approver=jane'));
  assert.ok(filled.length > 0 && filled.every((f) => f.waiver !== undefined), JSON.stringify(filled.map((f) => f.message)));
}

describe('CG101 fix with a declared redaction function', () => {
  it('wraps the value and adds the missing import after the last import', () => {
    checkFix(
      `import logging
logger = logging.getLogger(__name__)
logger.info("c %s", customer.ssn)
`,
      `import logging
from acme_privacy import redact
logger = logging.getLogger(__name__)
logger.info("c %s", redact(customer.ssn))
`,
      { line: 3, governance: GOVERNANCE },
    );
  });

  it('wraps only, when the function is already imported', () => {
    checkFix(
      `import logging
from acme_privacy import redact
summary = f"customer {customer.ssn}"
logging.info(summary)
`,
      `import logging
from acme_privacy import redact
summary = f"customer {customer.ssn}"
logging.info(redact(summary))
`,
      { line: 4, governance: GOVERNANCE },
    );
  });

  it('wraps inside an f-string interpolation, keeping its conversion', () => {
    checkFix(
      `from acme_privacy import redact as redact
print(f"ssn={customer.ssn!r}")
`,
      `from acme_privacy import redact as redact
print(f"ssn={redact(customer.ssn)!r}")
`,
      { line: 2, governance: GOVERNANCE },
    );
  });

  it('adds the import below the module docstring when the file has no imports', () => {
    checkFix(
      `"""Data prep."""

print(customer.ssn)
`,
      `"""Data prep."""
from acme_privacy import redact

print(redact(customer.ssn))
`,
      { line: 3, governance: GOVERNANCE },
    );
  });

  it('keeps CRLF line endings', () => {
    checkFix('import os\r\nprint(row["ssn"])\r\n', 'import os\r\nfrom acme_privacy import redact\r\nprint(redact(row["ssn"]))\r\n', { line: 2, governance: GOVERNANCE });
  });
});

describe('CG101 fix with the built-in default (no redaction function declared)', () => {
  it('replaces an argument with a placeholder literal naming its kind', () => {
    checkFix('import logging\nlogging.info("login %s", password)\n', 'import logging\nlogging.info("login %s", "<redacted:password>")\n', { line: 2 });
  });

  it('replaces a whole interpolation, so no quotes nest inside the f-string', () => {
    checkFix(`print(f'key={settings["api_key"]} ok')\n`, `print(f'key=<redacted:api_key> ok')\n`, { line: 1 });
  });

  it('offers no placeholder for the object of a method call, which may not be a string', () => {
    for (const text of ['print(password.strip())\n', 'print(row["email"].lower())\n']) {
      const [finding] = e.analyze([{ path: 'app.py', text }]).findings;
      assert.deepEqual(finding.fixes.map((f) => f.title), [`Waive ${finding.ruleId} for this statement (write the reason)`], text);
    }
  });

  it('rewrites a shorthand property as key: value', () => {
    checkFix('console.log({ password });\n', 'console.log({ password: "<redacted:password>" });\n', { line: 1, path: 'app.ts' });
  });
});

const TS_GOVERNANCE = GOVERNANCE + `  typescript:
    function: redact
    import: import { redact } from "@acme/privacy";
`;

describe('CG101 fix in TypeScript and JavaScript, in the file\'s own import style', () => {
  it('an ES module with single quotes and no semicolons gets its import that way', () => {
    checkFix(
      "import pino from 'pino'\nconst log = pino()\nlog.info(`c ${customer.ssn}`)\n",
      "import pino from 'pino'\nimport { redact } from '@acme/privacy'\nconst log = pino()\nlog.info(`c ${redact(customer.ssn)}`)\n",
      { line: 3, governance: TS_GOVERNANCE, path: 'app.ts' },
    );
  });

  it('a CommonJS file gets a require', () => {
    checkFix(
      'const pino = require("pino");\nconsole.log(user.ssn);\n',
      'const pino = require("pino");\nconst { redact } = require("@acme/privacy");\nconsole.log(redact(user.ssn));\n',
      { line: 2, governance: TS_GOVERNANCE, path: 'app.js' },
    );
  });

  it('a file without imports gets the import below its "use strict"', () => {
    checkFix(
      '"use strict";\nconsole.log(user.ssn);\n',
      '"use strict";\nimport { redact } from "@acme/privacy";\nconsole.log(redact(user.ssn));\n',
      { line: 2, governance: TS_GOVERNANCE, path: 'app.ts' },
    );
  });
});

describe('the waiver fix', () => {
  it('writes the annotation above the statement in Python, with the policy that covers the rule', () => {
    const governance = GOVERNANCE + 'policies:\n  - id: no-pii-in-logs\n    rules: [CG101]\n';
    const fixed = checkFix(
      'def f(c):\n    print(c.ssn)\n',
      'def f(c):\n    # crownguard: waive CG101 policy=no-pii-in-logs reason="" expires=2026-12-28\n    print(c.ssn)\n',
      { line: 2, governance, fix: 'Waive' },
    );
    checkWaiverTakesEffectWithReason('app.py', fixed, governance);
  });

  it('uses // in TypeScript and {# #} in prompt templates', () => {
    const fixed = checkFix(
      '  console.log(c.ssn);\n',
      '  // crownguard: waive CG101 reason="" expires=2026-12-28\n  console.log(c.ssn);\n',
      { line: 1, governance: TS_GOVERNANCE, path: 'a.ts', fix: 'Waive' },
    );
    checkWaiverTakesEffectWithReason('a.ts', fixed, TS_GOVERNANCE);
    checkFix(
      'Hi {{ customer.ssn }}\n',
      '{# crownguard: waive CG106 reason="" expires=2026-12-28 #}\nHi {{ customer.ssn }}\n',
      { line: 1, governance: GOVERNANCE, path: 'reply.prompt', fix: 'Waive' },
    );
  });
});

describe('CG106 fix', () => {
  it('appends the declared filter after the last one', () => {
    const governance = GOVERNANCE + '  templates:\n    function: redact\n';
    checkFix('Hi {{- customer.ssn | trim -}}!\n', 'Hi {{- customer.ssn | trim | redact -}}!\n', { line: 1, governance, path: 'reply.j2' });
  });
});

describe('manifest fixes', () => {
  it('renames a misspelt key to the one the schema knows', () => {
    const text = 'apiVersion: crownguard/v1\nkind: Governance\nassets:\n  - id: a\n    tier: internal\n    feilds: [ssn]\n';
    const f = e.governance({ path: 'governance.yaml', text }).findings.find((x) => x.ruleId === 'CG002');
    assert.ok(f);
    assert.equal(applyEdits(text, f.fixes[0].edits), text.replace('feilds', 'fields'));
  });
});
