import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { CLI, EXAMPLES, REPO } from '../support/paths';
import { copyOfExamples, hashTree } from '../support/workspace';

const examplesBefore = hashTree(EXAMPLES);

/** The official SARIF 2.1.0 schema, kept in the repository as test data. */
const validate = (() => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(path.join(REPO, 'test', 'schemas', 'sarif-schema-2.1.0.json'), 'utf8')));
})();

function assertValidSarif(doc: unknown): void {
  assert.ok(validate(doc), JSON.stringify(validate.errors, null, 2));
}

function run(args: string[], cwd = REPO) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tempDir(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'crownguard-cli-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  return dir;
}

describe('crownguard check: text output and exit codes', () => {
  it('reports the example leaks as file:line:col: severity rule-id message, exit 1', () => {
    const r = run(['check', 'examples']);
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.deepEqual(
      lines.slice(0, -1).map((l) => l.split(' ').slice(0, 3).join(' ')),
      [
        'examples/pipelines/support-bot.pipeline.yaml:7:9: error CG401',
        'examples/prompts/support_reply.prompt:3:14: note CG106',
        'examples/prompts/support_reply.prompt:5:21: error CG106',
        'examples/src/notify.ts:12:46: error CG101',
        'examples/src/prepare_data.py:13:17: error CG101',
        'examples/src/train.py:9:38: error CG101',
        'examples/src/train.py:10:39: error CG101',
      ],
    );
    assert.match(lines[lines.length - 1], /^7 findings \(6 errors, 0 warnings, 1 note\); in 9 files; .* s$/);
  });

  it('honours --fail-on', () => {
    assert.equal(run(['check', 'examples', '--fail-on', 'none']).code, 0);
    assert.equal(run(['check', 'examples', '--fail-on', 'error']).code, 1);
    const warningsOnly = tempDir({ 'app.py': 'print(password)\n' });
    try {
      assert.equal(run(['check', warningsOnly, '--fail-on', 'error']).code, 0);
      assert.equal(run(['check', warningsOnly]).code, 1, 'warnings fail by default');
      assert.equal(run(['check', warningsOnly, '--fail-on', 'note']).code, 1);
    } finally {
      rmSync(warningsOnly, { recursive: true });
    }
  });

  it('exits 0 on a clean folder and checks the current folder by default', () => {
    const clean = tempDir({ 'app.py': 'import logging\nlogging.info("ready")\n' });
    try {
      const r = run(['check'], clean);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /^0 findings .* in 1 file;/);
    } finally {
      rmSync(clean, { recursive: true });
    }
  });

  it('exits 2 on usage errors, with a one-line reason', () => {
    for (const args of [
      ['check', '--format', 'xml'],
      ['check', '--fail-on', 'sometimes'],
      ['frobnicate'],
      ['check', 'no/such/path'],
      ['check', '--bogus'],
    ]) {
      const r = run(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr.split('\n')[0], /^crownguard: /);
    }
  });

  it('exits 2 on a broken governance manifest, naming file and line', () => {
    const ws = copyOfExamples();
    try {
      const gov = path.join(ws.dir, 'governance.yaml');
      writeFileSync(
        gov,
        readFileSync(gov, 'utf8').replace('    tier: restricted\n', '    tier: restricted\n    teir: public\n'),
      );
      const r = run(['check', '.'], ws.dir);
      assert.equal(r.code, 2);
      const line =
        readFileSync(gov, 'utf8')
          .split('\n')
          .findIndex((l) => l.includes('teir:')) + 1;
      assert.equal(
        r.stderr.trim().split('\n').pop(),
        `crownguard: configuration error: governance.yaml:${line}: Unknown key 'teir' in assets[0] (did you mean 'tier'?)`,
      );
      assert.match(r.stdout, new RegExp(`^governance.yaml:${line}:5: error CG002 `, 'm'));
    } finally {
      ws.remove();
    }
  });

  it('skips empty files with a note, and reports binary, non-UTF-8 and oversized ones as CG005, never a crash', () => {
    const dir = tempDir({
      'empty.py': '',
      'binary.py': Buffer.from([0x70, 0x72, 0x00, 0x01, 0x02]),
      'latin1.py': Buffer.from('print("caf\xe9")\n', 'latin1'),
      'huge.py': 'x = 1\n'.repeat(500_000),
      'ok.py': 'print(password)\n',
    });
    try {
      const r = run(['check', '.', '--fail-on', 'none'], dir);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^ok\.py:1:7: warning CG101 /m);
      assert.match(r.stdout, /^binary\.py:1:1: warning CG005 Not analysed, because it is a binary file$/m);
      assert.match(r.stdout, /^huge\.py:1:1: warning CG005 Not analysed, because it is larger than 2048 KiB$/m);
      assert.match(r.stdout, /^latin1\.py:1:1: warning CG005 Not analysed, because it is not valid UTF-8 text$/m);
      // Empty files are only counted unless --verbose.
      assert.match(r.stdout, /passed over 1 empty file/);
      assert.equal(r.stderr.trim(), '');
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('passes over dependency and build folders, and says so', () => {
    const dir = tempDir({ 'app.py': 'x = 1\n' });
    try {
      for (const d of ['node_modules', '.venv']) {
        const sub = path.join(dir, d);
        mkdirSync(sub);
        writeFileSync(path.join(sub, 'lib.py'), 'print(password)\n');
      }
      const r = run(['check', '.'], dir);
      assert.equal(r.code, 0, r.stdout);
      assert.match(r.stdout, /passed over 2 dependency or build folders/);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('never prints the value of a detected secret', () => {
    const secret = 'sk-live-THIS-MUST-NOT-APPEAR';
    const dir = tempDir({ 'app.py': `api_key = "${secret}"\nprint(api_key)\n` });
    try {
      for (const format of ['text', 'json', 'sarif']) {
        const r = run(['check', '.', '--format', format], dir);
        assert.equal(r.code, 1);
        assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), format);
      }
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

describe('crownguard check: json and sarif', () => {
  it('json: a versioned document with 1-based regions and offsets', () => {
    const r = run(['check', 'examples', '--format', 'json']);
    assert.equal(r.code, 1);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.version, 1);
    assert.equal(doc.findings.length, 7);
    const prep = doc.findings.find((f: { path: string }) => f.path === 'examples/src/prepare_data.py');
    assert.deepEqual(
      {
        startLine: prep.startLine,
        startColumn: prep.startColumn,
        endLine: prep.endLine,
        endColumn: prep.endColumn,
        ruleId: prep.ruleId,
      },
      { startLine: 13, startColumn: 17, endLine: 13, endColumn: 24, ruleId: 'CG101' },
    );
    assert.deepEqual(
      prep.fixes.map((f: { title: string }) => f.title),
      [
        'Wrap `customer.ssn` in redact() where it enters `summary` (line 12)',
        'Wrap the whole `summary` in redact() here',
        'Waive CG101 for this statement (write the reason and the approver)',
      ],
    );
  });

  it('sarif: valid SARIF 2.1.0 with one run, the rules used and a region per result', () => {
    const r = run(['check', 'examples', '--format', 'sarif']);
    assert.equal(r.code, 1);
    const sarif = JSON.parse(r.stdout);
    assertValidSarif(sarif);
    assert.equal(sarif.runs.length, 1);
    const run0 = sarif.runs[0];
    assert.deepEqual(
      run0.tool.driver.rules.map((x: { id: string }) => x.id),
      ['CG101', 'CG106', 'CG401'],
    );
    assert.match(run0.tool.driver.rules[0].help.markdown, /^# CG101 sensitive-data-in-log/);
    assert.equal(run0.results.length, 7);
    assert.deepEqual(run0.results[4].locations[0].physicalLocation, {
      artifactLocation: { uri: 'examples/src/prepare_data.py', uriBaseId: 'SRCROOT' },
      region: { startLine: 13, startColumn: 17, endLine: 13, endColumn: 24 },
    });
  });

  it("sarif: a policy finding relates to the policy's entry in the governance manifest", () => {
    const dir = tempDir({
      'governance.yaml':
        'apiVersion: crownguard/v1\nkind: Governance\nassets:\n  - id: crm\n    tier: restricted\npolicies:\n  - id: confidential-compute\n    severity: warning\n',
      'train.pipeline.yaml':
        'apiVersion: crownguard/v1\nkind: Pipeline\nstages:\n  - id: load\n    type: ingest\n    inputs: [crm]\n',
    });
    try {
      const sarif = JSON.parse(run(['check', '.', '--format', 'sarif'], dir).stdout);
      assertValidSarif(sarif);
      const result = sarif.runs[0].results.find((x: { message: { text: string } }) =>
        x.message.text.startsWith('Violates policy `confidential-compute`'),
      );
      assert.deepEqual(result.relatedLocations, [
        {
          id: 0,
          message: { text: 'policy `confidential-compute` is declared here' },
          physicalLocation: {
            artifactLocation: { uri: 'governance.yaml', uriBaseId: 'SRCROOT' },
            region: { startLine: 7, startColumn: 5, endLine: 8, endColumn: 22 },
          },
        },
      ]);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('sarif with notes and manifest errors is still valid', () => {
    const dir = tempDir({ 'governance.yaml': 'apiVersion: crownguard/v1\nkind: Governanse\n', 'empty.py': '' });
    try {
      const r = run(['check', '.', '--format', 'sarif'], dir);
      assert.equal(r.code, 2);
      const sarif = JSON.parse(r.stdout);
      assertValidSarif(sarif);
      assert.equal(sarif.runs[0].invocations[0].toolExecutionNotifications[0].message.text, 'skipped: empty file');
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

describe('crownguard check: fixes and waivers', () => {
  it('--fix applies the safe fixes, adds each import once, and reports what is left', () => {
    const ws = copyOfExamples();
    try {
      const r = run(['check', '.', '--fix'], ws.dir);
      assert.match(r.stderr, /^crownguard: fixed 6 findings in 4 files$/m);
      // What is left has no safe fix: the pipeline's policy violation.
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.deepEqual(
        r.stdout
          .trim()
          .split('\n')
          .slice(0, -1)
          .map((l) => l.split(' ')[2]),
        ['CG401'],
      );
      const train = readFileSync(path.join(ws.dir, 'src/train.py'), 'utf8');
      assert.equal(train.split('from acme_privacy import redact').length - 1, 1);
      assert.match(train, /print\("first sample belongs to", redact\(customer_record\["date_of_birth"\]\)\)/);
      // A value that reaches the log through a variable is redacted where it entered it.
      const prep = readFileSync(path.join(ws.dir, 'src/prepare_data.py'), 'utf8');
      assert.match(
        prep,
        /summary = f"ticket \{ticket\.id\} for customer \{redact\(customer\.ssn\)\}"\n    logger\.info\(summary\)\n/,
      );
      assert.match(
        readFileSync(path.join(ws.dir, 'prompts/support_reply.prompt'), 'utf8'),
        /\{\{ customer\.account_number \| redact \}\}/,
      );
      // A second run finds nothing left to fix and changes nothing.
      const before = hashTree(ws.dir);
      assert.doesNotMatch(run(['check', '.', '--fix'], ws.dir).stderr, /fixed/);
      assert.equal(hashTree(ws.dir), before);
    } finally {
      ws.remove();
    }
  });

  const WAIVED = `import logging
# crownguard: waive CG101 reason="reviewed in DPR-142" expires=2099-01-01 approver=jane
logging.info(password)
`;

  it('a valid waiver hides the finding from text output and the exit code, and SARIF records the suppression', () => {
    const dir = tempDir({ 'app.py': WAIVED });
    try {
      const text = run(['check', '.'], dir);
      assert.equal(text.code, 0, text.stdout);
      assert.match(text.stdout, /^0 findings .*; 1 waived; /m);
      const sarif = JSON.parse(run(['check', '.', '--format', 'sarif'], dir).stdout);
      assertValidSarif(sarif);
      assert.deepEqual(sarif.runs[0].results[0].suppressions, [
        {
          kind: 'inSource',
          status: 'accepted',
          justification: 'reviewed in DPR-142 (policy none, expires 2099-01-01, approved by jane)',
        },
      ]);
      const json = JSON.parse(run(['check', '.', '--format', 'json'], dir).stdout);
      assert.equal(json.waivers.length, 1);
      assert.equal(json.findings[0].waiver.reason, 'reviewed in DPR-142');
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('--no-inline-waivers reports what the waivers would hide', () => {
    const dir = tempDir({ 'app.py': WAIVED });
    try {
      const r = run(['check', '.', '--no-inline-waivers'], dir);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /^app\.py:3:14: warning CG101 /m);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

describe('crownguard check: workspace-wide checks in a large folder', () => {
  it('sees every manifest and config together, however many code files are split across workers', () => {
    const files: Record<string, string> = {
      'governance.yaml':
        'apiVersion: crownguard/v1\nkind: Governance\nassets:\n  - id: chats\n    tier: restricted\n    locations: [data/chats/**]\n',
      'z.pipeline.yaml':
        'apiVersion: crownguard/v1\nkind: Pipeline\nmetadata: { name: p }\nstages:\n  - id: prep\n    type: transform\n    inputs: [chats]\n    outputs: [prepared]\n    compute: { confidential: true }\n',
      // A full fine-tune of data derived from a crown-jewel asset two files away.
      'zz-train.yaml': 'base_model: a/b\ndatasets:\n  - path: data/chats/all.jsonl\nmicro_batch_size: 1\n',
    };
    for (let i = 0; i < 150; i++) files[`m${String(i).padStart(3, '0')}.py`] = `x = ${i}\n`;
    const dir = tempDir(files);
    try {
      const r = run(['check', '.', '--format', 'json', '--jobs', '2'], dir);
      const findings = JSON.parse(r.stdout).findings as { ruleId: string; path: string; message: string }[];
      assert.deepEqual(
        findings.map((f) => `${f.path} ${f.ruleId}`),
        ['zz-train.yaml CG401'],
        r.stdout,
      );
      assert.match(findings[0].message, /finetune-method.*`adapter` is not set/);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

describe('test hygiene', () => {
  it('the CLI tests leave examples/ untouched', () => {
    assert.equal(hashTree(EXAMPLES), examplesBefore);
  });
});
