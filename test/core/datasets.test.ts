import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import {
  applyEdits,
  DatasetScanner,
  DEFAULT_BOUNDS,
  DEFAULT_SETTINGS,
  datasetFormatOf,
  type Engine,
  type Governance,
  type SampleBounds,
} from '../../server/src/core';
import { readDataset } from '../../server/src/host/datasets';
import { TICKETS_GOVERNANCE } from '../support/data-files';
import { engine } from '../support/engine';
import { assertExpectations, parseSiblingExpectations } from '../support/expectations';
import { FIXTURES } from '../support/paths';

const DATA = path.join(FIXTURES, 'datasets', 'data');

let e: Engine;
let governance: Governance;
before(async () => {
  e = await engine();
  governance = e.governance(undefined).governance;
});

/** The data fixtures (each with its expectations in a sibling `.expect` file), by name. */
const fixtures = readdirSync(DATA).filter((n) => !n.endsWith('.expect'));

describe('training data files: findings per field (CG203)', () => {
  for (const name of fixtures) {
    const text = readFileSync(path.join(DATA, name), 'utf8');
    const expected = parseSiblingExpectations(readFileSync(path.join(DATA, `${name}.expect`), 'utf8'));
    it(`${name}, from its text (an open document)`, () => {
      const r = e.analyzeFile({ path: `data/${name}`, text }, governance, DEFAULT_SETTINGS);
      assertExpectations(name, text, r.findings, expected);
    });
    it(`${name}, streamed from disk in chunks (the CLI and the workspace scan)`, async () => {
      const format = datasetFormatOf(name)?.format ?? 'json';
      const read = await readDataset(path.join(DATA, name), format);
      assert.ok(read.ok);
      const r = e.analyzeDataset(`data/${name}`, read.sample, governance);
      assertExpectations(name, text, r.findings, expected);
    });
  }

  it('never carries a value in a message, masked or not', () => {
    const text = readFileSync(path.join(DATA, 'customers.jsonl'), 'utf8');
    const r = e.analyzeFile({ path: 'data/customers.jsonl', text }, governance);
    const shown = JSON.stringify(r);
    for (const v of ['ada.quill', '512-44-8712', '8712', '4539', '6467', 'AKIAQ3EGUBHP7XKZ4N2W', 'fernmail'])
      assert.ok(!shown.includes(v), `result shows ${v}`);
  });

  it('gives a finding a fingerprint that does not change with the data', () => {
    const one = '{"email": "ada.quill@fernmail.org", "x": 1}\n';
    const two = '{"email": "bo.tandy@fernmail.org", "x": 2}\n';
    const a = e.analyzeFile({ path: 'data/a.jsonl', text: one }, governance).findings;
    const b = e.analyzeFile({ path: 'data/a.jsonl', text: two }, governance).findings;
    assert.equal(a.length, 1);
    assert.equal(a[0].fingerprint, b[0].fingerprint);
  });

  it('reports a field named as personal data even when no value matches a detector, as a note', () => {
    const text = '{"ssn": "redacted", "prompt": "hi"}\n{"ssn": "", "prompt": "there"}\n';
    const r = e.analyzeFile({ path: 'data/named.jsonl', text }, governance);
    assert.deepEqual(
      r.findings.map((f) => [f.severity, f.message]),
      [
        [
          'note',
          'Training data field `ssn`: named as government-id data; no value in the 2 records matched a detector',
        ],
      ],
    );
  });

  it('takes addresses at the reserved example domains, under any suffix or subdomain, as stand-ins', () => {
    const text = ['t@subdomain.example.com', 'ann@example.co.uk', 'jo@example-domain.com']
      .map((a) => JSON.stringify({ answer: `valid: ${a}` }))
      .join('\n');
    assert.deepEqual(e.analyzeFile({ path: 'data/answers.jsonl', text }, governance).findings, []);
  });

  it('reads CSV without a header row as numbered columns, and sniffs a semicolon delimiter', () => {
    const text = 'ann.lee@fernmail.org;12\nraj.pal@fernmail.org;13\n';
    const r = e.analyzeFile({ path: 'data/contacts.csv', text }, governance);
    assert.deepEqual(
      r.findings.map((f) => f.message),
      ['Training data field `column 1`: email addresses in 2 of 2 records'],
    );
  });
});

/** JSON Lines text of `n` records, one in ten with an e-mail address. */
function lines(n: number): string {
  let out = '';
  for (let i = 0; i < n; i++)
    out += JSON.stringify({ id: i, text: i % 10 === 0 ? `write to user${i}@fernmail.org` : `plain text ${i}` }) + '\n';
  return out;
}

function scan(text: string, format: 'jsonl' | 'csv' | 'json', bounds: SampleBounds, chunk: number) {
  const bytes = new TextEncoder().encode(text);
  const s = new DatasetScanner(format, bounds);
  let complete = true;
  for (let at = 0; at < bytes.length; at += chunk)
    if (!s.push(bytes.slice(at, at + chunk))) {
      complete = false;
      break;
    }
  return s.finish(bytes.length, complete);
}

describe('sampling: head, seeded reservoir, bounds', () => {
  const bounds: SampleBounds = { ...DEFAULT_BOUNDS, head: 10, sample: 50, maxBytes: 200_000 };

  it('stops at the byte bound, says so, and estimates the record count from the bytes read', () => {
    const text = lines(20_000);
    const s = scan(text, 'jsonl', bounds, 4096);
    assert.equal(s.bound, 'bytes');
    assert.equal(s.exact, false);
    assert.equal(s.records.length, 60);
    assert.ok(Math.abs(s.total - 20_000) < 1_000, `estimate ${s.total}`);
    const r = e.analyzeDataset('data/big.jsonl', s, governance);
    assert.match(r.findings[0].message, /email addresses in \d+ of 60 sampled records of ~2\dk/);
    assert.ok(r.notes.some((n) => /byte bound was reached/.test(n.message)));
  });

  it('keeps the same sample whatever the chunk size, and the same on every run (seeded)', () => {
    const text = lines(3_000);
    const whole = scan(text, 'jsonl', { ...bounds, maxBytes: Infinity }, text.length);
    const small = scan(text, 'jsonl', { ...bounds, maxBytes: Infinity }, 777);
    const again = scan(text, 'jsonl', { ...bounds, maxBytes: Infinity }, 1);
    const ids = (s: typeof whole) => s.records.map((r) => r.value?.id);
    assert.deepEqual(ids(small), ids(whole));
    assert.deepEqual(ids(again), ids(whole));
    assert.equal(whole.seen, 3_000);
    assert.equal(whole.exact, true);
    // Past the head the sample is spread over the whole file, not its start.
    assert.ok(whole.records.some((r) => r.index > 2_000));
  });

  it('splits CSV records at newlines outside quotes only, across chunk boundaries', () => {
    let text = 'id,comment\n';
    for (let i = 0; i < 500; i++) text += `${i},"line one\nline two, ""quoted"""\n`;
    const s = scan(text, 'csv', { ...bounds, maxBytes: Infinity }, 7);
    assert.equal(s.seen, 500);
    assert.ok(s.records.every((r) => r.value?.comment === 'line one\nline two, "quoted"'));
  });

  it('splits the elements of a JSON array past its head', () => {
    const items = Array.from({ length: 400 }, (_, i) => JSON.stringify({ id: i, t: `a]b}${i}` }));
    const text = `[\n${items.join(',\n')}\n]\n`;
    const s = scan(text, 'json', { ...bounds, maxBytes: Infinity, maxHeadBytes: 2000 }, 333);
    assert.equal(s.seen, 400);
    assert.ok(s.records.every((r) => typeof r.value?.id === 'number'));
  });

  it('counts a record over the size bound without reading it', () => {
    const text = lines(20) + JSON.stringify({ big: 'x'.repeat(5000) }) + '\n' + lines(5);
    const s = scan(text, 'jsonl', { ...bounds, head: 2, maxRecordBytes: 1000, maxBytes: Infinity }, 100);
    assert.equal(s.oversized, 1);
    assert.equal(s.seen, 26);
  });
});

describe('compressed and columnar data files, read by the host', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'crownguard-data-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const expected = ['email', 'messages[].content', 'note', 'profile.ssn'];
  const fields = (messages: string[]) => messages.map((m) => /field `([^`]+)`/.exec(m)![1]).sort();

  it('streams a .jsonl.gz file through gzip', async () => {
    const file = path.join(dir, 'customers.jsonl.gz');
    writeFileSync(file, gzipSync(readFileSync(path.join(DATA, 'customers.jsonl'))));
    const read = await readDataset(file);
    assert.ok(read.ok);
    assert.deepEqual(
      fields(e.analyzeDataset('c.jsonl.gz', read.sample, governance).findings.map((f) => f.message)),
      expected,
    );
  });

  it('streams a .jsonl.zst file through zstd', async () => {
    const read = await readDataset(path.join(FIXTURES, 'datasets', 'compressed', 'customers.jsonl.zst'));
    assert.ok(read.ok);
    assert.deepEqual(
      fields(e.analyzeDataset('c.jsonl.zst', read.sample, governance).findings.map((f) => f.message)),
      expected,
    );
  });

  it('reads a Parquet file by byte ranges, its columns as fields', async () => {
    const { parquetWriteBuffer } = await import('hyparquet-writer');
    const n = 5_000;
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'id', data: Array.from({ length: n }, (_, i) => i), type: 'INT32' },
        { name: 'contact', data: Array.from({ length: n }, (_, i) => `user${i}@fernmail.org`), type: 'STRING' },
        { name: 'text', data: Array.from({ length: n }, (_, i) => `plain ${i}`), type: 'STRING' },
      ],
      rowGroupSize: 1000,
    });
    const file = path.join(dir, 'contacts.parquet');
    writeFileSync(file, Buffer.from(buffer));
    const read = await readDataset(file);
    assert.ok(read.ok);
    assert.equal(read.sample.total, n);
    assert.ok(read.sample.records.length > 100 && read.sample.records.length <= 1000);
    const r = e.analyzeDataset('contacts.parquet', read.sample, governance);
    assert.deepEqual(
      r.findings.map((f) => f.message),
      [
        `Training data field \`contact\`: email addresses in ${read.sample.records.length.toLocaleString('en-US')} of ${read.sample.records.length.toLocaleString('en-US')} sampled records of 5,000`,
      ],
    );
  });
});

describe('training data files against the governance manifest (CG404, CG405)', () => {
  const manifest = TICKETS_GOVERNANCE;
  const records = [
    { ticket_body: 'printer jams', contact: 'ann.lee@fernmail.org' },
    { ticket_body: 'refund', contact: 'raj.pal@fernmail.org' },
  ]
    .map((r) => JSON.stringify(r))
    .join('\n');
  const analyse = (path: string) => {
    const gov = e.governance({ path: 'governance.yaml', text: manifest });
    const s = new DatasetScanner('jsonl');
    s.push(new TextEncoder().encode(records));
    return e.analyzeDataset(path, s.finish(), gov.governance, DEFAULT_SETTINGS, manifest);
  };

  it('reports a sensitive field the asset does not declare, on the asset, with the fix that declares it', () => {
    const r = analyse('data/tickets/march.jsonl');
    const found = r.findings.filter((f) => f.ruleId === 'CG404');
    assert.deepEqual(
      found.map((f) => [f.path, f.severity, f.message]),
      [
        [
          'governance.yaml',
          'warning',
          'Asset `support-tickets` does not declare field `contact`, which holds email addresses in 2 of 2 records of data/tickets/march.jsonl',
        ],
      ],
    );
    assert.equal(manifest.slice(found[0].span.offset, found[0].span.offset + found[0].span.length), 'support-tickets');
    const after = applyEdits(manifest, found[0].fixes[0].edits);
    assert.equal(after, manifest.replace('      - ticket_body\n', '      - ticket_body\n      - contact\n'));
    // After the fix the field is declared: no finding is left.
    const gov = e.governance({ path: 'governance.yaml', text: after });
    const s = new DatasetScanner('jsonl');
    s.push(new TextEncoder().encode(records));
    const again = e.analyzeDataset('data/tickets/march.jsonl', s.finish(), gov.governance, DEFAULT_SETTINGS, after);
    assert.deepEqual(
      again.findings.filter((f) => f.ruleId === 'CG404'),
      [],
    );
  });

  it('reports a data file with sensitive fields that no asset covers, when a manifest exists', () => {
    const r = analyse('exports/dump.jsonl');
    assert.deepEqual(
      r.findings.filter((f) => f.ruleId === 'CG405').map((f) => [f.path, f.message]),
      [
        [
          'exports/dump.jsonl',
          'Data file with sensitive fields (`contact`) that no asset of the governance manifest declares in its locations',
        ],
      ],
    );
    // Without a manifest there is nothing to check against.
    const s = new DatasetScanner('jsonl');
    s.push(new TextEncoder().encode(records));
    const bare = e.analyzeDataset('exports/dump.jsonl', s.finish(), governance);
    assert.deepEqual(
      bare.findings.filter((f) => f.ruleId === 'CG405' || f.ruleId === 'CG404'),
      [],
    );
  });
});
