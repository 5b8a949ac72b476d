import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { CLI, FIXTURES, REPO } from '../support/paths';

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const validate = (() => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(path.join(REPO, 'test', 'schemas', 'sarif-schema-2.1.0.json'), 'utf8')));
})();

/** Values planted in the fixture notebook: no output may carry them. */
const PLANTED = [
  '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',
  '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',
  'jane.doe@acme-corp',
  'ravi.k@',
];

describe('crownguard check on a Jupyter notebook', () => {
  it('text names the cell and the line in it, or the cell output', () => {
    const r = run(['check', 'notebooks'], FIXTURES);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(
      r.stdout
        .trim()
        .split('\n')
        .slice(0, -1)
        .map((l) => l.slice(0, l.indexOf(' CG'))),
      [
        'notebooks/prepare.ipynb cell 1, line 3, column 14: note',
        'notebooks/prepare.ipynb cell 4 output: error',
        'notebooks/prepare.ipynb cell 4 output: note',
        'notebooks/prepare.ipynb cell 4, line 2, column 19: error',
        'notebooks/prepare.ipynb cell 4, line 4, column 27: error',
        'notebooks/prepare.ipynb cell 7 output: note',
        'notebooks/prepare.ipynb cell 7, line 1, column 7: error',
      ],
    );
    for (const v of PLANTED) assert.ok(!r.stdout.includes(v), `text output carries ${v.slice(0, 4)}...`);
  });

  it('JSON carries the cell; SARIF the region in the .ipynb file and the cell, and is valid', () => {
    const json = JSON.parse(run(['check', 'notebooks', '--format', 'json'], FIXTURES).stdout) as {
      findings: { ruleId: string; cell?: object; startLine: number; offset: number; length: number }[];
    };
    const text = readFileSync(path.join(FIXTURES, 'notebooks', 'prepare.ipynb'), 'utf8');
    const ssn = json.findings.find((f) => f.ruleId === 'CG101')!;
    assert.deepEqual(ssn.cell, { number: 4, line: 2, column: 19 });
    assert.equal(text.slice(ssn.offset, ssn.offset + ssn.length), 'ssn');
    assert.equal(text.split('\n')[ssn.startLine - 1].trim(), '"print(\\"checking\\", ssn)\\n",');
    const sarifText = run(['check', 'notebooks', '--format', 'sarif'], FIXTURES).stdout;
    const sarif = JSON.parse(sarifText) as {
      runs: {
        results: {
          ruleId: string;
          locations: { message: { text: string }; physicalLocation: { region: { startLine: number } } }[];
        }[];
      }[];
    };
    assert.ok(validate(sarif), JSON.stringify(validate.errors, null, 2));
    const location = sarif.runs[0].results.find((r) => r.ruleId === 'CG101')!.locations[0];
    assert.equal(location.message.text, 'cell 4, line 2, column 19');
    assert.equal(location.physicalLocation.region.startLine, ssn.startLine);
    for (const v of PLANTED) assert.ok(!sarifText.includes(v), `SARIF carries ${v.slice(0, 4)}...`);
  });

  it('--fix rewrites the cells inside the notebook, which stays valid nbformat JSON', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'crownguard-nb-'));
    try {
      cpSync(path.join(FIXTURES, 'notebooks'), dir, { recursive: true });
      run(['check', '.', '--fix'], dir);
      const nb = JSON.parse(readFileSync(path.join(dir, 'prepare.ipynb'), 'utf8')) as {
        cells: { source: string[] }[];
      };
      const cell = nb.cells[3].source.join('');
      assert.ok(cell.includes('logger.info("account %s", redact(customer.account_number))'), cell);
      assert.ok(nb.cells[3].source.every((line) => typeof line === 'string'));
      const after = run(['check', '.'], dir).stdout;
      assert.ok(!after.includes('account_number'), after);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('crownguard check: a notebook that imports a workspace helper', () => {
  it('follows the import as a .py file does: the finding is in the cell, its path names the helper file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'crownguard-nb-imports-'));
    try {
      mkdirSync(path.join(dir, 'utils'));
      writeFileSync(path.join(dir, 'utils', '__init__.py'), '');
      writeFileSync(
        path.join(dir, 'utils', 'log.py'),
        'import logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef my_log(x):\n    logger.info("value %s", x)\n',
      );
      const cell = (source: string[]) => ({
        cell_type: 'code',
        metadata: {},
        outputs: [],
        execution_count: null,
        source,
      });
      const nb = {
        cells: [
          cell(['from utils.log import my_log\n']),
          cell(['import os\n', '\n', 'my_log(os.environ["DB_PASSWORD"])\n']),
        ],
        metadata: { language_info: { name: 'python' } },
        nbformat: 4,
        nbformat_minor: 5,
      };
      writeFileSync(path.join(dir, 'prep.ipynb'), JSON.stringify(nb, null, 1));
      const r = run(['check', '.', '--format', 'json', '--fail-on', 'none'], dir);
      assert.equal(r.code, 0, r.stderr);
      const findings = (
        JSON.parse(r.stdout) as { findings: { path: string; ruleId: string; message: string; cell?: object }[] }
      ).findings.filter((f) => f.path === 'prep.ipynb');
      assert.deepEqual(
        findings.map((f) => [f.ruleId, f.cell]),
        [['CG101', { number: 2, line: 3, column: 8 }]],
      );
      assert.match(findings[0].message, /through `my_log\(x\)` \(utils\/log\.py:7\) -> `logger\.info`/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
