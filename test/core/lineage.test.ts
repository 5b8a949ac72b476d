import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import type { Engine, SourceFile } from '../../server/src/core';
import { engine } from '../support/engine';
import { FIXTURES } from '../support/paths';

/**
 * Lineage fixtures: every file of a folder carries its expectations as comment lines,
 *   `#= edge FROM -> TO`       the graph has this edge;
 *   `#= tier ID TIER`          the node's propagated tier;
 *   `#= explain ID < A < B`    "explain classification" walks back through these nodes.
 */
function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? listFiles(path.join(dir, d.name), `${prefix}${d.name}/`) : [`${prefix}${d.name}`],
  );
}

function folder(dir: string): SourceFile[] {
  return listFiles(path.join(FIXTURES, dir)).map((n) => ({
    path: `${dir}/${n}`,
    text: readFileSync(path.join(FIXTURES, dir, n), 'utf8'),
  }));
}

let e: Engine;
before(async () => {
  e = await engine();
});

for (const dir of ['workspace-formats', 'workspace-hub', 'lineage-cycle']) {
  describe(`lineage of test/fixtures/${dir}`, () => {
    it('has the edges, tiers and explanations its files expect', () => {
      const files = folder(dir);
      const gov = e.governance(files.find((f) => f.path.endsWith('governance.yaml')));
      const graph = e.lineage(files, gov);
      const directives = files.flatMap((f) =>
        [...f.text.matchAll(/^#= (\w+) (.*)$/gm)].map((m) => ({ file: f.path, verb: m[1], rest: m[2].trim() })),
      );
      assert.ok(directives.length > 0, 'the fixture states expectations');
      for (const d of directives) {
        if (d.verb === 'edge') {
          const [from, to] = d.rest.split(' -> ');
          assert.ok(
            graph.edges.some((x) => x.from === from && x.to === to),
            `${d.file}: expected an edge ${from} -> ${to}; edges into ${to}: ${
              graph
                .into(to)
                .map((x) => x.from)
                .join(', ') || 'none'
            }`,
          );
        } else if (d.verb === 'tier') {
          const [id, tier] = d.rest.split(' ');
          assert.equal(graph.node(id)?.tier, tier, `${d.file}: tier of ${id}`);
        } else if (d.verb === 'explain') {
          const [id, ...chain] = d.rest.split(' < ');
          assert.deepEqual(
            graph.explain(id).map((h) => h.id),
            [id, ...chain],
            `${d.file}: explanation of ${id}`,
          );
        } else assert.fail(`${d.file}: unknown directive ${d.verb}`);
      }
    });
  });
}

describe('lineage queries', () => {
  it('walks upstream and downstream with a depth, finds a path, and lists the models an asset reaches', () => {
    const files = folder('workspace-formats');
    const graph = e.lineage(files, e.governance(files.find((f) => f.path.endsWith('governance.yaml'))));
    const up = graph.walk('hf://acme/support-full', 'upstream', 2).nodes.map((n) => n.id);
    assert.deepEqual(
      up.sort(),
      [
        'hf://acme/support-chats-sft',
        'hf://acme/support-full',
        'hf://meta-llama/Llama-3.1-8B-Instruct',
        'workspace-formats/configs/axolotl-full.yaml',
        'workspace-formats/data/prepared/train.jsonl',
      ].sort(),
    );
    const models = graph.modelsCarrying('support-chats', ['hub-repo', 'model']).map((n) => n.id);
    assert.ok(
      models.includes('hf://acme/support-full') && models.includes('hf://acme/qwen-support-lora'),
      models.join(', '),
    );
    assert.ok(!models.includes('hf://acme/faq-bot'));
    const p = graph.path('support-chats', 'hf://acme/support-full');
    assert.deepEqual(
      p?.nodes.map((n) => n.id),
      [
        'support-chats',
        'dvc:workspace-formats/prepare',
        'workspace-formats/data/prepared/train.jsonl',
        'workspace-formats/configs/axolotl-full.yaml',
        'hf://acme/support-full',
      ],
    );
    assert.equal(graph.path('hf://acme/faq-bot', 'crm-tickets'), undefined);
  });

  it('re-reads only the file that changed', () => {
    const files = folder('workspace-formats');
    const gov = e.governance(files.find((f) => f.path.endsWith('governance.yaml')));
    e.lineage(files, gov);
    const changed = files.map((f) =>
      f.path.endsWith('trl-faq.yaml')
        ? { ...f, text: f.text.replace('data/prepared/faq.jsonl', 'data/chats/raw.jsonl') }
        : f,
    );
    const graph = e.lineage(changed, gov);
    assert.equal(graph.node('hf://acme/faq-bot')?.tier, 'restricted');
    assert.equal(graph.node('workspace-formats/configs/trl-faq.yaml')?.crownJewel, true);
  });
});

describe("the sources of a node's tier", () => {
  const GOV =
    'apiVersion: crownguard/v1\nkind: Governance\ntiers: [{ id: internal }, { id: confidential }, { id: restricted, crownJewel: true }]\nassets:\n  - id: crm\n    tier: restricted\n  - id: notes\n    tier: internal\n';
  const sources = (pipeline: string, id: string) => {
    const files: SourceFile[] = [
      { path: 'governance.yaml', text: GOV },
      { path: 'p.pipeline.yaml', text: pipeline },
    ];
    return e
      .lineage(files, e.governance(files[0]))
      .sources(id)
      .map((x) => [x.id, x.tier, x.redactedBy ?? null, x.decides]);
  };
  const stages = (tuneInputs: string) =>
    `apiVersion: crownguard/v1\nkind: Pipeline\nmetadata: { name: p }\nstages:\n  - id: scrub\n    type: redact\n    inputs: [crm]\n    outputs: [clean]\n    removes: [ssn]\n  - id: tune\n    type: fine-tune\n    method: lora\n    inputs: ${tuneInputs}\n    outputs: [model]\n`;

  it('a redacted source that alone sets the tier decides it, lowered', () => {
    assert.deepEqual(sources(stages('[clean, notes]'), 'model'), [
      ['crm', 'confidential', 'p/scrub', true],
      ['notes', 'internal', null, false],
    ]);
  });

  it('a source that also arrives by a path with no redaction arrives at its declared tier', () => {
    assert.deepEqual(sources(stages('[clean, crm]'), 'model'), [['crm', 'restricted', null, true]]);
  });

  it('an asset explains itself', () => {
    assert.deepEqual(sources(stages('[clean]'), 'crm'), [['crm', 'restricted', null, true]]);
  });
});

describe('one file at a time', () => {
  it('gives a file the same findings whether the whole workspace or only that file is asked for', () => {
    for (const dir of ['lineage-cycle', 'workspace-formats', 'workspace-manifests']) {
      const files = folder(dir);
      const gov = e.governance(files.find((f) => f.path.endsWith('governance.yaml')));
      const others = files.filter((f) => !f.path.endsWith('governance.yaml'));
      const all = e.manifestFindings(others, gov, undefined, {
        enable: true,
        governanceManifest: '',
        today: '2026-11-28',
      });
      for (const f of others) {
        const one = e.manifestFindings(
          others,
          gov,
          undefined,
          { enable: true, governanceManifest: '', today: '2026-11-28' },
          undefined,
          f.path,
        );
        const show = (list: { ruleId: string; span: { offset: number }; message: string }[] = []) =>
          list.map((x) => `${x.ruleId}@${x.span.offset} ${x.message}`).sort();
        assert.deepEqual(show(one.get(f.path)), show(all.get(f.path)), f.path);
      }
    }
  });
});

describe('lineage never echoes a sensitive value', () => {
  it('names a dataset written with a password in its URI masked, and still links it', () => {
    const password = ['Xk9', 'pQ2v', 'Lm7z'].join('');
    const uri = `postgres://admin:${password}@db.acme.internal:5432/crm`;
    const files = [
      {
        path: 'governance.yaml',
        text: 'apiVersion: crownguard/v1\nkind: Governance\nassets:\n  - id: crm\n    tier: restricted\n',
      },
      { path: 'a.yaml', text: `model_name_or_path: q/q\ndataset_name: ${uri}\noutput_dir: out/a\nuse_peft: true\n` },
      { path: 'b.yaml', text: `model_name_or_path: q/q\ndataset_name: ${uri}\noutput_dir: out/b\nuse_peft: true\n` },
    ];
    const graph = e.lineage(files, e.governance(files[0]));
    const ids = [...graph.nodes.keys()];
    assert.ok(!JSON.stringify(ids).includes(password), JSON.stringify(ids));
    const masked = ids.find((id) => id.startsWith('postgres://'));
    assert.ok(masked, ids.join(', '));
    assert.deepEqual(
      graph
        .outOf(masked)
        .map((x) => x.to)
        .sort(),
      ['a.yaml', 'b.yaml'],
    );
  });
});
