import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { JSDOM } from 'jsdom';
import { CLI, EXAMPLES, FIXTURES, REPO } from '../support/paths';

// dotparser has no type declarations: it returns the DOT syntax tree, or throws on a syntax error.
const parseDot = require('dotparser') as (text: string) => { type: string; children: { type: string }[] }[];

function lineage(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, 'lineage', ...args], { cwd: REPO, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const FORMATS = path.join(FIXTURES, 'workspace-formats');

describe('crownguard lineage', () => {
  it('json: every node with kind, declared and propagated tier, file and line; every edge', () => {
    const r = lineage(['--root', FORMATS, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const g = JSON.parse(r.stdout) as {
      nodes: { id: string; kind: string; declaredTier?: string; tier?: string; file: string; line: number }[];
      edges: { from: string; to: string; relation: string }[];
    };
    const byId = new Map(g.nodes.map((n) => [n.id, n]));
    assert.deepEqual(byId.get('support-chats'), {
      id: 'support-chats',
      kind: 'asset',
      declaredTier: 'restricted',
      tier: 'restricted',
      crownJewel: true,
      file: 'governance.yaml',
      line: 11,
    });
    // Three files away from the asset: governance.yaml -> dvc.yaml -> configs/axolotl-full.yaml.
    assert.equal(byId.get('hf://acme/support-full')?.tier, 'restricted');
    assert.equal(byId.get('hf://acme/support-full')?.file, 'configs/axolotl-full.yaml');
    assert.ok(
      g.edges.some((e) => e.from === 'dvc:prepare' && e.to === 'data/prepared/train.jsonl' && e.relation === 'output'),
    );
  });

  it('an id with --upstream and --depth, and --explain with file and line per hop', () => {
    const up = lineage(['hf://acme/support-full', '--upstream', '--depth', '1', '--root', FORMATS, '--format', 'json']);
    const ids = (JSON.parse(up.stdout) as { nodes: { id: string }[] }).nodes.map((n) => n.id);
    assert.deepEqual(ids, [
      'configs/axolotl-full.yaml',
      'hf://acme/support-chats-sft',
      'hf://acme/support-full',
      'hf://meta-llama/Llama-3.1-8B-Instruct',
    ]);
    const why = lineage(['hf://acme/support-full', '--explain', '--root', FORMATS]);
    assert.equal(why.code, 0, why.stderr);
    assert.match(
      why.stdout,
      /^hf:\/\/acme\/support-full \(hub-repo, restricted; pushes\) configs\/axolotl-full\.yaml:10$/m,
    );
    assert.match(why.stdout, /<- support-chats \(asset, restricted; declared\) governance\.yaml:11$/m);
  });

  it('--explain lists every source, which decides the tier, and which a redacting stage lowered', () => {
    const why = lineage(['support-bot-lora@1.2.0', '--explain', '--root', 'examples']);
    assert.equal(why.code, 0, why.stderr);
    assert.match(
      why.stdout,
      /^ +<- sft-train \(dataset, confidential; redacted by support-bot\/redact-pii\) pipelines\/support-bot\.pipeline\.yaml:14$/m,
    );
    assert.match(
      why.stdout,
      /\nsources:\n  support-tickets \(asset, confidential; decides the tier\) governance\.yaml:30\n  customer-profiles \(asset, restricted, lowered to confidential by support-bot\/redact-pii\) governance\.yaml:18\n$/,
    );
    const json = JSON.parse(
      lineage(['support-bot-lora@1.2.0', '--explain', '--root', 'examples', '--format', 'json']).stdout,
    );
    assert.deepEqual(
      json.sources.map((s: { id: string; decides: boolean; redactedBy?: string }) => [
        s.id,
        s.decides,
        s.redactedBy ?? null,
      ]),
      [
        ['support-tickets', true, null],
        ['customer-profiles', false, 'support-bot/redact-pii'],
      ],
    );
  });

  it('a placeholder is an unknown dataset or model, never a local path or hub id named after it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'crownguard-placeholders-'));
    try {
      mkdirSync(path.join(dir, 'configs'));
      writeFileSync(path.join(dir, 'governance.yaml'), 'apiVersion: crownguard/v1\nkind: Governance\nassets: []\n');
      writeFileSync(
        path.join(dir, 'configs', 'x.yaml'),
        [
          'base_model: ${BASE_MODEL}',
          'adapter: lora',
          'datasets:',
          '  - path: ${DATASET}',
          '    type: alpaca',
          '  - path: <your-hf-dataset-id>',
          '    type: alpaca',
          'hub_model_id: "{{ env.HUB_REPO }}"',
          'output_dir: ${ADAPTER}',
          '',
        ].join('\n'),
      );
      writeFileSync(
        path.join(dir, 'dvc.yaml'),
        'stages:\n  prepare:\n    cmd: python prepare.py\n    deps:\n      - ${raw_dir}\n    outs:\n      - data/prepared\n',
      );
      const r = lineage(['--root', dir, '--format', 'json']);
      assert.equal(r.code, 0, r.stderr);
      const g = JSON.parse(r.stdout) as {
        nodes: { id: string; kind: string; detail?: string }[];
        edges: { from: string; to: string; relation: string }[];
      };
      const unknown = g.nodes.filter((n) => n.id.startsWith('unknown '));
      assert.deepEqual(
        unknown.map((n) => [n.id, n.kind, n.detail]).sort(),
        [
          ['unknown ${ADAPTER} (placeholder in configs/x.yaml)', 'model'],
          ['unknown ${BASE_MODEL} (placeholder in configs/x.yaml)', 'model'],
          ['unknown ${DATASET} (placeholder in configs/x.yaml)', 'dataset'],
          ['unknown ${raw_dir} (placeholder in dvc.yaml)', 'dataset'],
          ['unknown <your-hf-dataset-id> (placeholder in configs/x.yaml)', 'dataset'],
        ]
          .map(([id, kind]) => [id, kind, 'placeholder: an unknown value until it is filled in'])
          .concat([
            [
              'unknown {{ env.HUB_REPO }} (placeholder in configs/x.yaml)',
              'hub-repo',
              'placeholder: a private model repository whose name is unknown until it is filled in',
            ],
          ]),
      );
      // Each stands where its value is used, and nothing else is named after a placeholder.
      const edge = (from: string, to: string, relation: string) =>
        g.edges.some((e) => e.from === from && e.to === to && e.relation === relation);
      assert.ok(edge('unknown ${DATASET} (placeholder in configs/x.yaml)', 'configs/x.yaml', 'input'));
      assert.ok(edge('unknown ${BASE_MODEL} (placeholder in configs/x.yaml)', 'configs/x.yaml', 'base-model'));
      assert.ok(edge('configs/x.yaml', 'unknown ${ADAPTER} (placeholder in configs/x.yaml)', 'output'));
      assert.ok(edge('configs/x.yaml', 'unknown {{ env.HUB_REPO }} (placeholder in configs/x.yaml)', 'pushes'));
      assert.ok(edge('unknown ${raw_dir} (placeholder in dvc.yaml)', 'dvc:prepare', 'input'));
      assert.deepEqual(
        g.nodes.filter((n) => !n.id.startsWith('unknown ') && /\$\{|<your|\{\{/.test(n.id)).map((n) => n.id),
        [],
      );
      const text = lineage(['--root', dir]).stdout;
      assert.match(text, /unknown \$\{DATASET\} \(placeholder in configs\/x\.yaml\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an unknown id is a usage error with a suggestion', () => {
    const r = lineage(['support-chat', '--root', FORMATS]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no node `support-chat`.*did you mean `support-chats`/);
  });

  it('mermaid output parses with Mermaid, dot output with a DOT parser', async () => {
    const mermaidText = lineage(['--root', FORMATS, '--format', 'mermaid']).stdout;
    const dom = new JSDOM('<!doctype html><html><body></body></html>');
    Object.assign(globalThis, { window: dom.window, document: dom.window.document });
    const { default: mermaid } = (await import('mermaid')) as unknown as {
      default: { parse(text: string): Promise<{ diagramType: string }> };
    };
    assert.equal((await mermaid.parse(mermaidText)).diagramType, 'flowchart-v2');
    await assert.rejects(mermaid.parse(mermaidText.replace('-->|', '-->|"')), 'the parser rejects a broken flowchart');
    const dot = parseDot(lineage(['--root', FORMATS, '--format', 'dot']).stdout);
    assert.equal(dot[0].type, 'digraph');
    assert.ok(dot[0].children.filter((c) => c.type === 'edge_stmt').length >= 10);
    assert.throws(() => parseDot('digraph { "a" -> }'));
  });

  it('openlineage: one RunEvent per job that validates against the OpenLineage schema, tiers as tags', () => {
    const r = lineage(['--root', EXAMPLES, '--format', 'openlineage']);
    assert.equal(r.code, 0, r.stderr);
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(JSON.parse(readFileSync(path.join(REPO, 'test/schemas/OpenLineage.json'), 'utf8')));
    const tags = ajv.compile(JSON.parse(readFileSync(path.join(REPO, 'test/schemas/TagsDatasetFacet.json'), 'utf8')));
    const event = ajv.getSchema('https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent')!;
    const events = r.stdout
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            job: { name: string };
            inputs: { name: string; facets: unknown }[];
            outputs: { name: string }[];
          },
      );
    assert.deepEqual(events.map((e) => e.job.name).sort(), [
      'configs/axolotl-support-bot.yaml',
      'support-bot/finetune',
      'support-bot/ingest',
      'support-bot/redact-pii',
    ]);
    const { version } = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
    for (const e of events) {
      assert.ok(event(e), JSON.stringify(event.errors));
      // Ours and stable: the package and its version, not a host that belongs to no one.
      assert.equal((e as unknown as { producer: string }).producer, `pkg:npm/crownguard@${version}`);
      for (const d of e.inputs) assert.ok(tags(d.facets), JSON.stringify(tags.errors));
    }
    const ingest = events.find((e) => e.job.name === 'support-bot/ingest')!;
    assert.deepEqual(ingest.inputs.map((d) => d.name).sort(), ['customer-profiles', 'support-tickets']);
    assert.match(JSON.stringify(ingest.inputs), /"key":"crownguard.tier","value":"restricted"/);
    // Not even the pattern validator accepts a broken event: the check can fail.
    assert.equal(event({ ...events[0], run: { runId: 'not-a-uuid' }, eventTime: 'yesterday' }), false);
  });
});
