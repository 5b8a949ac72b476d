import type { Governance } from '../governance/model';
import { maskId } from '../safe';
import { hubRepo, isPlaceholder, pushTarget } from '../formats/hub';
import type { DatasetRef, DvcTracked, LoadedConfig } from '../formats/model';
import type { LoadedManifest } from '../manifests/load';
import type { Span } from '../types';
import { valueSpan } from '../yaml/locate';
import type { Contribution, DataRef, EdgeSpec, LineageNode } from './model';
import { normalisePath } from './paths';

export function folderOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The governance manifest's assets: where classification starts. */
export function governanceContribution(g: Governance): Contribution | undefined {
  if (!g.path) return undefined;
  const nodes: LineageNode[] = g.assets.map((a) => ({
    id: a.id,
    kind: 'asset',
    detail: a.kind,
    path: g.path!,
    span: a.span,
    declaredTier: a.tier,
  }));
  return { path: g.path, nodes, edges: [] };
}

/** The node id of a pipeline stage: stage ids are unique only within their pipeline. */
export function stageNodeId(pipeline: string, stage: string): string {
  return `${pipeline}/${stage}`;
}

/** A pipeline's stages (inputs -> stage -> outputs) or a release (datasets -> release -> deployments). */
export function manifestContribution(m: LoadedManifest): Contribution {
  const nodes: LineageNode[] = [];
  const edges: EdgeSpec[] = [];
  const v = m.value;
  const doc = m.doc;
  if (!v || !doc) return { path: m.path, nodes, edges };
  const span = (at: (string | number)[]): Span => valueSpan(doc, at);
  if (m.kind === 'pipeline') {
    const pipeline = str((v.metadata as Record<string, unknown> | undefined)?.name) ?? m.path;
    const stages = Array.isArray(v.stages) ? v.stages : [];
    const seen = new Set<string>();
    stages.forEach((s: unknown, i) => {
      if (!s || typeof s !== 'object') return;
      const stage = s as Record<string, unknown>;
      const id = str(stage.id);
      if (!id) return;
      // A duplicated stage id is reported elsewhere; here each stage stays its own node.
      const node = stageNodeId(pipeline, seen.has(id) ? `${id}#${i + 1}` : id);
      seen.add(id);
      const type = str(stage.type);
      const removes = strings(stage.removes);
      const redacting = (type === 'redact' || type === 'anonymise') && removes.length > 0;
      nodes.push({
        id: node,
        kind: 'stage',
        detail: type,
        path: m.path,
        span: span(['stages', i, 'id']),
        redacts: redacting ? removes : undefined,
      });
      strings(stage.inputs).forEach((input, j) =>
        edges.push({ from: input, to: node, relation: 'input', path: m.path, span: span(['stages', i, 'inputs', j]) }),
      );
      (Array.isArray(stage.outputs) ? stage.outputs : []).forEach((item: unknown, j) => {
        // An output is its id, or `{id, location}`: the file it is written to, relative to this manifest.
        const written = item !== null && typeof item === 'object' && !Array.isArray(item);
        const output = written ? str((item as Record<string, unknown>).id) : str(item);
        if (!output) return;
        const at = span(written ? ['stages', i, 'outputs', j, 'id'] : ['stages', i, 'outputs', j]);
        const location = written ? str((item as Record<string, unknown>).location) : undefined;
        nodes.push({
          id: output,
          kind: type === 'fine-tune' ? 'model' : type === 'deploy' ? 'deployment' : 'dataset',
          path: m.path,
          span: at,
          location: location === undefined ? undefined : normalisePath(location, folderOf(m.path)),
        });
        edges.push({ from: node, to: output, relation: 'output', path: m.path, span: at });
      });
      const config = str(stage.config);
      if (config)
        edges.push({
          from: node,
          to: { ref: config, base: '' },
          relation: 'runs',
          path: m.path,
          span: span(['stages', i, 'config']),
        });
    });
  } else {
    const name = str(v.name);
    if (!name) return { path: m.path, nodes, edges };
    const release = `${name}@${String(v.version ?? '')}`;
    nodes.push({ id: release, kind: 'release', detail: str(v.status), path: m.path, span: span(['name']) });
    // The stage output the release ships shares its name.
    edges.push({ from: name, to: release, relation: 'releases', path: m.path, span: span(['name']) });
    strings(v.datasets).forEach((d, i) =>
      edges.push({ from: d, to: release, relation: 'trains', path: m.path, span: span(['datasets', i]) }),
    );
    const artifact = str((v.artifact as Record<string, unknown> | undefined)?.path);
    if (artifact)
      edges.push({
        from: { ref: artifact, base: '' },
        to: release,
        relation: 'releases',
        path: m.path,
        span: span(['artifact', 'path']),
      });
    const deployments = Array.isArray(v.deployments) ? v.deployments : [];
    deployments.forEach((d: unknown, i) => {
      const target = str((d as Record<string, unknown> | null)?.target);
      if (!target) return;
      const id = `${release}->${target}`;
      const visibility = str((d as Record<string, unknown>).visibility);
      nodes.push({
        id,
        kind: 'deployment',
        detail: visibility,
        public: visibility === 'public',
        path: m.path,
        span: span(['deployments', i, 'target']),
      });
      edges.push({
        from: release,
        to: id,
        relation: 'deploys',
        path: m.path,
        span: span(['deployments', i, 'target']),
      });
    });
  }
  return { path: m.path, nodes, edges };
}

/** The node id of a hub repository. */
export function hubNodeId(repo: string): string {
  return `hf://${maskId(repo)}`;
}

const CODE_DEPENDENCY = /\.(py|ipynb|sh|js|ts|r|jl|sql)$/i;

/** Where a dataset a format names comes from: an edge end the graph resolves, or none (unknown). */
export function datasetEnd(d: DatasetRef, base: string): DataRef | undefined {
  if (d.via === 'unknown') return undefined;
  if (d.via === 'hub') return { ref: `hf://${d.repo ?? d.value}`, base: '' };
  // A LLaMA-Factory name is an entry of the registry in `dataset_dir`, which is relative to the
  // project root; the registry file declares the entry's node.
  if (d.via === 'registry') return { ref: `${d.registry}#${d.value}`, base: '', strict: true, alias: d.value };
  return { ref: d.value, base: d.base ?? base };
}

/**
 * A placeholder (`${ADAPTER}`, `<your-hf-dataset-id>`) names no data or model yet. It gets a node
 * of its own that says so, so that no local path or hub id is made of it while the graph still
 * shows that something unknown flows in or out.
 */
export function placeholderNode(
  kind: 'dataset' | 'model' | 'hub-repo',
  value: string,
  path: string,
  span: Span,
): LineageNode {
  return {
    id: `unknown ${value} (placeholder in ${path})`,
    kind,
    detail: 'placeholder: an unknown value until it is filled in',
    path,
    span,
  };
}

/**
 * A fine-tuning config (datasets -> run -> output folder / hub repo), LLaMA-Factory's dataset
 * registry, a DVC pipeline or a model card.
 */
export function configContribution(c: LoadedConfig): Contribution {
  const nodes: LineageNode[] = [];
  const edges: EdgeSpec[] = [];
  const base = folderOf(c.path);
  if ((c.format === 'axolotl' || c.format === 'llama-factory' || c.format === 'trl') && c.training && c.doc) {
    const t = c.training;
    const run = c.path;
    nodes.push({
      id: run,
      kind: 'training-run',
      detail: `${c.format}, ${t.method.value}`,
      path: c.path,
      span: t.method.span,
    });
    for (const d of t.datasets) {
      const from = datasetEnd(d, base);
      if (from) edges.push({ from, to: run, relation: 'input', path: c.path, span: d.span });
      else if (d.via === 'unknown') {
        const node = placeholderNode('dataset', d.value, c.path, d.span);
        nodes.push(node);
        edges.push({ from: node.id, to: run, relation: 'input', path: c.path, span: d.span });
      }
    }
    if (t.baseModel && !isPlaceholder(t.baseModel.value)) {
      const id = hubNodeId(hubRepo(t.baseModel.value) ?? t.baseModel.value);
      nodes.push({ id, kind: 'model', detail: 'base model', path: c.path, span: t.baseModel.span });
      edges.push({ from: id, to: run, relation: 'base-model', path: c.path, span: t.baseModel.span });
    } else if (t.baseModel) {
      const node = placeholderNode('model', t.baseModel.value, c.path, t.baseModel.span);
      nodes.push(node);
      edges.push({ from: node.id, to: run, relation: 'base-model', path: c.path, span: t.baseModel.span });
    }
    const unknownOut = t.placeholders.find((x) => x.at.length === 1 && x.at[0] === 'output_dir');
    if (unknownOut) {
      const node = placeholderNode('model', unknownOut.value, c.path, unknownOut.span);
      nodes.push(node);
      edges.push({ from: run, to: node.id, relation: 'output', path: c.path, span: unknownOut.span });
    }
    // The output folder holds this run's checkpoints: a model of this config, not a dataset, and
    // not shared with the many example configs that all write `outputs/out`.
    if (t.outputDir) {
      const id = `${c.path}#${normalisePath(t.outputDir.value, '')}`;
      nodes.push({ id, kind: 'model', detail: 'output folder (checkpoints)', path: c.path, span: t.outputDir.span });
      edges.push({ from: run, to: id, relation: 'output', path: c.path, span: t.outputDir.span });
    }
    for (const p of t.hubPushes) {
      const written = c.doc.getIn(p.at);
      const unknown = !p.target && typeof written === 'string' && isPlaceholder(written);
      const repository = `${p.public ? 'public' : 'private'} ${p.what} repository`;
      const id = p.target
        ? hubNodeId(pushTarget(p.target))
        : unknown
          ? placeholderNode('hub-repo', written, c.path, p.span).id
          : hubNodeId(`${c.path} (unnamed ${p.what})`);
      nodes.push({
        id,
        kind: 'hub-repo',
        detail: unknown ? `placeholder: a ${repository} whose name is unknown until it is filled in` : repository,
        public: p.public,
        path: c.path,
        span: p.span,
      });
      edges.push({ from: run, to: id, relation: 'pushes', path: c.path, span: p.span });
    }
  } else if (c.format === 'llama-factory-datasets' && c.registry) {
    for (const e of c.registry.entries) {
      const id = `${c.path}#${e.name}`;
      nodes.push({ id, kind: 'dataset', detail: 'LLaMA-Factory dataset', path: c.path, span: e.span });
      const from = e.source && datasetEnd(e.source, base);
      if (from) edges.push({ from, to: id, relation: 'input', path: c.path, span: e.source!.span });
      else if (e.source?.via === 'unknown') {
        const node = placeholderNode('dataset', e.source.value, c.path, e.source.span);
        nodes.push(node);
        edges.push({ from: node.id, to: id, relation: 'input', path: c.path, span: e.source.span });
      }
      if (c.registry.list) edges.push({ from: id, to: c.path, relation: 'input', path: c.path, span: e.span });
    }
    // A config that names a v1 dataset list trains on the whole list: the file is its node.
    if (c.registry.list)
      nodes.push({
        id: c.path,
        kind: 'dataset',
        detail: 'LLaMA-Factory dataset list',
        path: c.path,
        span: { offset: 0, length: 0 },
      });
  } else if (c.format === 'dvc' && c.tracked) {
    dvcFileContribution(c.path, c.tracked, nodes, edges);
  } else if (c.format === 'dvc') {
    for (const a of c.artifacts ?? []) {
      // A declared artifact's type says what its path holds; the stage that writes it links to this node.
      if (!a.path || (a.type !== 'model' && a.type !== 'dataset')) continue;
      const id = normalisePath(a.path.value, base);
      nodes.push({ id, kind: a.type, detail: `dvc artifact ${a.name}`, path: c.path, span: a.path.span });
    }
    for (const s of c.stages) {
      const id = `dvc:${base ? base + '/' : ''}${s.name}`;
      nodes.push({ id, kind: 'stage', detail: 'dvc stage', path: c.path, span: s.span });
      // DVC fills `${...}` in from `vars` and params files, which CrownGuard does not read.
      const end = (l: { value: string; span: Span }) => {
        if (!isPlaceholder(l.value)) return { ref: l.value, base };
        const node = placeholderNode('dataset', l.value, c.path, l.span);
        nodes.push(node);
        return node.id;
      };
      for (const d of s.deps)
        if (!CODE_DEPENDENCY.test(d.value))
          edges.push({ from: end(d), to: id, relation: 'input', path: c.path, span: d.span });
      for (const o of s.outs) edges.push({ from: id, to: end(o), relation: 'output', path: c.path, span: o.span });
    }
  } else if (c.format === 'model-card' && c.card) {
    const card = c.card;
    const id = hubNodeId(card.name.value);
    nodes.push({ id, kind: 'model', detail: 'model card', path: c.path, span: card.name.span });
    for (const d of card.datasets) {
      const node = isPlaceholder(d.value) ? placeholderNode('dataset', d.value, c.path, d.span) : undefined;
      if (node) nodes.push(node);
      edges.push({ from: node?.id ?? { ref: d.value, base }, to: id, relation: 'trains', path: c.path, span: d.span });
    }
    for (const b of card.baseModels) {
      const node = isPlaceholder(b.value)
        ? placeholderNode('model', b.value, c.path, b.span)
        : { id: hubNodeId(b.value), kind: 'model' as const, detail: 'base model', path: c.path, span: b.span };
      nodes.push(node);
      edges.push({ from: node.id, to: id, relation: 'base-model', path: c.path, span: b.span });
    }
  }
  return { path: c.path, nodes, edges };
}

/**
 * A `.dvc` file: its node (`dvc:<file>`, what DVC does with the data) produces each out, which
 * resolves like a `dvc.yaml` out (to an asset whose locations match, else to the path's node,
 * which `dvc.yaml` deps find by the same path). An import's source is a node of its own naming
 * the repository, the path in it and the commit `rev_lock` pins; an import-url's is its URL
 * (an absolute path becomes a `file://` URI: never read).
 */
function dvcFileContribution(path: string, t: DvcTracked, nodes: LineageNode[], edges: EdgeSpec[]): void {
  const id = `dvc:${path}`;
  const detail = `dvc ${t.how}${t.frozen ? ', frozen' : ''}`;
  nodes.push({ id, kind: 'stage', detail, path, span: t.span, tracks: t.outs.map((o) => o.path) });
  for (const d of t.deps) {
    if (d.repo) {
      // The id names the commit as git abbreviates it; the detail keeps it whole.
      const pin = d.repo.revLock ? d.repo.revLock.slice(0, 12) : d.repo.rev;
      const source = `${maskId(d.repo.url)}#${d.value}${pin ? `@${pin}` : ''}`;
      const how = d.repo.revLock ? `pinned at ${d.repo.revLock}` : d.repo.rev ? `at ${d.repo.rev}` : 'not pinned';
      nodes.push({ id: source, kind: 'dataset', detail: `dvc import source, ${how}`, path, span: d.span });
      edges.push({ from: source, to: id, relation: 'input', path, span: d.span });
    } else if (d.external && !/^[a-z][a-z0-9+.-]*:/i.test(d.value)) {
      const source = `file://${d.value.replace(/\\/g, '/')}`;
      nodes.push({ id: source, kind: 'dataset', detail: 'dvc import-url source', path, span: d.span });
      edges.push({ from: source, to: id, relation: 'input', path, span: d.span });
    } else if (d.external)
      edges.push({ from: { ref: d.value, base: '' }, to: id, relation: 'input', path, span: d.span });
    else if (!CODE_DEPENDENCY.test(d.value))
      edges.push({ from: { ref: d.value, base: t.wdir }, to: id, relation: 'input', path, span: d.span });
  }
  for (const o of t.outs) {
    // An out annotated `type: model` (or `dataset`) says what it holds, as a dvc.yaml artifact does;
    // without one the path's node is a dataset, or a model for a weights file.
    if (o.type) nodes.push({ id: o.path, kind: o.type, detail: `dvc out (type: ${o.type})`, path, span: o.span });
    edges.push({ from: id, to: { ref: o.value, base: t.wdir }, relation: 'output', path, span: o.span });
  }
}

/** Quoted strings that look like a storage path or URI. */
const PATH_LITERAL =
  /(["'`])((?:s3a?|gs|gcs|az|abfss?|hdfs|file|dbfs):\/\/[^"'`\s]{1,500}|\.{0,2}\/?[\w.-]+\/[\w.\-/*]{1,500})\1/g;

/**
 * A code file that reads an asset's data by its declared location: an edge from the asset to
 * the file. A quick scan of string literals, not a parse; `matches` says which asset a path is.
 */
export function codeContribution(
  path: string,
  text: string,
  matches: (location: string) => string | undefined,
): Contribution | undefined {
  const edges: EdgeSpec[] = [];
  const seen = new Set<string>();
  for (const m of text.matchAll(PATH_LITERAL)) {
    const asset = matches(m[2]);
    if (!asset || seen.has(asset)) continue;
    seen.add(asset);
    edges.push({
      from: asset,
      to: `code:${path}`,
      relation: 'reads',
      path,
      span: { offset: m.index! + 1, length: m[2].length },
    });
  }
  if (edges.length === 0) return undefined;
  return { path, nodes: [{ id: `code:${path}`, kind: 'code', path, span: { offset: 0, length: 0 } }], edges };
}
