import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { parseDocument } from 'yaml';
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
function checkFix(
  before: string,
  after: string,
  opts: { line: number; governance?: string; path?: string; fix?: string },
): string {
  const file = opts.path ?? 'app.py';
  const files: SourceFile[] = [{ path: file, text: before }];
  if (opts.governance) files.push({ path: 'governance.yaml', text: opts.governance });
  const settings = { ...DEFAULT_SETTINGS, today: '2026-11-28' };
  const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;
  const active = (fs: Finding[]) => fs.filter((f) => f.path === file && !f.waiver && f.ruleId !== 'CG301');
  const finding = e
    .analyze(files, settings)
    .findings.find((f) => f.path === file && lineOf(before, f.span.offset) === opts.line);
  assert.ok(finding, `no finding on line ${opts.line}`);
  const fix = opts.fix
    ? finding.fixes.find((f) => f.title.startsWith(opts.fix!))
    : finding.fixes.find((f) => f.preferred);
  assert.ok(fix, 'the finding has no such fix');
  const fixed = applyEdits(before, fix.edits);
  assert.equal(fixed, after);
  const grammar = file.endsWith('.py')
    ? 'python'
    : file.endsWith('.ts')
      ? 'typescript'
      : file.endsWith('.js')
        ? 'javascript'
        : undefined;
  if (grammar) {
    const tree = parsers.parse(grammar, fixed, 1000)!;
    assert.equal(tree.rootNode.hasError, false, 'the fixed code does not parse');
    tree.delete();
  }
  if (opts.fix === 'Waive') return fixed;
  const again = active(e.analyze([{ path: file, text: fixed }, ...files.slice(1)], settings).findings);
  assert.equal(
    again.length,
    active(e.analyze(files, settings).findings).length - 1,
    'the fix did not remove its finding',
  );
  return fixed;
}

/** A waiver written by the fix takes effect only once its reason is filled in. */
function checkWaiverTakesEffectWithReason(path: string, text: string, governance: string, rule = 'CG101'): void {
  const settings = { ...DEFAULT_SETTINGS, today: '2026-11-28' };
  const run = (t: string) =>
    e
      .analyze(
        [
          { path, text: t },
          { path: 'governance.yaml', text: governance },
        ],
        settings,
      )
      .findings.filter((f) => f.path === path);
  const empty = run(text);
  assert.ok(
    empty.some((f) => f.ruleId === rule && !f.waiver),
    'an empty reason must not waive',
  );
  assert.ok(empty.some((f) => f.ruleId === 'CG301' && f.message.includes('gives no reason')));
  const reasoned = text.replace('reason=""', 'reason="reviewed"');
  const filled = run(
    reasoned.includes('approver=""')
      ? reasoned.replace('approver=""', 'approver=jane')
      : reasoned.replace('reason="reviewed"', 'reason="reviewed" approver=jane'),
  );
  assert.ok(
    filled.length > 0 && filled.every((f) => f.waiver !== undefined),
    JSON.stringify(filled.map((f) => f.message)),
  );
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
      { line: 4, governance: GOVERNANCE, fix: 'Wrap the whole `summary`' },
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
    checkFix(
      'import os\r\nprint(row["ssn"])\r\n',
      'import os\r\nfrom acme_privacy import redact\r\nprint(redact(row["ssn"]))\r\n',
      { line: 2, governance: GOVERNANCE },
    );
  });
});

describe('the redaction fix at the origin of a value that travels through a variable', () => {
  const TICKET = `import logging

logger = logging.getLogger(__name__)


def build_example(ticket, customer):
    summary = f"ticket {ticket.id} for customer {customer.ssn}"
    logger.info(summary)
`;

  it('Python: redacts only the sensitive part where it enters the variable, with the import, and keeps the ticket id', () => {
    checkFix(
      TICKET,
      TICKET.replace('import logging\n', 'import logging\nfrom acme_privacy import redact\n').replace(
        '{customer.ssn}',
        '{redact(customer.ssn)}',
      ),
      { line: 8, governance: GOVERNANCE },
    );
    const [finding] = e.analyze([
      { path: 'app.py', text: TICKET },
      { path: 'governance.yaml', text: GOVERNANCE },
    ]).findings;
    assert.deepEqual(
      finding.fixes.map((f) => [f.title, f.preferred === true, f.safe]),
      [
        ['Wrap `customer.ssn` in redact() where it enters `summary` (line 7)', true, true],
        ['Wrap the whole `summary` in redact() here', false, true],
        [`Waive CG101 for this statement (write the reason)`, false, false],
      ],
    );
  });

  it('Python: follows the value back through a chain of variables, to where it entered the first', () => {
    const before =
      'import logging\nfrom acme_privacy import redact\nv = customer.ssn\nline = "c " + v\nlogging.info(line)\n';
    checkFix(before, before.replace('v = customer.ssn', 'v = redact(customer.ssn)'), {
      line: 5,
      governance: GOVERNANCE,
    });
  });

  it('offers no origin fix where two sensitive values or an earlier value of the variable reach the sink', () => {
    for (const text of [
      'import logging\nfrom acme_privacy import redact\ns = f"{c.ssn} {c.ssn}"\nlogging.info(s)\n',
      'import logging\nfrom acme_privacy import redact\ns = c.ssn\ns += c.ssn\nlogging.info(s)\n',
    ]) {
      const [finding] = e
        .analyze([
          { path: 'app.py', text },
          { path: 'governance.yaml', text: GOVERNANCE },
        ])
        .findings.filter((f) => f.ruleId === 'CG101');
      assert.equal(finding.fixes.find((f) => f.preferred)?.title, 'Wrap in redact()', text);
    }
  });

  it('wraps a whole record at the sink only: where it entered it may not be a string', () => {
    const governance = GOVERNANCE.replace('    fields: [ssn]\n', '    fields: [ssn]\n    records: [Customer]\n');
    const text =
      'import json\nimport logging\nfrom acme_privacy import redact\ndef f(c: Customer):\n    s = json.dumps(c)\n    logging.info(s)\n';
    const [finding] = e
      .analyze([
        { path: 'app.py', text },
        { path: 'governance.yaml', text: governance },
      ])
      .findings.filter((f) => f.ruleId === 'CG101');
    assert.equal(finding.fixes.find((f) => f.preferred)?.title, 'Wrap in redact()');
  });

  it('TypeScript and JavaScript: the same, in a template literal', () => {
    const ts =
      "import pino from 'pino'\nconst log = pino()\nfunction f(ticket: T, customer: C) {\n  const summary = `ticket ${ticket.id} for ${customer.ssn}`\n  log.info(summary)\n}\n";
    checkFix(
      ts,
      ts
        .replace("import pino from 'pino'\n", "import pino from 'pino'\nimport { redact } from '@acme/privacy'\n")
        .replace('${customer.ssn}', '${redact(customer.ssn)}'),
      { line: 5, governance: TS_GOVERNANCE, path: 'app.ts' },
    );
    const js = 'const pino = require("pino");\nlet msg;\nmsg = "for " + user.ssn;\nconsole.log(msg);\n';
    checkFix(
      js,
      js
        .replace(
          'const pino = require("pino");\n',
          'const pino = require("pino");\nconst { redact } = require("@acme/privacy");\n',
        )
        .replace('+ user.ssn', '+ redact(user.ssn)'),
      {
        line: 4,
        governance: TS_GOVERNANCE,
        path: 'app.js',
      },
    );
  });
});

describe('CG101 fix with the built-in default (no redaction function declared)', () => {
  it('replaces an argument with a placeholder literal naming its kind', () => {
    checkFix(
      'import logging\nlogging.info("login %s", password)\n',
      'import logging\nlogging.info("login %s", "<redacted:password>")\n',
      { line: 2 },
    );
  });

  it('replaces a whole interpolation, so no quotes nest inside the f-string', () => {
    checkFix(`print(f'key={settings["api_key"]} ok')\n`, `print(f'key=<redacted:api_key> ok')\n`, { line: 1 });
  });

  it('offers no placeholder for the object of a method call, which may not be a string', () => {
    for (const text of ['print(password.strip())\n', 'print(row["email"].lower())\n']) {
      const [finding] = e.analyze([{ path: 'app.py', text }]).findings;
      assert.deepEqual(
        finding.fixes.map((f) => f.title),
        [`Waive ${finding.ruleId} for this statement (write the reason)`],
        text,
      );
    }
  });

  it('rewrites a shorthand property as key: value', () => {
    checkFix('console.log({ password });\n', 'console.log({ password: "<redacted:password>" });\n', {
      line: 1,
      path: 'app.ts',
    });
  });
});

const TS_GOVERNANCE =
  GOVERNANCE +
  `  typescript:
    function: redact
    import: import { redact } from "@acme/privacy";
`;

describe("CG101 fix in TypeScript and JavaScript, in the file's own import style", () => {
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

  it('uses {{! }} in Mustache and Handlebars templates, which render {# #} as text, and reads it back', () => {
    for (const path of ['reply.mustache', 'reply.hbs', 'reply.handlebars']) {
      const fixed = checkFix(
        'Hi {{ customer.ssn }}\n',
        '{{! crownguard: waive CG106 reason="" expires=2026-12-28 }}\nHi {{ customer.ssn }}\n',
        { line: 1, governance: GOVERNANCE, path, fix: 'Waive' },
      );
      checkWaiverTakesEffectWithReason(path, fixed, GOVERNANCE, 'CG106');
    }
    // Handlebars' long comment form is a waiver too.
    const settings = { ...DEFAULT_SETTINGS, today: '2026-11-28' };
    const text =
      '{{!-- crownguard: waive CG106 reason="reviewed" expires=2026-12-28 approver=jane --}}\nHi {{ customer.ssn }}\n';
    const findings = e.analyze(
      [
        { path: 'reply.hbs', text },
        { path: 'governance.yaml', text: GOVERNANCE },
      ],
      settings,
    ).findings;
    assert.deepEqual(
      findings.map((f) => [f.ruleId, f.waiver?.reason]),
      [['CG106', 'reviewed']],
    );
  });

  const STRICT =
    GOVERNANCE +
    'policies:\n  - id: no-pii-in-logs\n    rules: [CG101]\nwaivers:\n  requirePolicy: true\n  requireApproverForCrownJewel: true\n  approvers: [jane]\n';

  it('writes every field the manifest requires, empty, so one filling-in makes it take effect', () => {
    const fixed = checkFix(
      'print(c.ssn)\n',
      '# crownguard: waive CG101 policy=no-pii-in-logs reason="" expires=2026-12-28 approver=""\nprint(c.ssn)\n',
      { line: 1, governance: STRICT, fix: 'Waive' },
    );
    const settings = { ...DEFAULT_SETTINGS, today: '2026-11-28' };
    const run = (t: string) =>
      e.analyze(
        [
          { path: 'app.py', text: t },
          { path: 'governance.yaml', text: STRICT },
        ],
        settings,
      ).findings;
    const title = run('print(c.ssn)\n')
      .find((f) => f.ruleId === 'CG101')!
      .fixes.find((f) => f.title.startsWith('Waive'))!.title;
    assert.equal(title, 'Waive CG101 for this statement (write the reason and the approver)');
    // The reason alone is not enough: the approver is still empty.
    assert.ok(
      run(fixed.replace('reason=""', 'reason="ok"')).some(
        (f) => f.ruleId === 'CG301' && f.message.includes('without an approver'),
      ),
    );
    const filled = run(fixed.replace('reason=""', 'reason="ok"').replace('approver=""', 'approver=jane'));
    assert.deepEqual(
      filled.map((f) => [f.ruleId, f.waiver !== undefined]),
      [['CG101', true]],
    );
  });

  it('names an empty policy when one is required and no policy covers the rule', () => {
    const governance = GOVERNANCE + 'waivers:\n  requirePolicy: true\n';
    checkFix('print(c.ssn)\n', '# crownguard: waive CG101 policy="" reason="" expires=2026-12-28\nprint(c.ssn)\n', {
      line: 1,
      governance,
      fix: 'Waive',
    });
  });

  it('is not offered where the manifest forbids inline waivers for the tier', () => {
    const governance = GOVERNANCE + 'waivers:\n  forbidInlineForTiers: [restricted]\n';
    const [finding] = e.analyze([
      { path: 'app.py', text: 'print(c.ssn)\n' },
      { path: 'governance.yaml', text: governance },
    ]).findings;
    assert.equal(finding.ruleId, 'CG101');
    assert.deepEqual(
      finding.fixes.filter((f) => f.title.startsWith('Waive')),
      [],
    );
  });
});

describe('CG106 fix', () => {
  it('appends the declared filter after the last one', () => {
    const governance = GOVERNANCE + '  templates:\n    function: redact\n';
    checkFix('Hi {{- customer.ssn | trim -}}!\n', 'Hi {{- customer.ssn | trim | redact -}}!\n', {
      line: 1,
      governance,
      path: 'reply.j2',
    });
  });
});

describe('manifest fixes', () => {
  it('renames a misspelt key to the one the schema knows', () => {
    const text =
      'apiVersion: crownguard/v1\nkind: Governance\nassets:\n  - id: a\n    tier: internal\n    feilds: [ssn]\n';
    const f = e.governance({ path: 'governance.yaml', text }).findings.find((x) => x.ruleId === 'CG002');
    assert.ok(f);
    assert.equal(applyEdits(text, f.fixes[0].edits), text.replace('feilds', 'fields'));
  });
});

const POLICY_GOVERNANCE = `apiVersion: crownguard/v1
kind: Governance
tiers: [{ id: internal }, { id: restricted, crownJewel: true }]
assets:
  - id: crm
    tier: restricted
    allowedUses: [lora-finetune]
`;

/**
 * Applies the fix titled `fix` (the preferred one without it) of the finding on `line` (1-based)
 * of a pipeline whose message contains `finding`, and compares the result with `after`. The
 * fixed text must parse, and only insert text or replace one scalar; unless `stays`, the
 * finding must be gone.
 */
function checkManifestFix(
  before: string,
  after: string,
  opts: { line: number; finding: string; fix?: string; stays?: boolean; governance?: string; path?: string },
): string {
  const file = opts.path ?? 'train.pipeline.yaml';
  const settings = { ...DEFAULT_SETTINGS, today: '2026-11-28' };
  const run = (text: string) =>
    e
      .analyze(
        file === 'governance.yaml'
          ? [{ path: file, text }]
          : [
              { path: 'governance.yaml', text: opts.governance ?? POLICY_GOVERNANCE },
              { path: file, text },
            ],
        settings,
      )
      .findings.filter((f) => f.path === file && f.message.includes(opts.finding));
  const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;
  const finding = run(before).find((f) => lineOf(before, f.span.offset) === opts.line);
  assert.ok(
    finding,
    `no finding "${opts.finding}" on line ${opts.line}: ${run(before)
      .map((f) => `${lineOf(before, f.span.offset)}: ${f.message}`)
      .join('; ')}`,
  );
  const fix = opts.fix
    ? finding.fixes.find((f) => f.title.startsWith(opts.fix!))
    : finding.fixes.find((f) => f.preferred);
  assert.ok(fix, `no such fix among: ${finding.fixes.map((f) => f.title).join('; ')}`);
  const fixed = applyEdits(before, fix.edits);
  assert.equal(fixed, after);
  assert.deepEqual(parseDocument(fixed).errors, [], 'the fixed manifest does not parse');
  for (const edit of fix.edits) {
    const replaced = before.slice(edit.offset, edit.offset + edit.length);
    assert.ok(
      edit.length === 0 || /^[^\n:#{}[\],]+$/.test(replaced),
      `the fix replaces more than a scalar: ${JSON.stringify(replaced)}`,
    );
  }
  assert.equal(
    run(fixed).length,
    run(before).length - (opts.stays ? 0 : 1),
    opts.stays ? 'the finding should stay until the placeholders are filled' : 'the fix did not remove its finding',
  );
  return fixed;
}

/** A compliant fine-tune stage on crown-jewel data, and the stage that follows it. */
const STAGE = `apiVersion: crownguard/v1
kind: Pipeline
stages:
  - id: tune
    type: fine-tune
    method: lora
    inputs: [crm]
    compute: { confidential: true }
    privacy:
      differentialPrivacy: { epsilon: 8 }
    approvals:
      - { role: privacy, by: jane, date: "2026-11-01", expires: "2027-02-01" }
  - id: eval
    type: evaluate
    inputs: [crm]
    compute: { confidential: true }
`;
const without = (text: string, needle: string) =>
  text
    .split('\n')
    .filter((l) => !l.includes(needle))
    .join('\n');

describe('the finetune-method fix', () => {
  it('offers one fix per method the data allows, and switches to the one chosen', () => {
    const before = STAGE.replace('method: lora', 'method: full');
    checkManifestFix(before, STAGE.replace('method: lora', 'method: qlora'), {
      line: 6,
      finding: 'policy `finetune-method`',
      fix: 'Switch to `qlora`',
    });
    const [finding] = e
      .analyze([
        { path: 'governance.yaml', text: POLICY_GOVERNANCE },
        { path: 'p.pipeline.yaml', text: before },
      ])
      .findings.filter((f) => f.message.includes('finetune-method'));
    assert.deepEqual(
      finding.fixes.filter((f) => !f.title.startsWith('Waive')).map((f) => f.title),
      ['lora', 'qlora', 'adapter', 'prompt-tuning'].map((m) => `Switch to \`${m}\`, which the data allows`),
    );
    assert.ok(
      finding.fixes.every((f) => !f.preferred && !f.safe),
      "a choice between methods is the user's: none preferred, none safe",
    );
  });

  it("adds the method below the stage's last key when the stage names none", () => {
    const before = without(STAGE, 'method: lora');
    const after = before.replace('expires: "2027-02-01" }\n', 'expires: "2027-02-01" }\n    method: lora\n');
    checkManifestFix(before, after, { line: 4, finding: 'policy `finetune-method`', fix: 'Set `method: lora`' });
  });
});

describe('the finetune-method fix on a key with no value', () => {
  it('writes the method after the colon, keeping the comment', () => {
    const before = STAGE.replace('method: lora', 'method: # which one?');
    checkManifestFix(before, STAGE.replace('method: lora', 'method: lora # which one?'), {
      line: 6,
      finding: 'policy `finetune-method`',
      fix: 'Set `method: lora`',
    });
  });
});

describe('the differential-privacy fix', () => {
  const bare = STAGE.replace('    privacy:\n      differentialPrivacy: { epsilon: 8 }\n', '');

  it("adds a privacy block as block YAML at the stage's indentation, before the next stage", () => {
    checkManifestFix(
      bare,
      bare.replace(
        'expires: "2027-02-01" }\n',
        'expires: "2027-02-01" }\n    privacy:\n      differentialPrivacy:\n        epsilon: 8\n',
      ),
      { line: 4, finding: 'policy `differential-privacy`' },
    );
  });

  it('keeps a comment on the last line, and CRLF line endings', () => {
    const before = bare
      .replace('expires: "2027-02-01" }\n', 'expires: "2027-02-01" } # signed off\n')
      .replace(/\n/g, '\r\n');
    const after = before.replace(
      '# signed off\r\n',
      '# signed off\r\n    privacy:\r\n      differentialPrivacy:\r\n        epsilon: 8\r\n',
    );
    checkManifestFix(before, after, { line: 4, finding: 'policy `differential-privacy`' });
  });

  it('adds differential privacy to a flow privacy mapping, keeping what it has', () => {
    const before = STAGE.replace(
      '    privacy:\n      differentialPrivacy: { epsilon: 8 }\n',
      '    privacy: { redaction: true }\n',
    );
    checkManifestFix(
      before,
      before.replace('{ redaction: true }', '{ redaction: true, differentialPrivacy: { epsilon: 8 } }'),
      { line: 9, finding: 'policy `differential-privacy`' },
    );
  });

  it('fills an empty privacy key below its comment', () => {
    const before = STAGE.replace('    privacy:\n      differentialPrivacy: { epsilon: 8 }\n', '    privacy: # to do\n');
    checkManifestFix(
      before,
      before.replace(
        '    privacy: # to do\n',
        '    privacy: # to do\n      differentialPrivacy:\n        epsilon: 8\n',
      ),
      { line: 9, finding: 'policy `differential-privacy`' },
    );
  });

  it('lowers an epsilon over the limit, touching nothing else', () => {
    const before = STAGE.replace('{ epsilon: 8 }', '{ epsilon: 50, delta: 1.0e-6 }');
    checkManifestFix(before, before.replace('epsilon: 50', 'epsilon: 8'), {
      line: 10,
      finding: 'policy `differential-privacy`',
    });
  });
});

describe('the approvals fix', () => {
  const skeleton =
    '    approvals:\n      - role: TODO\n        by: TODO\n        date: YYYY-MM-DD\n        expires: YYYY-MM-DD\n';

  it('adds an approvals skeleton that takes effect only once filled in', () => {
    const before = STAGE.replace(
      '    approvals:\n      - { role: privacy, by: jane, date: "2026-11-01", expires: "2027-02-01" }\n',
      '',
    );
    const fixed = checkManifestFix(
      before,
      before.replace(
        '      differentialPrivacy: { epsilon: 8 }\n',
        `      differentialPrivacy: { epsilon: 8 }\n${skeleton}`,
      ),
      {
        line: 4,
        finding: 'policy `approvals`',
        stays: true,
      },
    );
    const filled = fixed
      .replace('role: TODO', 'role: privacy')
      .replace('by: TODO', 'by: jane')
      .replace('date: YYYY-MM-DD', 'date: "2026-11-20"')
      .replace('expires: YYYY-MM-DD', 'expires: "2027-02-20"');
    const left = e.analyze(
      [
        { path: 'governance.yaml', text: POLICY_GOVERNANCE },
        { path: 'p.pipeline.yaml', text: filled },
      ],
      { ...DEFAULT_SETTINGS, today: '2026-11-28' },
    ).findings;
    assert.deepEqual(
      left.map((f) => f.message),
      [],
    );
  });

  it('fills an approvals key that has no value', () => {
    const before = STAGE.replace(
      '    approvals:\n      - { role: privacy, by: jane, date: "2026-11-01", expires: "2027-02-01" }\n',
      '    approvals:\n',
    );
    checkManifestFix(before, before.replace('    approvals:\n', skeleton), {
      line: 11,
      finding: 'policy `approvals`',
      stays: true,
    });
  });

  it("adds an approval to fill in after an expired one, in the list's own style", () => {
    const before = STAGE.replace('expires: "2027-02-01"', 'expires: "2026-06-01"');
    checkManifestFix(
      before,
      before.replace(
        'expires: "2026-06-01" }\n',
        'expires: "2026-06-01" }\n      - role: TODO\n        by: TODO\n        date: YYYY-MM-DD\n        expires: YYYY-MM-DD\n',
      ),
      { line: 12, finding: 'policy `approvals`', stays: true },
    );
    const flow = STAGE.replace(
      '    approvals:\n      - { role: privacy, by: jane, date: "2026-11-01", expires: "2027-02-01" }\n',
      '    approvals: [{ by: jane, date: "2026-01-01", expires: "2026-06-01" }]\n',
    );
    checkManifestFix(
      flow,
      flow.replace(
        '"2026-06-01" }]',
        '"2026-06-01" }, { role: TODO, by: TODO, date: YYYY-MM-DD, expires: YYYY-MM-DD }]',
      ),
      {
        line: 11,
        finding: 'policy `approvals`',
        stays: true,
      },
    );
  });
});

describe('the confidential-compute finding and fix', () => {
  const bare = STAGE.replace('    compute: { confidential: true }\n    privacy:', '    privacy:');

  it("says which key to set on which stage, and squiggles the stage's name, not its `id` key", () => {
    const [finding] = e
      .analyze(
        [
          { path: 'governance.yaml', text: POLICY_GOVERNANCE },
          { path: 'p.pipeline.yaml', text: bare },
        ],
        { ...DEFAULT_SETTINGS, today: '2026-11-28' },
      )
      .findings.filter((f) => f.message.includes('confidential-compute'));
    assert.ok(finding.message.endsWith('; add `compute.confidential: true` to stage `tune`'), finding.message);
    assert.equal(bare.slice(finding.span.offset, finding.span.offset + finding.span.length), 'tune');
  });

  it('adds a compute block when the stage has none', () => {
    checkManifestFix(
      bare,
      bare.replace('expires: "2027-02-01" }\n', 'expires: "2027-02-01" }\n    compute:\n      confidential: true\n'),
      { line: 4, finding: 'policy `confidential-compute`' },
    );
  });

  it('adds the key to a compute mapping that lacks it, and sets one that is false', () => {
    const region = STAGE.replace(
      '    compute: { confidential: true }\n    privacy:',
      '    compute: { region: eu-west-1 }\n    privacy:',
    );
    checkManifestFix(region, region.replace('{ region: eu-west-1 }', '{ region: eu-west-1, confidential: true }'), {
      line: 8,
      finding: 'policy `confidential-compute`',
    });
    const off = STAGE.replace(
      '    compute: { confidential: true }\n    privacy:',
      '    compute: { confidential: false }\n    privacy:',
    );
    checkManifestFix(off, STAGE, { line: 8, finding: 'policy `confidential-compute`' });
    const [finding] = e
      .analyze([
        { path: 'governance.yaml', text: POLICY_GOVERNANCE },
        { path: 'p.pipeline.yaml', text: off },
      ])
      .findings.filter((f) => f.message.includes('confidential-compute'));
    assert.ok(finding.message.endsWith('; set `compute.confidential: true` on stage `tune`'), finding.message);
  });
});

describe('every built-in stage policy says what to change', () => {
  const governance =
    POLICY_GOVERNANCE.replace(
      '    allowedUses: [lora-finetune]\n',
      '    allowedUses: [lora-finetune]\n    retentionDays: 30\n    domain: crm\n',
    ) + 'approvals:\n  roles: [privacy]\n';
  const pipeline = `apiVersion: crownguard/v1
kind: Pipeline
stages:
  - id: tune
    type: fine-tune
    method: full
    domain: ml
    inputs: [crm]
    retentionDays: 90
    logging: { payloads: true }
    hub: { public: true }
`;
  const expected: Record<string, [string, string | undefined]> = {
    'finetune-method': [
      'set `method` of stage `tune` to one the data allows: `lora`, `qlora`, `adapter`, `prompt-tuning`',
      undefined,
    ],
    'differential-privacy': [
      'add `privacy.differentialPrivacy.epsilon` (at most 10) to stage `tune`',
      'Add a privacy block',
    ],
    'confidential-compute': ['add `compute.confidential: true` to stage `tune`', 'Set `compute.confidential: true`'],
    'no-payload-logging': ['set `logging.payloads: false` on stage `tune`', 'Set `logging.payloads: false`'],
    approvals: [
      'add an unexpired approval by one of the roles `privacy` under `approvals` of stage `tune`',
      'Add an approvals skeleton',
    ],
    'redact-before-leaving-domain': [
      'insert a stage that redacts or anonymises the data before stage `tune`, or set its `domain` to `crm`',
      undefined,
    ],
    'retention-limit': ['set `retentionDays` of stage `tune` to at most 30', 'Set `retentionDays: 30`'],
    'no-public-model': ['set `hub.public: false` on stage `tune`', 'Set `hub.public: false`'],
  };
  const findings = () =>
    e
      .analyze(
        [
          { path: 'governance.yaml', text: governance },
          { path: 'p.pipeline.yaml', text: pipeline },
        ],
        { ...DEFAULT_SETTINGS, today: '2026-11-28' },
      )
      .findings.filter((f) => f.ruleId === 'CG401');

  it('names the key to set, and has a preferred fix where one exists', () => {
    const found = findings();
    assert.deepEqual(found.map((f) => /`([\w-]+)`/.exec(f.message)![1]).sort(), Object.keys(expected).sort());
    for (const f of found) {
      const id = /`([\w-]+)`/.exec(f.message)![1];
      const [change, fix] = expected[id];
      assert.ok(f.message.endsWith(`; ${change}`), f.message);
      if (fix)
        assert.ok(
          f.fixes.find((x) => x.preferred)?.title.startsWith(fix),
          `${id}: ${f.fixes.map((x) => x.title).join('; ')}`,
        );
    }
  });

  it('the fixes for payload logging, retention and the hub apply', () => {
    checkManifestFix(pipeline, pipeline.replace('payloads: true', 'payloads: false'), {
      line: 10,
      finding: 'policy `no-payload-logging`',
      governance,
    });
    checkManifestFix(pipeline, pipeline.replace('retentionDays: 90', 'retentionDays: 30'), {
      line: 9,
      finding: 'policy `retention-limit`',
      governance,
    });
    checkManifestFix(pipeline, pipeline.replace('public: true', 'public: false'), {
      line: 11,
      finding: 'policy `no-public-model`',
      governance,
    });
  });
});

describe('the missing required key fix', () => {
  it("adds a stage's type as a placeholder the schema still rejects", () => {
    const before = without(STAGE, 'type: evaluate');
    const fixed = checkManifestFix(before, before + '    type: TODO\n', {
      line: 13,
      finding: 'missing the required key `type`',
    });
    const left = e.analyze([
      { path: 'governance.yaml', text: POLICY_GOVERNANCE },
      { path: 'p.pipeline.yaml', text: fixed },
    ]).findings;
    assert.ok(
      left.some((f) => f.message.startsWith('`stages[1].type` must be one of ingest, transform')),
      'the placeholder must still be reported',
    );
  });

  it('adds kind below apiVersion, and that fix is safe', () => {
    const before = without(STAGE, 'kind: Pipeline');
    checkManifestFix(before, STAGE, {
      line: 1,
      finding: 'missing the required key `kind`',
      path: 'train.pipeline.yaml',
    });
    const [f] = e
      .analyze([{ path: 'train.pipeline.yaml', text: before }])
      .findings.filter((x) => x.message.includes('`kind`'));
    assert.equal(f.fixes[0].safe, true);
  });

  it('adds a required key to a flow mapping, and to a governance asset', () => {
    const flow = STAGE.replace(
      '{ role: privacy, by: jane, date: "2026-11-01", expires: "2027-02-01" }',
      '{ role: privacy, by: jane, expires: "2027-02-01" }',
    );
    checkManifestFix(flow, flow.replace('expires: "2027-02-01" }', 'expires: "2027-02-01", date: YYYY-MM-DD }'), {
      line: 12,
      finding: 'missing the required key `date`',
    });
    const governance =
      'apiVersion: crownguard/v1\nkind: Governance\nassets:\n  - id: crm\n    owner: crm-team # the CRM squad\n';
    checkManifestFix(governance, governance + '    tier: TODO\n', {
      line: 4,
      finding: 'missing the required key `tier`',
      path: 'governance.yaml',
    });
  });
});

describe("fixes in fine-tuning configs, in the config's own terms", () => {
  const GOVERNANCE = `apiVersion: crownguard/v1
kind: Governance
assets:
  - id: chats
    tier: restricted
    locations: [s3://acme/chats/**]
    allowedUses: [lora-finetune]
`;
  const AXOLOTL = `# Full fine-tuning of the chats, pushed to a (private, as Axolotl always does) repository.
base_model: meta-llama/Llama-3.1-8B
datasets:
  - path: s3://acme/chats/train.jsonl
    type: chat_template
hub_model_id: acme/chat-full
wandb_project: chats
eval_table_size: 5
`;
  it('sets an adapter the data allows (Axolotl)', () => {
    checkManifestFix(AXOLOTL, AXOLOTL + 'adapter: lora\n', {
      line: 2,
      finding: 'policy `finetune-method`',
      fix: 'Set `adapter: lora`',
      governance: GOVERNANCE,
      path: 'train.yaml',
    });
  });
  it('makes the hub repository private, and turns sample logging off', () => {
    // Axolotl always pushes privately; a TrainingArguments push is public unless it says otherwise.
    const trl =
      'model_name_or_path: Qwen/Qwen2.5-7B\ndataset_name: s3://acme/chats/a.jsonl\noutput_dir: out/x\nuse_peft: true\nlearning_rate: 1.0e-5\npush_to_hub: true\nhub_model_id: acme/chat-lora\n';
    checkManifestFix(trl, trl + 'hub_private_repo: true\n', {
      line: 7,
      finding: 'policy `no-public-model`',
      fix: 'Set `hub_private_repo: true`',
      governance: GOVERNANCE,
      path: 'trl.yaml',
    });
    checkManifestFix(AXOLOTL, AXOLOTL.replace('eval_table_size: 5', 'eval_table_size: 0'), {
      line: 8,
      finding: 'policy `no-payload-logging`',
      fix: 'Turn off `eval_table_size`',
      governance: GOVERNANCE,
      path: 'train.yaml',
    });
  });
  it('switches LLaMA-Factory to LoRA and TRL to PEFT', () => {
    const lf =
      'model_name_or_path: Qwen/Qwen2.5-7B\nstage: sft\nfinetuning_type: full\ndataset_dir: s3://acme/chats\ndataset: s3://acme/chats/a.jsonl\ntemplate: qwen\n';
    checkManifestFix(lf, lf.replace('finetuning_type: full', 'finetuning_type: lora'), {
      line: 3,
      finding: 'policy `finetune-method`',
      fix: 'Set `finetuning_type: lora`',
      governance: GOVERNANCE,
      path: 'lf.yaml',
    });
    const trl =
      'model_name_or_path: Qwen/Qwen2.5-7B\ndataset_name: s3://acme/chats/a.jsonl\noutput_dir: out/x\nuse_peft: false\nlearning_rate: 1.0e-5\n';
    checkManifestFix(trl, trl.replace('use_peft: false', 'use_peft: true'), {
      line: 4,
      finding: 'policy `finetune-method`',
      fix: 'Set `use_peft: true`',
      governance: GOVERNANCE,
      path: 'trl.yaml',
    });
  });

  /** The titles of the fixes on the one finding of `policy` in `text`. */
  const fixTitles = (text: string, path: string, policy: string) => {
    const found = e
      .analyze(
        [
          { path: 'governance.yaml', text: GOVERNANCE },
          { path, text },
        ],
        { ...DEFAULT_SETTINGS, today: '2026-11-28' },
      )
      .findings.filter((f) => f.path === path && f.message.includes(`policy \`${policy}\``));
    assert.equal(found.length, 1, found.map((f) => f.message).join('; '));
    // Every finding can be waived; the fixes that matter here change the config.
    return found[0].fixes.map((f) => f.title).filter((t) => !t.startsWith('Waive '));
  };

  it("offers each method the data allows that one of the format's own keys sets (Axolotl QLoRA)", () => {
    checkManifestFix(AXOLOTL, AXOLOTL + 'adapter: qlora\n', {
      line: 2,
      finding: 'policy `finetune-method`',
      fix: 'Set `adapter: qlora`',
      governance: GOVERNANCE,
      path: 'train.yaml',
    });
    // TRL and LLaMA-Factory need a second key for QLoRA (`load_in_4bit`, `quantization_bit`): only LoRA is offered.
    assert.deepEqual(
      fixTitles(
        'model_name_or_path: Qwen/Qwen2.5-7B\ndataset_name: s3://acme/chats/a.jsonl\noutput_dir: out/x\nlearning_rate: 1.0e-5\n',
        'trl.yaml',
        'finetune-method',
      ),
      ['Set `use_peft: true` (lora, which the data allows)'],
    );
  });

  it('makes a LLaMA-Factory training push private, but offers nothing for its export, which ignores the key', () => {
    const lf =
      'model_name_or_path: Qwen/Qwen2.5-7B\nstage: sft\nfinetuning_type: lora\ndataset_dir: s3://acme/chats\ndataset: s3://acme/chats/a.jsonl\ntemplate: qwen\npush_to_hub: true\nhub_model_id: acme/chat-lora\n';
    checkManifestFix(lf, lf + 'hub_private_repo: true\n', {
      line: 8,
      finding: 'policy `no-public-model`',
      fix: 'Set `hub_private_repo: true`',
      governance: GOVERNANCE,
      path: 'lf.yaml',
    });
    const exported =
      'model_name_or_path: Qwen/Qwen2.5-7B\nfinetuning_type: lora\ndataset_dir: s3://acme/chats\ndataset: s3://acme/chats/a.jsonl\ntemplate: qwen\nexport_hub_model_id: acme/chat-lora\n';
    assert.deepEqual(fixTitles(exported, 'lf.yaml', 'no-public-model'), []);
  });

  it('offers no top-level key for a LLaMA-Factory v1 method (it nests under `peft_config`), nor any fix in JSON', () => {
    const v1 = 'model: Qwen/Qwen2.5-7B\ntrain_dataset: s3://acme/chats/a.jsonl\n';
    assert.deepEqual(fixTitles(v1, 'v1.yaml', 'finetune-method'), []);
    const json = JSON.stringify({
      model_name_or_path: 'Qwen/Qwen2.5-7B',
      dataset_name: 's3://acme/chats/a.jsonl',
      output_dir: 'out/x',
      learning_rate: 1e-5,
    });
    assert.deepEqual(fixTitles(json, 'trl.json', 'finetune-method'), []);
  });
});
