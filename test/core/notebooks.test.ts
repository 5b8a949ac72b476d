import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { applyEdits, DEFAULT_SETTINGS, type Engine, type Finding, type SourceFile } from '../../server/src/core';
import { parseNotebook } from '../../server/src/core/notebooks/notebook';
import { blankIPython } from '../../server/src/core/notebooks/program';
import { engine } from '../support/engine';
import { assertExpectations } from '../support/expectations';
import { FIXTURES } from '../support/paths';

const SETTINGS = { ...DEFAULT_SETTINGS, today: '2026-11-28' };
const DIR = path.join(FIXTURES, 'notebooks');

let e: Engine;
before(async () => {
  e = await engine();
});

function read(name: string): SourceFile {
  return { path: `notebooks/${name}`, text: readFileSync(path.join(DIR, name), 'utf8') };
}

function governed() {
  return e.governance(read('governance.yaml')).governance;
}

/** A notebook with these cells (code when the text is a string, markdown when `{ md }`), sources as line lists. */
function notebook(cells: readonly (string | { md: string } | { code: string; outputs: unknown[] })[]): string {
  const lines = (s: string) => s.split(/(?<=\n)/);
  return JSON.stringify(
    {
      cells: cells.map((c) =>
        typeof c === 'string'
          ? { cell_type: 'code', metadata: {}, outputs: [], execution_count: null, source: lines(c) }
          : 'md' in c
            ? { cell_type: 'markdown', metadata: {}, source: lines(c.md) }
            : { cell_type: 'code', metadata: {}, outputs: c.outputs, execution_count: 1, source: lines(c.code) },
      ),
      metadata: { language_info: { name: 'python' } },
      nbformat: 4,
      nbformat_minor: 5,
    },
    null,
    1,
  );
}

describe('notebooks: the fixture, cell by cell', () => {
  const gov = () => e.governance(undefined).governance;
  it('every cell matches its inline expectations (the editor path: cells as documents)', () => {
    const file = read('prepare.ipynb');
    const nb = parseNotebook(file.text)!;
    const cells = nb.cells.map((c) => ({ kind: c.kind, text: c.source.text }));
    const result = e.analyzeNotebook(file.path, cells, nb.language, governed(), SETTINGS);
    nb.cells.forEach((c, i) =>
      assertExpectations(
        `${file.path} cell ${i + 1}`,
        c.source.text,
        result.findings.filter((f) => f.cell === i).map((f) => f.finding),
      ),
    );
  });

  it('the .ipynb file gives the same findings, each at its place in the file and in its cell', () => {
    const file = read('prepare.ipynb');
    const nb = parseNotebook(file.text)!;
    const result = e.analyze([read('governance.yaml'), file], SETTINGS);
    const own = result.findings.filter((f) => f.path === file.path);
    const inSource = own.filter((f) => f.cell && !f.cell.output);
    assert.deepEqual(
      inSource.map((f) => `${f.ruleId} cell ${f.cell!.number}:${f.cell!.line}:${f.cell!.column}`),
      ['CG101 cell 4:2:19', 'CG101 cell 4:4:27', 'CG201 cell 7:1:7', 'CG202 cell 1:3:14'],
    );
    for (const f of inSource) {
      // The span in the file covers exactly what the cell's line and column name.
      const { number, line = 0, column = 0 } = f.cell!;
      const source = nb.cells[number - 1].source;
      const cellLines = source.text.split('\n');
      const at = cellLines.slice(0, line - 1).join('\n').length + (line > 1 ? 1 : 0) + column - 1;
      assert.equal(source.offsets[at], f.span.offset, `${f.ruleId} in cell ${f.cell!.number}`);
    }
    const message = inSource.find((f) => f.message.includes('local variable'))!.message;
    assert.match(message, /assigned in cell 3, line 2/);
  });

  it('outputs are reported per cell by kind and count, never by value, and images are not read', () => {
    const file = read('prepare.ipynb');
    const result = e.analyze([read('governance.yaml'), file], SETTINGS);
    const outputs = result.findings.filter((f) => f.cell?.output);
    assert.deepEqual(
      outputs.map((f) => `${f.ruleId} ${f.severity} cell ${f.cell!.number}: ${f.message.split(';')[0]}`),
      [
        'CG201 error cell 4: The output of cell 4 holds 1 literal secret (GitHub token x1)',
        'CG202 note cell 4: The output of cell 4 holds 2 literal personal values (email address x2)',
        'CG202 note cell 7: The output of cell 7 holds 1 literal personal value (email address x1)',
      ],
    );
    const shown = JSON.stringify(result.findings);
    for (const value of ['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', 'jane.doe@acme-corp.com', 'ravi.k@acme-corp.com'])
      assert.ok(!shown.includes(value), `a finding carries ${value.slice(0, 4)}...`);
    assert.equal(parseNotebook(file.text)!.skippedPayloads, 1);
    // Everything was read: no sampling note on a small notebook.
    assert.ok(!result.findings.some((f) => f.ruleId === 'CG005'));
  });

  it('arithmetic a model printed is not a phone number, a number printed as one is', () => {
    const output = (text: string) => ({ output_type: 'stream', name: 'stdout', text: [text] });
    const found = (text: string) =>
      e
        .analyzeFile(
          { path: 'nb.ipynb', text: notebook([{ code: 'run()\n', outputs: [output(text)] }]) },
          gov(),
          SETTINGS,
        )
        .findings.map((f) => f.ruleId);
    assert.deepEqual(found('4.44286875*1.35 = 4.44286875 +1.3335860625 = 5.77\n'), []);
    assert.deepEqual(found('call me on +1.4155550123 or +44 20 7946 0958\n'), ['CG202']);
  });

  it("a fix rewrites the cell's source inside the JSON, and the file stays a notebook", () => {
    const file = read('prepare.ipynb');
    const result = e.analyze([read('governance.yaml'), file], SETTINGS);
    const f = result.findings.find((x) => x.message.includes('account_number'))!;
    const fixed = applyEdits(file.text, f.fixes.find((x) => x.title === 'Wrap in redact()')!.edits);
    const nb = JSON.parse(fixed) as { cells: { source: string[] }[] };
    assert.ok(nb.cells[3].source.join('').includes('logger.info("account %s", redact(customer.account_number))'));
    const waived = applyEdits(file.text, f.fixes.find((x) => x.title.startsWith('Waive'))!.edits);
    const lines = (JSON.parse(waived) as { cells: { source: string[] }[] }).cells[3].source.join('').split('\n');
    assert.match(lines[3], /^# crownguard: waive CG101 reason="" expires=2026-12-28$/);
    assert.equal(lines[4], 'logger.info("account %s", customer.account_number)');
  });
});

describe('notebooks: cells as one program', () => {
  const gov = () => e.governance(undefined).governance;
  const findingsOf = (cells: Parameters<typeof notebook>[0]): Finding[] =>
    e.analyzeFile({ path: 'nb.ipynb', text: notebook(cells) }, gov(), SETTINGS).findings;

  it('a value assigned in one cell reaches a sink in a later one; the order of cells is the order of the program', () => {
    const leak = findingsOf(['value = customer.ssn\n', 'print(value)\n']);
    assert.deepEqual(
      leak.map((f) => `${f.ruleId} cell ${f.cell?.number}:${f.cell?.line}:${f.cell?.column}`),
      ['CG101 cell 2:1:7'],
    );
    // The sink runs before the assignment: no flow.
    assert.deepEqual(findingsOf(['print(value)\n', 'value = customer.ssn\n']), []);
  });

  it('a cell that imports a workspace helper follows it as a .py file does, in the file and in the editor', () => {
    const helper = {
      path: 'work/utils/log.py',
      text: 'import logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef my_log(x):\n    logger.info("value %s", x)\n',
    };
    const cells = [
      '%pip install acme\nfrom utils.log import my_log\n',
      'import os\n\nmy_log(os.environ["DB_PASSWORD"])\n',
    ];
    const files = [
      helper,
      { path: 'work/utils/__init__.py', text: '' },
      { path: 'work/prep.ipynb', text: notebook(cells) },
    ];
    const found = e.analyze(files, SETTINGS).findings.filter((f) => f.path === 'work/prep.ipynb');
    assert.deepEqual(
      found.map((f) => `${f.ruleId} cell ${f.cell?.number}:${f.cell?.line}:${f.cell?.column}`),
      ['CG101 cell 2:3:8'],
    );
    assert.match(found[0].message, /through `my_log\(x\)` \(work\/utils\/log\.py:7\) -> `logger\.info`/);
    assert.deepEqual(
      found[0].flow?.map((s) => s.path),
      ['work/utils/log.py'],
    );
    // The editor's cells see the same helper through the same host.
    const byPath = new Map(files.map((f) => [f.path, f.text]));
    const inEditor = e.analyzeNotebook(
      'work/prep.ipynb',
      cells.map((text) => ({ kind: 'code' as const, text })),
      'python',
      gov(),
      SETTINGS,
      { modules: { read: (p) => byPath.get(p) } },
    );
    assert.deepEqual(
      inEditor.findings.map((f) => `${f.finding.ruleId} cell ${f.cell}`),
      ['CG101 cell 1'],
    );
    // A helper that does not log its parameter makes no finding.
    const quiet = { ...helper, text: 'def my_log(x):\n    return len(x)\n' };
    assert.deepEqual(
      e.analyze([quiet, ...files.slice(1)], SETTINGS).findings.filter((f) => f.path === 'work/prep.ipynb'),
      [],
    );
  });

  it("the redaction's import goes to the top of the finding's own cell, after a cell magic", () => {
    const cells = [
      { kind: 'code' as const, text: 'import logging\nlog = logging.getLogger()\n' },
      { kind: 'code' as const, text: '%%time\nlog.info(customer.ssn)\n' },
    ];
    const result = e.analyzeNotebook('nb.ipynb', cells, 'python', governed(), SETTINGS);
    const [f] = result.findings;
    assert.equal(f.cell, 1);
    const wrap = f.finding.fixes.find((x) => x.title.startsWith('Wrap'))!;
    assert.equal(
      applyEdits(cells[1].text, wrap.edits),
      '%%time\nfrom acme_privacy import redact\nlog.info(redact(customer.ssn))\n',
    );
  });

  it('magics and shell lines are blanked without moving anything', () => {
    const cell = '%pip install x\nfiles = !ls\nx = 1\n  !echo hi \\\n  more\nhelp?\nprint(x)\n';
    const blanked = blankIPython(cell);
    assert.equal(blanked.length, cell.length);
    assert.deepEqual(
      blanked.split('\n').map((l) => l.trim()),
      ['', '', 'x = 1', '', '', '', 'print(x)', ''],
    );
    assert.equal(blankIPython('%%bash\necho $password\n').trim(), '');
    assert.equal(blankIPython('%%time\nprint(x)\n'), '      \nprint(x)\n');
    // Shell and magic lines never make findings, and the code around them still does.
    const found = findingsOf([
      '%%bash\necho "$password"\n',
      '!echo $password\npassword = get()\n%time print(password)\nprint(password)\n',
    ]);
    assert.deepEqual(
      found.map((f) => `${f.ruleId} cell ${f.cell?.number}:${f.cell?.line}`),
      ['CG101 cell 2:4'],
    );
  });

  it('markdown is read only for literals: code in it is not analysed', () => {
    const found = findingsOf([
      { md: 'Run `print(password)` and mail ravi.k@acme-corp.com\n```python\nprint(password)\n```\n' },
      'password = get()\n',
    ]);
    assert.deepEqual(
      found.map((f) => `${f.ruleId} cell ${f.cell?.number}:${f.cell?.line}:${f.cell?.column}`),
      ['CG202 cell 1:1:32'],
    );
  });

  it('a source written as one string, or with JSON escapes, maps to the same places', () => {
    const cells = [
      {
        cell_type: 'code',
        metadata: {},
        outputs: [],
        source: 'token = "\\u00e9t\\u00e9"\nprint("x", get_password())\n',
      },
    ];
    const text = JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 }).replace(
      /\\\\u00e9/g,
      '\\u00e9',
    );
    const found = e.analyzeFile({ path: 'nb.ipynb', text }, gov(), SETTINGS).findings;
    assert.deepEqual(
      found.map((f) => `${f.ruleId} ${f.cell?.line}:${f.cell?.column}`),
      ['CG101 2:12'],
    );
    assert.equal(text.slice(found[0].span.offset, found[0].span.offset + found[0].span.length), 'get_password()');
  });

  it('a file that is not notebook JSON is a CG005 finding, and its secrets are still found', () => {
    const found = e.analyzeFile(
      { path: 'nb.ipynb', text: '{"cells": [ "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"' },
      gov(),
      SETTINGS,
    ).findings;
    assert.deepEqual(
      found.map((f) => f.ruleId),
      ['CG201', 'CG005'],
    );
  });
});

describe('notebooks: large ones are bounded', () => {
  const gov = () => e.governance(undefined).governance;
  it('a 50 MB notebook of images and long outputs is read in bounded time, outputs sampled and said so', () => {
    const image = 'iVBORw0KGgo'.repeat(1_200_000);
    const table = Array.from({ length: 40_000 }, (_, i) => `${i}  user${i}@acme-corp.com\n`);
    const outputs = [
      { output_type: 'display_data', metadata: {}, data: { 'image/png': image, 'text/plain': ['<Figure>'] } },
      { output_type: 'execute_result', metadata: {}, execution_count: 1, data: { 'text/plain': table } },
    ];
    const cells = Array.from({ length: 4 }, () => ({ code: 'df = load()\ndf.head()\n', outputs }));
    const text = notebook([...cells, 'print(get_password())\n']);
    assert.ok(text.length > 50 * 1024 * 1024, `${text.length}`);
    const started = performance.now();
    const found = e.analyzeFile({ path: 'nb.ipynb', text }, gov(), SETTINGS).findings;
    const ms = performance.now() - started;
    // Generous, for a loaded CI machine: unloaded it takes about 3 s, most of it building the text.
    assert.ok(ms < 60_000, `${ms} ms`);
    const sampled = found.find((f) => f.ruleId === 'CG005')!;
    assert.equal(sampled.severity, 'note');
    assert.match(sampled.message, /^Outputs only sampled: 257 KiB of output text read, about [\d,]+ KiB not read/);
    assert.ok(found.some((f) => f.ruleId === 'CG101' && f.cell?.number === 5));
    const perCell = found.filter((f) => f.ruleId === 'CG202');
    assert.ok(perCell.length >= 1 && perCell.every((f) => /holds [\d,]+ literal personal values/.test(f.message)));
  });
});
