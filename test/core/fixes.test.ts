import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { applyEdits, type Engine, type SourceFile } from '../../server/src/core';
import { Parsers } from '../../server/src/core/languages/parsers';
import { loadWasm } from '../../server/src/host/wasm';
import { engine } from '../support/engine';

let e: Engine;
let parsers: Parsers;
before(async () => {
  e = await engine();
  parsers = await Parsers.create(loadWasm, ['python']);
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
function checkFix(before: string, after: string, opts: { line: number; governance?: string }): void {
  const files: SourceFile[] = [{ path: 'app.py', text: before }];
  if (opts.governance) files.push({ path: 'governance.yaml', text: opts.governance });
  const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;
  const finding = e.analyze(files).findings.find((f) => f.path === 'app.py' && lineOf(before, f.span.offset) === opts.line);
  assert.ok(finding, `no finding on line ${opts.line}`);
  const fix = finding.fixes.find((f) => f.preferred) ?? finding.fixes[0];
  assert.ok(fix, 'the finding has no fix');
  const fixed = applyEdits(before, fix.edits);
  assert.equal(fixed, after);
  const tree = parsers.parse('python', fixed, 1000)!;
  assert.equal(tree.rootNode.hasError, false, 'the fixed code does not parse');
  tree.delete();
  const again = e.analyze([{ path: 'app.py', text: fixed }, ...files.slice(1)]).findings.filter((f) => f.path === 'app.py');
  assert.equal(again.length, e.analyze(files).findings.filter((f) => f.path === 'app.py').length - 1, 'the fix did not remove its finding');
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

  it('leaves the rest of the line untouched when the value is used further', () => {
    checkFix('print(password.strip())\n', 'print("<redacted:password>".strip())\n', { line: 1 });
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
