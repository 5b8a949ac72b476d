import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  Engine,
  seededRandom as random,
  type Finding,
  type LineageGraph,
  type SourceFile,
} from '../../server/src/core';
import type { GovernanceResult } from '../../server/src/core/governance/load';
import { loadWasm } from '../../server/src/host/wasm';
import { DeclarationIndex } from '../../server/src/core/lineage/declarations';
import type { Declaration } from '../../server/src/core/manifests/load';
import { didYouMean } from '../../server/src/core/text';

/**
 * A manifest or config edit patches the lineage graph in place. After each edit of a seeded
 * random sequence, the patched graph and every diagnostic must equal what a fresh engine (a
 * graph built from scratch) gives for the same files.
 */

const ASSETS = 6;
const TIERS = ['internal', 'confidential', 'restricted'];

function governanceText(tiers: string[]): string {
  const lines = [
    'apiVersion: crownguard/v1',
    'kind: Governance',
    'tiers:',
    '  - id: internal',
    '  - id: confidential',
    '  - id: restricted',
    '    crownJewel: true',
    'assets:',
  ];
  tiers.forEach((t, a) =>
    lines.push(`  - id: asset-${a}`, `    tier: ${t}`, `    locations: [s3://data/asset-${a}/**]`),
  );
  return lines.join('\n') + '\n';
}

interface Stage {
  id: string;
  type: string;
  inputs: string[];
  outputs: string[];
  config?: string;
}

function pipelineText(name: string, stages: Stage[]): string {
  const lines = ['apiVersion: crownguard/v1', 'kind: Pipeline', 'metadata:', `  name: ${name}`, 'stages:'];
  for (const s of stages) {
    lines.push(`  - id: ${s.id}`, `    type: ${s.type}`, `    inputs: [${s.inputs.join(', ')}]`);
    lines.push(`    outputs: [${s.outputs.join(', ')}]`);
    if (s.type === 'redact') lines.push('    removes: [email]');
    if (s.config) lines.push(`    config: ${s.config}`);
  }
  return lines.join('\n') + '\n';
}

function releaseText(name: string, datasets: string[], artifact?: string): string {
  return (
    [
      'apiVersion: crownguard/v1',
      'kind: ModelRelease',
      `name: ${name}`,
      'version: "1.0.0"',
      'status: candidate',
      `datasets: [${datasets.join(', ')}]`,
      ...(artifact ? ['artifact:', `  path: ${artifact}`] : []),
      'deployments:',
      `  - { target: gw-${name}, visibility: internal }`,
    ].join('\n') + '\n'
  );
}

function configText(n: number, dataset: string, out: string): string {
  return (
    [
      'base_model: acme/base-7b',
      'adapter: lora',
      'datasets:',
      `  - path: ${dataset}`,
      '    type: chat_template',
      `output_dir: ${out}`,
      `hub_model_id: acme/run-${n}`,
      'hub_private_repo: true',
    ].join('\n') + '\n'
  );
}

const TYPES = ['ingest', 'transform', 'redact', 'fine-tune', 'evaluate'];

/** Compares the patched graph with a fresh one node by node, edge by edge, in order. */
function sameGraph(patched: LineageGraph, fresh: LineageGraph, where: string): void {
  assert.deepEqual([...patched.nodes.entries()], [...fresh.nodes.entries()], `${where}: nodes`);
  assert.deepEqual([...patched.edges], [...fresh.edges], `${where}: edges`);
  for (const id of fresh.nodes.keys()) {
    assert.deepEqual(patched.into(id), fresh.into(id), `${where}: edges into ${id}`);
    assert.deepEqual(patched.outOf(id), fresh.outOf(id), `${where}: edges out of ${id}`);
    assert.deepEqual(patched.node(id), fresh.node(id), `${where}: classification of ${id}`);
    assert.deepEqual(patched.explain(id), fresh.explain(id), `${where}: explanation of ${id}`);
  }
  assert.deepEqual(patched.cycles, fresh.cycles, `${where}: cycles`);
}

describe('lineage graph patching', () => {
  it('gives, after each of a seeded sequence of random edits, the graph and diagnostics of a fresh build', async () => {
    const rnd = random(17);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)];
    const e = await Engine.create(loadWasm);
    let tiers = Array.from({ length: ASSETS }, (_, a) => TIERS[1 + (a % 2)]);
    const pipelines = new Map<string, Stage[]>();
    const files = new Map<string, string>();
    const outputs = (): string[] => [...pipelines.values()].flatMap((st) => st.flatMap((s) => s.outputs));
    const writePipeline = (p: string) => files.set(`pipelines/${p}.pipeline.yaml`, pipelineText(p, pipelines.get(p)!));
    let made = 0;
    const newPipeline = () => {
      const p = `pipe-${made++}`;
      const stages: Stage[] = [];
      const count = 2 + Math.floor(rnd() * 4);
      for (let s = 0; s < count; s++)
        stages.push({
          id: `s${s}`,
          type: TYPES[s % TYPES.length],
          inputs:
            s === 0
              ? [`asset-${Math.floor(rnd() * ASSETS)}`, ...(rnd() < 0.4 ? [pick(outputs())] : [])]
              : [`${p}-o${s - 1}`],
          outputs: [`${p}-o${s}`],
          config: rnd() < 0.2 ? `configs/run-${Math.floor(rnd() * 6)}.yaml` : undefined,
        });
      pipelines.set(p, stages);
      writePipeline(p);
    };
    files.set('governance.yaml', governanceText(tiers));
    pipelines.set('pipe-seed', [{ id: 's0', type: 'ingest', inputs: ['asset-0'], outputs: ['seed-o0'] }]);
    writePipeline('pipe-seed');
    for (let i = 0; i < 12; i++) newPipeline();
    for (let r = 0; r < 5; r++)
      files.set(`models/rel-${r}.model.yaml`, releaseText(pick(outputs()), [pick(outputs())]));
    for (let c = 0; c < 6; c++)
      files.set(`configs/run-${c}.yaml`, configText(c, `s3://data/asset-${c % ASSETS}/train.jsonl`, `./out/run-${c}`));
    // Code reading an asset's location, and references no file declares: the lineage view's own lane.
    files.set('src/train.py', 'open("s3://data/asset-1/x.jsonl")\n');
    files.set(
      'models/hub.model.yaml',
      releaseText('hubbed', ['hf://datasets/acme/public-chat'], 'weights/model.safetensors'),
    );

    const governments = new Map<string, GovernanceResult>();
    const gov = (g: Engine) => {
      const text = files.get('governance.yaml')!;
      if (!governments.has(text)) governments.set(text, g.governance({ path: 'governance.yaml', text }));
      return governments.get(text)!;
    };
    const sources = (): SourceFile[] =>
      [...files.keys()]
        .filter((p) => p !== 'governance.yaml')
        .sort()
        .map((p) => ({ path: p, text: files.get(p)! }));
    const manifests = () => sources().filter((f) => !f.path.endsWith('.py'));

    const EDITS = 200;
    const counts = { patched: 0, rebuilt: 0, unchanged: 0 };
    const edits: string[] = [];
    e.manifestFindings(manifests(), gov(e), files.get('governance.yaml'));
    e.lineage(sources(), gov(e));
    for (let i = 0; i < EDITS; i++) {
      const names = [...pipelines.keys()];
      const p = pick(names);
      const stages = pipelines.get(p)!;
      const kind = pick([
        'add-stage',
        'add-stage',
        'remove-stage',
        'rename-stage',
        'rename-output',
        'misspell-input',
        'misspell-input',
        'tier',
        'break-yaml',
        'delete-file',
        'add-file',
        'config',
        'duplicate-output',
        'cycle',
        'release',
      ]);
      edits.push(`${kind} ${p}`);
      if (kind === 'add-stage')
        stages.splice(Math.floor(rnd() * (stages.length + 1)), 0, {
          id: `s${100 + i}`,
          type: pick(TYPES),
          inputs: [pick([...outputs(), `asset-${Math.floor(rnd() * ASSETS)}`])],
          outputs: [`${p}-n${i}`],
        });
      else if (kind === 'remove-stage' && stages.length > 1) stages.splice(Math.floor(rnd() * stages.length), 1);
      else if (kind === 'rename-stage') pick(stages).id = `r${i}`;
      else if (kind === 'rename-output') pick(stages).outputs = [`${p}-r${i}`];
      else if (kind === 'misspell-input') {
        const s = pick(stages);
        s.inputs = s.inputs.map((x) => (rnd() < 0.5 ? `${x}x` : x.replace(/x$/, '')));
      } else if (kind === 'duplicate-output') pick(stages).outputs = [pick(outputs())];
      else if (kind === 'cycle') stages[0].inputs = [...stages[0].inputs, stages[stages.length - 1].outputs[0]];
      if (
        [
          'add-stage',
          'remove-stage',
          'rename-stage',
          'rename-output',
          'misspell-input',
          'duplicate-output',
          'cycle',
        ].includes(kind)
      )
        writePipeline(p);
      else if (kind === 'tier') {
        tiers = tiers.map((t, a) => (a === Math.floor(rnd() * ASSETS) ? pick(TIERS) : t));
        files.set('governance.yaml', governanceText(tiers));
      } else if (kind === 'break-yaml') {
        const path = `pipelines/${p}.pipeline.yaml`;
        files.set(path, files.get(path)!.replace('stages:', 'stages: [\n  oops: {'));
      } else if (kind === 'delete-file' && names.length > 3) {
        pipelines.delete(p);
        files.delete(`pipelines/${p}.pipeline.yaml`);
      } else if (kind === 'add-file') newPipeline();
      else if (kind === 'config') {
        const c = Math.floor(rnd() * 6);
        const dataset = pick([
          `s3://data/asset-${Math.floor(rnd() * ASSETS)}/t.jsonl`,
          'hf://datasets/acme/chat',
          'data/local.jsonl',
        ]);
        files.set(`configs/run-${c}.yaml`, configText(c, dataset, rnd() < 0.8 ? `./out/run-${c}` : `./out/moved-${i}`));
      } else if (kind === 'release') {
        const r = Math.floor(rnd() * 5);
        files.set(`models/rel-${r}.model.yaml`, releaseText(pick(outputs()), [pick([...outputs(), 'nowhere'])]));
      }

      const where = `edit ${i + 1} (${edits.slice(-3).join('; ')})`;
      const fresh = await Engine.create(loadWasm);
      const govText = files.get('governance.yaml');
      // Diagnostics of every manifest, and of one document asked alone as an editor does.
      const all = e.manifestFindings(manifests(), gov(e), govText);
      assert.deepEqual(
        [...all.entries()].sort(),
        [...fresh.manifestFindings(manifests(), gov(fresh), govText).entries()].sort(),
        `${where}: diagnostics`,
      );
      counts[e.manifestIndex(manifests(), gov(e)).graph!.lastUpdate]++;
      // One document asked alone, as an editor does: its reference and duplicate checks read the
      // per-file index, and find what the check of every file finds in it.
      const whole = fresh.manifestFindings(manifests(), gov(fresh), govText);
      const idChecks = (list: readonly Finding[] | undefined) =>
        (list ?? []).filter((f) => f.ruleId === 'CG003' || f.ruleId === 'CG004');
      for (const one of [`pipelines/${p}.pipeline.yaml`, pick(manifests()).path, 'governance.yaml']) {
        const alone = e.manifestFindings(manifests(), gov(e), govText, undefined, undefined, one).get(one);
        assert.deepEqual(
          alone,
          fresh.manifestFindings(manifests(), gov(fresh), govText, undefined, undefined, one).get(one),
          `${where}: diagnostics of ${one} alone`,
        );
        assert.deepEqual(idChecks(alone), idChecks(whole.get(one)), `${where}: id checks of ${one} alone`);
      }
      sameGraph(
        e.manifestIndex(manifests(), gov(e)).graph!,
        fresh.manifestIndex(manifests(), gov(fresh)).graph!,
        where,
      );
      const view = e.lineage(sources(), gov(e));
      counts[view.lastUpdate]++;
      sameGraph(view, fresh.lineage(sources(), gov(fresh)), `${where}, with code`);
    }
    // Most edits are patched in place; the rest (governance, references to undeclared nodes) rebuild.
    assert.ok(counts.patched > EDITS / 2, `patched ${counts.patched}, rebuilt ${counts.rebuilt}`);
    console.log(
      `# ${EDITS} edits: graphs patched ${counts.patched}, rebuilt ${counts.rebuilt}, unchanged ${counts.unchanged}`,
    );
  });
});

describe('the declaration index', () => {
  it('suggests what did-you-mean over every id in order suggests, budget included, after random file edits', () => {
    const rnd = random(5);
    const kinds: Declaration['kind'][] = ['asset', 'output', 'pipeline', 'release', 'stage'];
    const letters = 'abcAB-_12';
    const word = () =>
      Array.from({ length: 1 + Math.floor(rnd() * 9) }, () => letters[Math.floor(rnd() * letters.length)]).join('');
    const fileOf = (path: string) => ({
      path,
      declarations: Array.from({ length: Math.floor(rnd() * 6) }, () => ({
        id: word(),
        kind: kinds[Math.floor(rnd() * kinds.length)],
        path,
        span: { offset: 0, length: 1 },
      })),
      references: [],
    });
    let files = Array.from({ length: 30 }, (_, i) => fileOf(`f${String(i).padStart(3, '0')}`));
    const index = new DeclarationIndex(files);
    let compared = 0;
    for (let round = 0; round < 300; round++) {
      const i = Math.floor(rnd() * files.length);
      const roll = rnd();
      if (roll < 0.1) files = files.filter((_, k) => k !== i);
      else if (roll < 0.2) files = [...files, fileOf(`f${900 + round}`)];
      else files = files.map((f, k) => (k === i ? fileOf(f.path) : f));
      assert.ok(index.update(files), 'files kept their order');
      const all = files.flatMap((f) => f.declarations);
      for (let q = 0; q < 5; q++) {
        const wants = kinds.filter(() => rnd() < 0.5);
        const input = word();
        const candidates = [...new Set(all.filter((d) => wants.includes(d.kind)).map((d) => d.id))];
        const left = Math.floor(rnd() * 2 * candidates.length);
        const a = { left };
        const b = { left };
        assert.equal(
          index.suggest(input, wants, a),
          didYouMean(input, candidates, b),
          `${input} among ${candidates.join(' ')}`,
        );
        assert.equal(a.left > 0, b.left > 0, 'budget left');
        assert.equal(index.suggest(input, wants), didYouMean(input, candidates), `${input} without a budget`);
        compared++;
      }
    }
    assert.equal(compared, 1500);
  });
});
