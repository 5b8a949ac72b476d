import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  applyEdits,
  DatasetScanner,
  DEFAULT_SETTINGS,
  MAX_FOLDER_FILES,
  type DataContent,
  type Engine,
  type SourceFile,
} from '../../server/src/core';
import { folderLister } from '../../server/src/host/lineage-data';
import { prepPipeline, TICKETS_GOVERNANCE } from '../support/data-files';
import { engine } from '../support/engine';

let e: Engine;
before(async () => {
  e = await engine();
});

/** Made-up records: a ticket text and a made-up e-mail address in `contact`. */
const TICKETS = [
  { ticket_body: 'printer jams', contact: 'ann.lee@fernmail.org' },
  { ticket_body: 'refund', contact: 'raj.pal@fernmail.org' },
]
  .map((r) => JSON.stringify(r))
  .join('\n');

function sampleOf(text: string, format: 'jsonl' | 'csv' | 'tsv' = 'jsonl') {
  const s = new DatasetScanner(format);
  s.push(new TextEncoder().encode(text));
  return s.finish();
}

/** A pipeline whose stages write their outputs to the given locations (relative to `pipelines/`). */
function pipeline(outputs: { id: string; location: string }[]): SourceFile {
  return { path: 'pipelines/prep.yaml', text: prepPipeline(outputs) };
}

const governanceFile: SourceFile = { path: 'governance.yaml', text: TICKETS_GOVERNANCE };

describe('CG405 is decided with the lineage', () => {
  const check = (file: string, files: SourceFile[], withLineage = true) => {
    const gov = e.governance(governanceFile);
    const lineage = withLineage ? e.dataLineage([governanceFile, ...files], gov) : undefined;
    return e.analyzeDataset(file, sampleOf(TICKETS), gov.governance, DEFAULT_SETTINGS, TICKETS_GOVERNANCE, lineage)
      .findings;
  };
  const rules = (findings: readonly { ruleId: string; path: string }[]) =>
    findings.filter((f) => f.ruleId === 'CG404' || f.ruleId === 'CG405').map((f) => `${f.ruleId} ${f.path}`);

  it('a declared stage output at the file is no undeclared crown-jewel candidate; a stray file still is', () => {
    const files = [pipeline([{ id: 'clean-tickets', location: '../prepared/clean.jsonl' }])];
    assert.deepEqual(rules(check('prepared/clean.jsonl', files)), []);
    assert.deepEqual(rules(check('exports/dump.jsonl', files)), ['CG405 exports/dump.jsonl']);
    // Decided per file, as without the lineage, the stage output was reported.
    assert.deepEqual(rules(check('prepared/clean.jsonl', files, false)), ['CG405 prepared/clean.jsonl']);
  });

  it('a file inside a stage output folder is declared by it', () => {
    const files = [pipeline([{ id: 'clean-tickets', location: '../prepared/tickets' }])];
    assert.deepEqual(rules(check('prepared/tickets/2026-11.jsonl', files)), []);
    assert.deepEqual(rules(check('prepared/other.jsonl', files)), ['CG405 prepared/other.jsonl']);
  });

  it("a stage output written under an asset's id holds to that asset's fields (CG404, with the fix)", () => {
    const files = [pipeline([{ id: 'support-tickets', location: '../exports/tickets.jsonl' }])];
    const found = check('exports/tickets.jsonl', files).filter((f) => f.ruleId === 'CG404' || f.ruleId === 'CG405');
    assert.deepEqual(
      found.map((f) => [f.ruleId, f.path, f.message]),
      [
        [
          'CG404',
          'governance.yaml',
          'Asset `support-tickets` does not declare field `contact`, which holds email addresses in 2 of 2 records of exports/tickets.jsonl',
        ],
      ],
    );
    const fixed = applyEdits(TICKETS_GOVERNANCE, found[0].fixes[0].edits);
    assert.equal(fixed, TICKETS_GOVERNANCE.replace('      - ticket_body\n', '      - ticket_body\n      - contact\n'));
  });

  it('a JSON records file held as text is checked against the lineage too (engine.analyze)', () => {
    const records = JSON.stringify([{ prompt: 'hi', contact: 'lu.ng@fernmail.org' }]);
    const files: SourceFile[] = [
      governanceFile,
      pipeline([{ id: 'clean-tickets', location: '../prepared/clean.json' }]),
      { path: 'prepared/clean.json', text: records },
      { path: 'exports/dump.json', text: records },
    ];
    assert.deepEqual(rules(e.analyze(files).findings), ['CG405 exports/dump.json']);
  });
});

describe('folder outs: the data files inside are listed and their content is the node content', () => {
  let dir: string;
  let outside: string;
  const dvc: SourceFile = {
    path: 'dvc.yaml',
    text: [
      'stages:',
      '  prepare:',
      '    cmd: python src/prepare.py data/raw.xml',
      '    deps:',
      '      - data/raw.xml',
      '    outs:',
      '      - data/prepared',
      '  escape:',
      '    cmd: python src/escape.py',
      '    deps:',
      '      - data/prepared',
      '    outs:',
      '      - ../elsewhere',
      '      - data/link-out',
      '',
    ].join('\n'),
  };
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  };
  before(() => {
    const base = mkdtempSync(path.join(tmpdir(), 'crownguard-folder-outs-'));
    dir = path.join(base, 'repo');
    outside = path.join(base, 'elsewhere');
    mkdirSync(dir);
    mkdirSync(outside);
    writeFileSync(path.join(outside, 'secret.jsonl'), '{"ssn": "512-44-1234"}\n');
    write('data/prepared/train.tsv', 'id\ttext\tssn\n1\thow to sort\t512-44-1234\n2\tregex\t513-44-2345\n');
    write('data/prepared/test.jsonl', TICKETS + '\n');
    write('data/prepared/features.pkl', 'not data');
    write('data/prepared/.cache.jsonl', '{"ssn": "512-44-1234"}\n');
    write('data/prepared/by-month/2026/11/01/deep.jsonl', '{"ssn": "512-44-1234"}\n');
    write('data/prepared/by-month/2026/11.csv', 'id,email\n1,ann.lee@fernmail.org\n');
    // A link inside the folder that leads out of the workspace is never listed.
    symlinkSync(outside, path.join(dir, 'data', 'prepared', 'linked'));
    symlinkSync(outside, path.join(dir, 'data', 'link-out'));
  });
  after(() => rmSync(path.dirname(dir), { recursive: true, force: true }));

  it('lists data files inside, sorted, within the depth bound, confined, skipping hidden and non-data files', () => {
    const gov = e.governance(undefined);
    assert.deepEqual(e.lineageDataFiles([dvc], gov, folderLister(dir, dir)), [
      'data/prepared/by-month/2026/11.csv',
      'data/prepared/test.jsonl',
      'data/prepared/train.tsv',
    ]);
    // Without a lister nothing inside a folder is known: the core reads no folder itself.
    assert.deepEqual(e.lineageDataFiles([dvc], gov), []);
  });

  it('reads at most MAX_FOLDER_FILES files of one folder out', () => {
    for (let i = 0; i < MAX_FOLDER_FILES + 5; i++) write(`data/many/part-${String(i).padStart(4, '0')}.jsonl`, '{}\n');
    const many: SourceFile = {
      path: 'dvc.yaml',
      text: 'stages:\n  split:\n    cmd: split\n    outs:\n      - data/many\n',
    };
    const listed = e.lineageDataFiles([many], e.governance(undefined), folderLister(dir, dir));
    assert.equal(listed.length, MAX_FOLDER_FILES);
    assert.equal(listed[0], 'data/many/part-0000.jsonl');
    rmSync(path.join(dir, 'data', 'many'), { recursive: true });
  });

  it("attaches what the folder's files show to the out's node, which raises its tier", () => {
    const manifest: SourceFile = {
      path: 'governance.yaml',
      text: 'apiVersion: crownguard/v1\nkind: Governance\ntiers:\n  - id: internal\n  - id: restricted\n    crownJewel: true\n',
    };
    const gov = e.governance(manifest);
    const data = new Map<string, DataContent>();
    for (const f of e.lineageDataFiles([manifest, dvc], gov, folderLister(dir, dir))) {
      const format = f.endsWith('.tsv') ? 'tsv' : f.endsWith('.csv') ? 'csv' : 'jsonl';
      const text =
        f === 'data/prepared/train.tsv'
          ? 'id\ttext\tssn\n1\thow to sort\t512-44-1234\n2\tregex\t513-44-2345\n'
          : f.endsWith('.csv')
            ? 'id,email\n1,ann.lee@fernmail.org\n'
            : TICKETS;
      data.set(f, e.analyzeDataset(f, sampleOf(text, format), gov.governance).content!);
    }
    const graph = e.lineage([manifest, dvc], gov, data);
    assert.equal(graph.node('data/prepared')?.tier, 'restricted');
    const hop = graph.explain('data/prepared')[0];
    assert.equal(hop.reason, 'content');
    assert.equal(hop.content, '2 of 5 records hold US social security numbers (data/prepared, 3 files)');
    // The stage downstream of it carries the tier on.
    assert.equal(graph.node('dvc:escape')?.tier, 'restricted');
  });
});
