import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI, FIXTURES } from '../support/paths';

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('crownguard check: training data files', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'crownguard-data-cli-'));
    for (const d of ['data', 'out', 'output']) mkdirSync(path.join(dir, d));
    copyFileSync(path.join(FIXTURES, 'datasets', 'data', 'customers.jsonl'), path.join(dir, 'data', 'customers.jsonl'));
    copyFileSync(path.join(FIXTURES, 'datasets', 'data', 'tickets.csv'), path.join(dir, 'output', 'tickets.csv'));
    writeFileSync(path.join(dir, 'out', 'train.jsonl'), '{"prompt": "hi", "contact": "lu.ng@fernmail.org"}\n');
    // Build output is still not code to check: out/ is read for data files only.
    writeFileSync(path.join(dir, 'out', 'bundle.js'), 'console.log("key AKIAQ3EGUBHP7XKZ4N2W")\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reports each sensitive field once, with counts, in data/, output/ and out/', () => {
    const r = run(['check', '.', '--format', 'json'], dir);
    assert.equal(r.code, 1, r.stderr);
    const findings = (JSON.parse(r.stdout).findings as { ruleId: string; path: string; message: string }[]).map(
      (f) => `${f.path} ${f.ruleId} ${f.message}`,
    );
    assert.deepEqual(
      findings.sort(),
      [
        'data/customers.jsonl CG203 Training data field `email`: email addresses in 3 of 4 records',
        'data/customers.jsonl CG203 Training data field `messages[].content`: AWS access key IDs in 1 of 4 records',
        'data/customers.jsonl CG203 Training data field `note`: payment card numbers in 1 of 4 records',
        'data/customers.jsonl CG203 Training data field `profile.ssn`: US social security numbers in 2 of 4 records',
        'out/train.jsonl CG203 Training data field `contact`: email addresses in 1 of 1 records',
        'output/tickets.csv CG203 Training data field `customer_email`: email addresses in 2 of 3 records',
      ].sort(),
    );
  });

  it('carries no value into text or SARIF output', () => {
    for (const format of ['text', 'sarif']) {
      const r = run(['check', '.', '--format', format], dir);
      for (const v of ['ada.quill', '512-44-8712', '8712', '6467', 'AKIAQ3EGUBHP7XKZ4N2W', 'fernmail'])
        assert.ok(!r.stdout.includes(v) && !r.stderr.includes(v), `${format} output shows ${v}`);
    }
  });

  it('points at the field first occurrence: its key, its header cell', () => {
    const r = run(['check', '.'], dir);
    assert.match(r.stdout, /^data\/customers\.jsonl:1:32: warning CG203 /m);
    assert.match(r.stdout, /^output\/tickets\.csv:1:8: warning CG203 /m);
  });
});

describe('crownguard check: the data files a pipeline names', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'crownguard-redaction-cli-'));
    cpSync(path.join(FIXTURES, 'datasets', 'redaction'), dir, { recursive: true });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const findings = (r: { stdout: string }) =>
    (JSON.parse(r.stdout).findings as { ruleId: string; path: string; message: string }[]).map(
      (f) => `${f.path} ${f.ruleId} ${f.message}`,
    );

  it('reports a redaction claim its output file contradicts, with counts only (CG406)', () => {
    const r = run(['check', '.', '--format', 'json'], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(
      findings(r).filter((f) => f.includes(' CG406 ')),
      [
        'pipelines/support.pipeline.yaml CG406 Stage `redact-pii` claims to remove `ssn`; 3 of 10 records of prepared/clean.jsonl still hold US social security numbers',
      ],
    );
  });

  it('writes CG406 into SARIF, its rule described, no value anywhere', () => {
    const r = run(['check', '.', '--format', 'sarif'], dir);
    const sarif = JSON.parse(r.stdout);
    const run0 = sarif.runs[0];
    const result = run0.results.find((x: { ruleId: string }) => x.ruleId === 'CG406');
    assert.ok(result, r.stdout.slice(0, 2000));
    assert.equal(result.level, 'error');
    assert.equal(result.locations[0].physicalLocation.artifactLocation.uri, 'pipelines/support.pipeline.yaml');
    assert.equal(result.locations[0].physicalLocation.region.startLine, 12);
    assert.equal(result.relatedLocations[0].physicalLocation.artifactLocation.uri, 'prepared/clean.jsonl');
    assert.ok(
      run0.tool.driver.rules.some(
        (x: { id: string; name: string }) => x.id === 'CG406' && x.name === 'redaction-claim-not-met',
      ),
    );
    for (const v of ['431-22-7519', '7519', '512-44-8712', '523-61-0094', '0094', 'fernmail'])
      assert.ok(!r.stdout.includes(v), `SARIF shows ${v}`);
  });

  it('reads an output file in a folder the walk skips (build/), since the lineage names it', () => {
    const other = mkdtempSync(path.join(tmpdir(), 'crownguard-redaction-build-'));
    try {
      cpSync(dir, other, { recursive: true });
      mkdirSync(path.join(other, 'build'));
      renameSync(path.join(other, 'prepared', 'clean.jsonl'), path.join(other, 'build', 'clean.jsonl'));
      const pipeline = path.join(other, 'pipelines', 'support.pipeline.yaml');
      writeFileSync(
        pipeline,
        readFileSync(pipeline, 'utf8').replace('../prepared/clean.jsonl', '../build/clean.jsonl'),
      );
      const r = run(['check', '.', '--format', 'json'], other);
      assert.deepEqual(
        findings(r)
          .filter((f) => f.includes(' CG406 ') || f.startsWith('build/'))
          .sort(),
        [
          'build/clean.jsonl CG203 Training data field `email`: a field of asset `customer-profiles`; no value in the 10 records matched a detector',
          'build/clean.jsonl CG203 Training data field `name`: a field of asset `customer-profiles`; no value in the 10 records matched a detector',
          'build/clean.jsonl CG203 Training data field `notes`: US social security numbers in 3 of 10 records',
          // The pipeline declares the file as its stage output: no CG405.
          'pipelines/support.pipeline.yaml CG406 Stage `redact-pii` claims to remove `ssn`; 3 of 10 records of build/clean.jsonl still hold US social security numbers',
        ].sort(),
      );
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('never reads a location outside the workspace or fetches a URI', () => {
    const other = mkdtempSync(path.join(tmpdir(), 'crownguard-redaction-remote-'));
    const elsewhere = `${other}-elsewhere`;
    try {
      cpSync(dir, other, { recursive: true });
      // The same records, in a folder beside the workspace that a location climbs out to.
      mkdirSync(elsewhere);
      copyFileSync(path.join(other, 'prepared', 'clean.jsonl'), path.join(elsewhere, 'clean.jsonl'));
      rmSync(path.join(other, 'prepared'), { recursive: true });
      const pipeline = path.join(other, 'pipelines', 'support.pipeline.yaml');
      writeFileSync(
        pipeline,
        readFileSync(pipeline, 'utf8').replace(
          '        location: ../prepared/clean.jsonl\n',
          [
            '        location: http://127.0.0.1:9/clean.jsonl',
            '      - id: s3-copy',
            '        location: s3://acme-data/clean.jsonl',
            '      - id: outside-copy',
            `        location: ../../${path.basename(elsewhere)}/clean.jsonl`,
            '',
          ].join('\n'),
        ),
      );
      const r = run(['check', '.', '--format', 'json'], other);
      const all = findings(r);
      assert.deepEqual(
        all.filter((f) => f.includes(' CG406 ') || f.includes('elsewhere')),
        [],
      );
      assert.ok(!/127\.0\.0\.1|s3:\/\/|elsewhere/.test(JSON.stringify(JSON.parse(r.stdout).notes ?? [])));
    } finally {
      rmSync(other, { recursive: true, force: true });
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('explains the tier of the redacted output by what its file shows', () => {
    const r = run(['lineage', 'clean-customers', '--explain'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^clean-customers \(dataset, restricted; content: 3 of 10 records hold US social security numbers \(prepared\/clean\.jsonl\)\) pipelines\/support\.pipeline\.yaml:10$/m,
    );
  });
});
