import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileKindOf, isAnalysable, type SourceFile } from '../../server/src/core';
import { DVC_SCHEMA_RULE } from '../../server/src/core/formats/dvc-file';
import { loadConfig } from '../../server/src/core/formats/load';
import { manifestSchema } from '../../server/src/core/rules/manifest-schema';
import { configFormatOf } from '../../server/src/core/formats/recognise';
import { folderLister } from '../../server/src/host/lineage-data';
import { discover } from '../../server/src/host/discover';
import { DEFAULT_SETTINGS } from '../../server/src/core/types';
import { assertExpectations } from '../support/expectations';
import { DVC_WORKSPACE } from '../support/dvc-workspace';
import { engine } from '../support/engine';

const lines = (...l: string[]) => l.join('\n') + '\n';

/** An import as `dvc import` writes it (example-get-started's data/data.xml.dvc has this shape). */
const IMPORT = DVC_WORKSPACE['data/customers.csv.dvc'];

const tracked = (p: string, text: string) => {
  const c = loadConfig({ path: p, text }, 'dvc');
  assert.ok(c.format === 'dvc');
  return { tracked: c.tracked, findings: c.findings };
};

describe('.dvc files are recognised by name, never inside the .dvc folder', () => {
  it('a `*.dvc` file is a DVC format file; `.dvc/` and a file named `.dvc` are not', () => {
    assert.equal(configFormatOf('data/customers.csv.dvc', IMPORT), 'dvc');
    assert.deepEqual(fileKindOf('data/customers.csv.dvc', IMPORT), { kind: 'format', format: 'dvc' });
    assert.equal(isAnalysable('data/images.dvc'), true);
    assert.equal(configFormatOf('.dvc/config.dvc', IMPORT), undefined);
    assert.equal(configFormatOf('sub/.dvc/tmp/x.dvc', IMPORT), undefined);
    assert.equal(configFormatOf('data/.dvc', IMPORT), undefined);
  });

  describe('discovery', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'crownguard-dvc-discover-'));
      mkdirSync(path.join(dir, '.dvc', 'cache'), { recursive: true });
      mkdirSync(path.join(dir, 'data'));
      writeFileSync(path.join(dir, '.dvc', 'config'), '[core]\n    remote = storage\n');
      writeFileSync(path.join(dir, '.dvc', 'cache', 'settings.yaml'), 'a: 1\n');
      writeFileSync(path.join(dir, 'data', 'customers.csv.dvc'), IMPORT);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('lists `*.dvc` files and passes over DVC\u2019s own folder', () => {
      const d = discover([dir], DEFAULT_SETTINGS);
      assert.deepEqual(
        d.files.map((f) => path.relative(dir, f).split(path.sep).join('/')),
        ['data/customers.csv.dvc'],
      );
      assert.equal(d.skipped.get('dependency or build folders'), 1);
    });
  });
});

describe('.dvc files are read as DVC 3 writes them', () => {
  it('dvc import: the repository, its path and the pinned commit; the out relative to the file', () => {
    const { tracked: t, findings } = tracked('data/customers.csv.dvc', IMPORT);
    assert.deepEqual(findings, []);
    assert.ok(t);
    assert.equal(t.how, 'import');
    assert.equal(t.frozen, true);
    assert.deepEqual(
      t.deps.map((d) => [d.value, d.repo]),
      [
        [
          'raw/customers.csv',
          {
            url: 'https://github.com/acme/data-registry',
            rev: undefined,
            revLock: '0123456789abcdef0123456789abcdef01234567',
          },
        ],
      ],
    );
    assert.deepEqual(
      t.outs.map((o) => [o.path, o.folder, o.hash, o.cache, o.push]),
      [['data/customers.csv', false, 'md5', true, true]],
    );
    // The span is the out's path value, exactly.
    const o = t.outs[0];
    assert.equal(IMPORT.slice(o.span.offset, o.span.offset + o.span.length), 'customers.csv');
  });

  it('dvc add of a folder, DVC 2 style: `.dir` md5, nfiles, no `hash` (md5-dos2unix), cache and push options', () => {
    const text = lines(
      'outs:',
      '- md5: b6923e1e4ad16ea1a7e2b328842d56a2.dir',
      '  size: 2048',
      '  nfiles: 2',
      '  path: corpus',
      '  push: false',
      '  remote: private-store',
      '- path: notes.jsonl',
      '  cache: false',
      '  etag: 6b0b3f3b',
    );
    const { tracked: t, findings } = tracked('data/corpus.dvc', text);
    assert.deepEqual(findings, []);
    assert.equal(t?.how, 'add');
    assert.equal(t?.frozen, false);
    assert.deepEqual(
      t?.outs.map((o) => ({
        path: o.path,
        folder: o.folder,
        nfiles: o.nfiles,
        hash: o.hash,
        cache: o.cache,
        push: o.push,
        remote: o.remote,
      })),
      [
        {
          path: 'data/corpus',
          folder: true,
          nfiles: 2,
          hash: 'md5-dos2unix',
          cache: true,
          push: false,
          remote: 'private-store',
        },
        {
          path: 'data/notes.jsonl',
          folder: false,
          nfiles: undefined,
          hash: 'etag',
          cache: false,
          push: true,
          remote: undefined,
        },
      ],
    );
  });

  it('wdir moves the folder paths are relative to; import-url names its URL', () => {
    const text = lines(
      'wdir: ../raw',
      'deps:',
      '- path: s3://acme-exports/crm/2026-11.csv',
      '  etag: 9e107d9d372bb6826bd81d3542a419d6',
      'outs:',
      '- md5: 9e107d9d372bb6826bd81d3542a419d6',
      '  hash: md5',
      '  path: crm/2026-11.csv',
    );
    const { tracked: t, findings } = tracked('pipelines/imports/crm.dvc', text);
    assert.deepEqual(findings, []);
    assert.equal(t?.how, 'import-url');
    assert.equal(t?.wdir, 'pipelines/raw');
    assert.deepEqual(
      t?.outs.map((o) => o.path),
      ['pipelines/raw/crm/2026-11.csv'],
    );
    assert.deepEqual(
      t?.deps.map((d) => [d.value, d.external]),
      [['s3://acme-exports/crm/2026-11.csv', true]],
    );
  });

  it('malformed files: a warning at the node, nothing read outside the workspace', () => {
    const cases: [string, string][] = [
      ['data/a.dvc', lines('outs: data.csv', '#     ^^^^^^^^ CG002 warning: `outs` is a list')],
      [
        'data/b.dvc',
        lines(
          'outs:',
          '- md5: 22a1a2931c8370d3aeedd7183606fd7f',
          '# ^^^ CG002 warning: has no `path`',
          '- path: 42',
          '#       ^^ CG002 warning: (text)',
          '- path: ../../outside.jsonl',
          '#       ^^^^^^^^^^^^^^^^^^^ CG002 warning: outside the workspace',
          '- path: /etc/passwd',
          '#       ^^^^^^^^^^^ CG002 warning: outside the workspace',
          '- path: ../inside.jsonl',
          'deps:',
          '- path: x.csv',
          '  repo: {rev: main}',
          '#       ^^^^^^^^^^^ CG002 warning: `url`',
        ),
      ],
      [
        'data/c.dvc',
        lines('wdir: ../../..', '#     ^^^^^^^^ CG002 warning: outside the workspace', 'outs:', '- path: x.csv'),
      ],
      ['data/d.dvc', lines('  - path: x.csv', '# ^^^^^^^^^^^^^ CG002 warning: is a mapping')],
    ];
    for (const [p, text] of cases) {
      const { tracked: t, findings } = tracked(p, text);
      assertExpectations(p, text, findings);
      // Only the out that stays inside is kept.
      if (p === 'data/b.dvc')
        assert.deepEqual(
          t?.outs.map((o) => o.path),
          ['inside.jsonl'],
        );
      if (p === 'data/c.dvc')
        assert.deepEqual(
          t?.outs.map((o) => o.path),
          ['data/x.csv'],
        );
    }
  });

  it('bad YAML is the syntax rule\u2019s finding, at its place', () => {
    const text = lines('outs:', '- path: [a.csv', '  md5: 1');
    const { tracked: t, findings } = tracked('data/e.dvc', text);
    assert.equal(t, undefined);
    assert.deepEqual(
      findings.map((f) => f.ruleId),
      ['CG001'],
    );
  });

  it('a malformed .dvc file is reported under the manifest-schema rule', () => {
    assert.equal(DVC_SCHEMA_RULE, manifestSchema.id);
  });

  it('the findings reach a check of the workspace', async () => {
    const e = await engine();
    const text = lines('outs:', '- path: ../../outside.jsonl');
    const findings = e.analyze([{ path: 'data/f.dvc', text }]).findings.filter((f) => f.path === 'data/f.dvc');
    assert.deepEqual(
      findings.map((f) => [f.ruleId, f.severity, text.slice(f.span.offset, f.span.offset + f.span.length)]),
      [['CG002', 'warning', '../../outside.jsonl']],
    );
  });
});

describe('.dvc files in the lineage', () => {
  const governance: SourceFile = {
    path: 'governance.yaml',
    text: lines(
      'apiVersion: crownguard/v1',
      'kind: Governance',
      'tiers:',
      '  - id: restricted',
      '    crownJewel: true',
      'assets:',
      '  - id: support-tickets',
      '    tier: restricted',
      '    locations:',
      '      - data/tickets/*.jsonl',
    ),
  };
  const dvcYaml: SourceFile = {
    path: 'dvc.yaml',
    text: lines(
      'stages:',
      '  prepare:',
      '    cmd: python prepare.py',
      '    deps:',
      '      - prepare.py',
      '      - data/customers.csv',
      '      - data/tickets/march.jsonl',
      '    outs:',
      '      - data/prepared',
    ),
  };
  const files: SourceFile[] = [
    governance,
    dvcYaml,
    { path: 'data/customers.csv.dvc', text: IMPORT },
    {
      path: 'data/tickets/march.jsonl.dvc',
      text: lines('outs:', '- md5: 0cc175b9c0f1b6a831c399e269772661', '  hash: md5', '  path: march.jsonl'),
    },
    {
      path: 'data/corpus.dvc',
      text: lines('outs:', '- md5: b6923e1e4ad16ea1a7e2b328842d56a2.dir', '  nfiles: 2', '  path: corpus'),
    },
  ];

  it('an import: source (repository, path, commit) -> the .dvc entry -> the out, which a dvc.yaml stage reads', async () => {
    const e = await engine();
    const graph = e.lineage(files, e.governance(governance));
    const source = 'https://github.com/acme/data-registry#raw/customers.csv@0123456789ab';
    assert.equal(graph.node(source)?.kind, 'dataset');
    assert.equal(graph.node(source)?.detail, 'dvc import source, pinned at 0123456789abcdef0123456789abcdef01234567');
    assert.equal(graph.node('dvc:data/customers.csv.dvc')?.detail, 'dvc import, frozen');
    assert.ok(graph.outOf(source).some((x) => x.to === 'dvc:data/customers.csv.dvc' && x.relation === 'input'));
    assert.ok(
      graph.outOf('dvc:data/customers.csv.dvc').some((x) => x.to === 'data/customers.csv' && x.relation === 'output'),
    );
    assert.ok(graph.outOf('data/customers.csv').some((x) => x.to === 'dvc:prepare' && x.relation === 'input'));
  });

  // DVC 3 lets an out carry annotations (`desc`, `type`, `labels`, `meta`); `type: model` is how a
  // `dvc add`ed model folder says it is one (a folder named `models` says nothing by itself).
  it('dvc add with `type: model`: the out is a model node the .dvc entry produces', async () => {
    const e = await engine();
    const model: SourceFile = {
      path: 'models.dvc',
      text: lines(
        'outs:',
        '- md5: 2934bbf386b47a5cfc12064dd46a465f.dir',
        '  nfiles: 4',
        '  path: models',
        '  type: model',
      ),
    };
    const graph = e.lineage([...files, model], e.governance(governance));
    assert.equal(graph.node('models')?.kind, 'model');
    assert.equal(graph.node('models')?.path, 'models.dvc');
    assert.ok(graph.outOf('dvc:models.dvc').some((x) => x.to === 'models' && x.relation === 'output'));
    assert.equal(graph.node('data/corpus')?.kind, 'dataset');
  });

  it('dvc add: an out an asset\u2019s locations match is the asset, and its tier flows on', async () => {
    const e = await engine();
    const graph = e.lineage(files, e.governance(governance));
    assert.equal(graph.node('dvc:data/tickets/march.jsonl.dvc')?.detail, 'dvc add');
    assert.ok(graph.outOf('dvc:data/tickets/march.jsonl.dvc').some((x) => x.to === 'support-tickets'));
    assert.equal(graph.node('dvc:prepare')?.tier, 'restricted');
    assert.equal(graph.node('data/prepared')?.tier, 'restricted');
  });

  describe('data files', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'crownguard-dvc-lineage-'));
      mkdirSync(path.join(dir, 'data', 'corpus'), { recursive: true });
      mkdirSync(path.join(dir, 'data', 'tickets'), { recursive: true });
      writeFileSync(path.join(dir, 'data', 'corpus', 'part-0.jsonl'), '{"text": "hello"}\n');
      writeFileSync(path.join(dir, 'data', 'corpus', 'part-1.jsonl'), '{"text": "world"}\n');
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('what .dvc files track is read: the out\u2019s file, a folder out\u2019s files, a file the asset\u2019s glob covers', async () => {
      const e = await engine();
      assert.deepEqual(e.lineageDataFiles(files, e.governance(governance), folderLister(dir, dir)), [
        'data/corpus/part-0.jsonl',
        'data/corpus/part-1.jsonl',
        'data/customers.csv',
        'data/tickets/march.jsonl',
      ]);
    });
  });
});
