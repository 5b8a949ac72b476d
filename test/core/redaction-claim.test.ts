import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import {
  DatasetScanner,
  DEFAULT_SETTINGS,
  summarizeProfile,
  summaryWords,
  type DataContent,
  type Engine,
  type SourceFile,
} from '../../server/src/core';
import { engine } from '../support/engine';
import { assertExpectations, parseSiblingExpectations } from '../support/expectations';
import { FIXTURES } from '../support/paths';

const DIR = path.join(FIXTURES, 'datasets', 'redaction');
const read = (p: string): SourceFile => ({ path: p, text: readFileSync(path.join(DIR, p), 'utf8') });

let e: Engine;
before(async () => {
  e = await engine();
});

/** A data file as the CLI reads it (sampled), and what it shows. */
function contentOf(p: string, text = read(p).text): DataContent {
  const s = new DatasetScanner('jsonl');
  s.push(new TextEncoder().encode(text));
  const gov = e.governance(read('governance.yaml')).governance;
  return e.analyzeDataset(p, s.finish(), gov, DEFAULT_SETTINGS).content!;
}

function pipelineWith(outputs: string, removes: string): SourceFile {
  const p = read('pipelines/support.pipeline.yaml');
  return {
    path: p.path,
    text: p.text
      .replace('    outputs:\n      - id: clean-customers\n        location: ../prepared/clean.jsonl\n', outputs)
      .replace('removes: [ssn, email]', `removes: ${removes}`),
  };
}

describe('a redaction stage checked against its output file (CG406)', () => {
  const files = () => [read('governance.yaml'), read('pipelines/support.pipeline.yaml')];

  it('reports a claimed removal that the output file contradicts, on the removes item, with counts only', () => {
    const data = new Map([['prepared/clean.jsonl', contentOf('prepared/clean.jsonl')]]);
    const r = e.analyze(files(), DEFAULT_SETTINGS, undefined, data);
    const found = r.findings.filter((f) => f.ruleId === 'CG406');
    assert.deepEqual(
      found.map((f) => [f.path, f.severity, f.message]),
      [
        [
          'pipelines/support.pipeline.yaml',
          'error',
          'Stage `redact-pii` claims to remove `ssn`; 3 of 10 records of prepared/clean.jsonl still hold US social security numbers',
        ],
      ],
    );
    const text = read('pipelines/support.pipeline.yaml').text;
    assert.equal(text.slice(found[0].span.offset, found[0].span.offset + found[0].span.length), 'ssn');
    // `email` is masked (`[REDACTED]`) in every record: that claim holds. The related location is the field.
    assert.deepEqual(
      found[0].related?.map((x) => [x.path, x.message]),
      [['prepared/clean.jsonl', 'field `notes` of the output file']],
    );
    for (const v of ['431-22-7519', '7519', '512-44-8712', '523-61-0094'])
      assert.ok(!JSON.stringify(found).includes(v), `the finding shows ${v}`);
  });

  it('says nothing when the file was not read, or holds what was removed no more', () => {
    assert.deepEqual(
      e.analyze(files(), DEFAULT_SETTINGS).findings.filter((f) => f.ruleId === 'CG406'),
      [],
    );
    const clean = read('prepared/clean.jsonl').text.replace(/SSN \d{3}-\d{2}-\d{4}|\d{3}-\d{2}-\d{4}/g, '[SSN]');
    const data = new Map([['prepared/clean.jsonl', contentOf('prepared/clean.jsonl', clean)]]);
    assert.deepEqual(
      e.analyze(files(), DEFAULT_SETTINGS, undefined, data).findings.filter((f) => f.ruleId === 'CG406'),
      [],
    );
  });

  it('checks a removed field no detector stands for by whether it is still filled', () => {
    const data = new Map([['prepared/clean.jsonl', contentOf('prepared/clean.jsonl')]]);
    const pipeline = pipelineWith(
      '    outputs:\n      - id: clean-customers\n        location: ../prepared/clean.jsonl\n',
      '[name]',
    );
    const r = e.analyze([read('governance.yaml'), pipeline], DEFAULT_SETTINGS, undefined, data);
    assert.deepEqual(
      r.findings.filter((f) => f.ruleId === 'CG406').map((f) => f.message),
      [
        'Stage `redact-pii` claims to remove `name`; 10 of 10 records of prepared/clean.jsonl still have a filled field `name`',
      ],
    );
  });
});

describe('the tier a derived file shows (content), whatever the stages claim', () => {
  const gov = () => e.governance(read('governance.yaml'));
  const files = () => [read('governance.yaml'), read('pipelines/support.pipeline.yaml')];

  it('raises a redacted output whose file holds SSNs to a crown-jewel tier, and explains why', () => {
    const before = e.lineage(files(), gov());
    assert.equal(before.node('clean-customers')?.tier, 'internal', 'the redacting stage lowers it');
    assert.equal(before.node('clean-customers')?.location, 'prepared/clean.jsonl');
    const data = new Map([['prepared/clean.jsonl', contentOf('prepared/clean.jsonl')]]);
    const graph = e.lineage(files(), gov(), data);
    assert.equal(graph.node('clean-customers')?.tier, 'restricted');
    assert.equal(graph.node('clean-customers')?.crownJewel, true);
    assert.equal(graph.node('support-model')?.tier, 'restricted');
    const hops = graph.explain('support-model');
    assert.deepEqual(
      hops.map((h) => [h.id, h.reason, h.content]),
      [
        ['support-model', 'output', undefined],
        ['support-data/finetune', 'input', undefined],
        ['clean-customers', 'content', '3 of 10 records hold US social security numbers (prepared/clean.jsonl)'],
      ],
    );
    // The policies of crown-jewel data now apply to the fine-tuning stage downstream.
    const r = e.analyze(files(), DEFAULT_SETTINGS, undefined, data);
    assert.ok(r.findings.some((f) => f.ruleId === 'CG401' && f.message.includes('finetune')));
  });

  it('lists the local data files the lineage names, never a URI', () => {
    const pipeline = pipelineWith(
      [
        '    outputs:',
        '      - id: clean-customers',
        '        location: ../prepared/clean.jsonl',
        '      - id: remote-copy',
        '        location: s3://acme-data/clean/part-0.jsonl',
        '      - id: web-copy',
        '        location: https://example.invalid/clean.jsonl',
        '',
      ].join('\n'),
      '[ssn]',
    );
    const config = {
      path: 'configs/axolotl.yaml',
      text: 'base_model: meta-llama/Llama-3.1-8B\nadapter: lora\ndatasets:\n  - path: prepared/clean.jsonl\n    type: alpaca\n  - path: data/extra.jsonl\n    type: alpaca\n',
    };
    const all = [read('governance.yaml'), pipeline, config];
    assert.deepEqual(e.lineageDataFiles(all, gov()), [
      'data/extra.jsonl',
      'prepared/clean.jsonl',
      'raw/customers.jsonl',
    ]);
    // A config that trains on the output's file is downstream of the output, not of a new node.
    const graph = e.lineage(all, gov());
    assert.deepEqual(
      graph
        .into('configs/axolotl.yaml')
        .filter((x) => x.relation === 'input')
        .map((x) => x.from)
        .sort(),
      ['clean-customers', 'data/extra.jsonl'],
    );
  });
});

describe('profile summary (counts per field, for hovers and the lineage graph)', () => {
  it('counts each field and kind, sensitive fields first, never a value', () => {
    const s = new DatasetScanner('jsonl');
    s.push(new TextEncoder().encode(read('prepared/clean.jsonl').text));
    const sample = s.finish();
    const summary = e.datasetSummary(sample, e.governance(read('governance.yaml')).governance);
    assert.equal(summaryWords(summary), '3 sensitive fields (10 records read)');
    assert.deepEqual(
      summary.fields.map((f) => [f.path, f.records, f.kinds.map((k) => `${k.kind} ${k.records}`), f.named]),
      [
        ['notes', 10, ['US social security number 3'], undefined],
        ['name', 10, [], 'customer-profiles'],
        ['email', 10, [], 'customer-profiles'],
        ['customer_id', 10, [], undefined],
      ],
    );
    assert.ok(!JSON.stringify(summary).includes('7519'));
    assert.equal(typeof summarizeProfile, 'function');
  });
});

describe('the output file of the fixture', () => {
  it('has the CG203 findings its sibling file expects', () => {
    const text = read('prepared/clean.jsonl').text;
    const s = new DatasetScanner('jsonl');
    s.push(new TextEncoder().encode(text));
    const r = e.analyzeDataset('prepared/clean.jsonl', s.finish(), e.governance(undefined).governance);
    const expected = parseSiblingExpectations(readFileSync(path.join(DIR, 'prepared', 'clean.jsonl.expect'), 'utf8'));
    assertExpectations('clean.jsonl', text, r.findings, expected);
  });
});
