import { findTier, type Governance } from '../governance/model';
import { maskId } from '../safe';
import type { Span } from '../types';
import { compileGlob, type Glob } from '../sensitivity/glob';
import { hubRepo } from '../formats/hub';
import { hubNodeId } from './contribute';
import { normalisePath } from './paths';
import type { Carried } from './carried';
import { contributingSources, type Source } from './explain';
import { contentIndex, contentWords, type NodeContent } from './content';
import type { DataContents } from '../datasets/profile';
import { Classifier, type Because } from './propagate';
import type {
  Classified,
  Contribution,
  DataRef,
  End,
  GraphView,
  Hop,
  LineageEdge,
  LineageNode,
  NodeKind,
} from './model';

export { normalisePath } from './paths';

/** Edges whose written span names their upstream end (an input, a dataset a release trains on). */
const NAMES_SOURCE = new Set<LineageEdge['relation']>(['input', 'trains', 'base-model', 'reads']);

export interface Subgraph {
  readonly nodes: Classified[];
  readonly edges: LineageEdge[];
}

/**
 * The workspace's lineage, built from each file's contribution and classified. Building is
 * linear in nodes and edges; a changed file replaces only its own contribution (the caller
 * keeps contributions per file), and classification is recomputed over the whole graph.
 */
export class LineageGraph implements GraphView {
  readonly nodes = new Map<string, LineageNode>();
  readonly edges: LineageEdge[] = [];
  private readonly outgoing = new Map<string, LineageEdge[]>();
  private readonly incoming = new Map<string, LineageEdge[]>();
  private readonly classifier: Classifier;
  private readonly hubAssets: Map<string, string>;
  /** What each node carries after propagation (computed when first asked). */
  readonly carried: { get(id: string): Carried | undefined } = { get: (id) => this.classifier.carriedOf(id) };
  /** What each node's data file shows (crown-jewel kinds), from the profiled files the graph was given. */
  readonly content: { get(id: string): NodeContent | undefined };
  /** Nodes by the file that holds their data (a stage output's `location`), so that a path written elsewhere finds them. */
  private readonly located = new Map<string, string>();
  /** The predecessor that decided each node's tier, or `declared`. */
  readonly because: { get(id: string): Because | undefined } = { get: (id) => this.classifier.becauseOf(id) };

  constructor(
    readonly governance: Governance,
    contributions: Iterable<Contribution>,
    /** The workspace folder that paths written as workspace-relative start from. */
    private readonly root = '',
    /** Profiled data files by path: what they show can raise a node's tier. */
    data?: DataContents,
  ) {
    const list = [...contributions];
    // An org-less hub repository (`hf://zephyr-7b-sft-full`, a push named without its owner) is
    // created under the pushing account, which the manifest's `hub.namespace` names.
    const namespace = governance.hub?.namespace;
    const canon = (id: string): string =>
      namespace && id.startsWith('hf://') && !id.slice(5).includes('/')
        ? `hf://${maskId(namespace)}/${id.slice(5)}`
        : id;
    for (const c of list)
      for (const n of c.nodes) {
        const id = canon(n.id);
        if (!this.nodes.has(id)) this.nodes.set(id, id === n.id ? n : { ...n, id });
        if (n.location !== undefined && !this.located.has(n.location)) this.located.set(n.location, id);
      }
    const locations = governance.assets.flatMap((a) => a.locations.map((l) => ({ re: compileGlob(l), asset: a.id })));
    // Locations written as hub ids, in any of their forms, match a reference in any other form.
    this.hubAssets = new Map(
      governance.assets.flatMap((a) =>
        a.locations.flatMap((l) => {
          const repo = /[*?[]/.test(l) ? undefined : hubRepo(l);
          return repo ? [[repo.toLowerCase(), a.id] as [string, string]] : [];
        }),
      ),
    );
    const resolve = (end: End, c: { path: string; span: LineageEdge['span'] }, producer: boolean): string => {
      if (typeof end === 'string') return canon(end);
      return this.resolveRef(end, locations, c, producer);
    };
    // Outputs first, so that a reference elsewhere finds the node a producer declared.
    const specs = list.flatMap((c) => c.edges);
    const ordered = [
      ...specs.filter((e) => typeof e.to !== 'string'),
      ...specs.filter((e) => typeof e.to === 'string'),
    ];
    for (const e of ordered) {
      const from = resolve(e.from, e, false);
      const to = resolve(e.to, e, true);
      if (!this.nodes.has(from) || !this.nodes.has(to) || from === to) continue;
      const edge: LineageEdge = { from, to, relation: e.relation, path: e.path, span: e.span };
      this.edges.push(edge);
      push(this.outgoing, from, edge);
      push(this.incoming, to, edge);
    }
    this.content = contentIndex(this.nodes, data);
    this.classifier = new Classifier(this);
  }

  /** Strongly connected groups of two or more nodes (or a node feeding itself). */
  get cycles(): readonly string[][] {
    return this.classifier.cycles();
  }

  private resolveRef(
    r: DataRef,
    locations: { re: Glob; asset: string }[],
    at: { path: string; span: LineageEdge['span'] },
    producer: boolean,
  ): string {
    if (this.nodes.has(r.ref)) return r.ref;
    const explicit = /^(hf:\/\/|https?:\/\/(www\.)?huggingface\.co\/)/i.test(r.ref);
    const repo = hubRepo(r.ref);
    const hubAsset = repo && this.hubAssets.get(repo.toLowerCase());
    if (hubAsset) return hubAsset;
    if (explicit && repo) return this.hubDataset(repo, at);
    const candidates = [...new Set([normalisePath(r.ref, r.base || this.root), normalisePath(r.ref, this.root)])];
    for (const p of candidates) {
      // Assets' local locations are written relative to the workspace folder, like the refs.
      const rel = this.root && p.startsWith(this.root + '/') ? p.slice(this.root.length + 1) : p;
      const asset = locations.find((l) => l.re.test(rel) || l.re.test(rel + '/'));
      if (asset) return asset.asset;
      if (this.nodes.has(p)) return p;
      const written = this.located.get(p);
      if (written) return written;
      // A file inside a folder another file produces (a model under its output_dir).
      for (let cut = p.lastIndexOf('/'); cut > 0; cut = p.lastIndexOf('/', cut - 1))
        if (this.nodes.get(p.slice(0, cut))?.kind === 'dataset') return p.slice(0, cut);
      // A training run's output folder, when exactly one config writes it (examples that all
      // write `outputs/out` name no one folder).
      for (let cut = p.length; cut > 0; cut = p.lastIndexOf('/', cut - 1)) {
        const writers = this.outputFolders().get(p.slice(0, cut));
        if (writers?.length === 1) return writers[0];
      }
    }
    // A name only its tool's registry resolves (a LLaMA-Factory dataset) is not a path: left unresolved.
    // An asset declared by the same name as the entry stands for it.
    if (r.strict) return r.alias && this.nodes.get(r.alias)?.kind === 'asset' ? r.alias : '';
    // A bare name (`alpaca_en`, a LLaMA-Factory dataset_info entry) names a dataset as written.
    if (!producer && /^[\w-]+$/.test(r.ref) && maskId(r.ref) === r.ref) {
      if (!this.nodes.has(r.ref))
        this.nodes.set(r.ref, { id: r.ref, kind: 'dataset', detail: 'named dataset', path: at.path, span: at.span });
      return r.ref;
    }
    if (!producer && repo) return this.hubDataset(repo, at);
    // A path written with a credential in it (`postgres://user:password@...`) names its node masked.
    const id = maskId(candidates[0]);
    if (!this.nodes.has(id))
      this.nodes.set(id, {
        id,
        kind: producer && /\.(safetensors|bin|gguf|pt|ckpt)$/.test(id) ? 'model' : 'dataset',
        path: at.path,
        span: at.span,
      });
    return id;
  }

  private outputs?: Map<string, string[]>;

  /** Training runs' output folders (`<config>#<folder>` nodes) by folder, relative like the refs. */
  private outputFolders(): Map<string, string[]> {
    if (this.outputs) return this.outputs;
    this.outputs = new Map();
    for (const n of this.nodes.values()) {
      const hash = n.id.indexOf('#');
      if (n.kind !== 'model' || hash < 0 || n.id.slice(0, hash) !== n.path) continue;
      push(this.outputs, normalisePath(n.id.slice(hash + 1), this.root), n.id);
    }
    return this.outputs;
  }

  private hubDataset(repo: string, at: { path: string; span: LineageEdge['span'] }): string {
    const id = hubNodeId(repo);
    if (!this.nodes.has(id))
      this.nodes.set(id, { id, kind: 'dataset', detail: 'hub dataset', path: at.path, span: at.span });
    return id;
  }

  node(id: string): Classified | undefined {
    const n = this.nodes.get(id);
    if (!n) return undefined;
    const c = this.carried.get(id);
    return { ...n, tier: c?.tier, crownJewel: c?.crownJewel ?? false };
  }

  all(): Classified[] {
    return [...this.nodes.keys()].map((id) => this.node(id)!);
  }

  into(id: string): readonly LineageEdge[] {
    return this.incoming.get(id) ?? [];
  }

  outOf(id: string): readonly LineageEdge[] {
    return this.outgoing.get(id) ?? [];
  }

  /** Everything upstream (or downstream) of a node, up to `depth` hops. */
  walk(id: string, direction: 'upstream' | 'downstream', depth = Infinity): Subgraph {
    if (!this.nodes.has(id)) return { nodes: [], edges: [] };
    const seen = new Map<string, number>([[id, 0]]);
    const edges: LineageEdge[] = [];
    const queue = [id];
    while (queue.length > 0) {
      const at = queue.shift()!;
      const d = seen.get(at)!;
      if (d >= depth) continue;
      for (const e of direction === 'upstream' ? this.into(at) : this.outOf(at)) {
        edges.push(e);
        const next = direction === 'upstream' ? e.from : e.to;
        if (!seen.has(next)) {
          seen.set(next, d + 1);
          queue.push(next);
        }
      }
    }
    return { nodes: [...seen.keys()].map((n) => this.node(n)!), edges };
  }

  /** The shortest downstream path from one node to another (or upstream when none goes down). */
  path(from: string, to: string): Subgraph | undefined {
    for (const direction of ['downstream', 'upstream'] as const) {
      const previous = new Map<string, LineageEdge | null>([[from, null]]);
      const queue = [from];
      while (queue.length > 0 && !previous.has(to)) {
        const at = queue.shift()!;
        for (const e of direction === 'downstream' ? this.outOf(at) : this.into(at)) {
          const next = direction === 'downstream' ? e.to : e.from;
          if (!previous.has(next)) {
            previous.set(next, e);
            queue.push(next);
          }
        }
      }
      if (!previous.has(to)) continue;
      const edges: LineageEdge[] = [];
      for (let at = to; previous.get(at);) {
        const e = previous.get(at)!;
        edges.unshift(e);
        at = direction === 'downstream' ? e.from : e.to;
      }
      const ids = [from, ...edges.map((e) => (direction === 'downstream' ? e.to : e.from))];
      return { nodes: ids.map((n) => this.node(n)!), edges };
    }
    return undefined;
  }

  /**
   * The node named at `offset` of the file at `path`: a node declared there, or the node an
   * edge written there points at (an input id, a dataset path in a config), with the span.
   */
  nameAt(path: string, offset: number): { id: string; span: Span } | undefined {
    const inside = (s: Span) => offset >= s.offset && offset <= s.offset + s.length;
    for (const n of this.nodes.values())
      if (n.path === path && n.span.length > 0 && inside(n.span)) return { id: n.id, span: n.span };
    const edge = this.edges.find((e) => e.path === path && inside(e.span));
    return edge ? { id: NAMES_SOURCE.has(edge.relation) ? edge.from : edge.to, span: edge.span } : undefined;
  }

  /** A cycle through `id` (the ids from `id` round to just before it again), if the node is on one. */
  cycleThrough(id: string): string[] | undefined {
    const previous = new Map<string, string>([[id, '']]);
    const queue = [id];
    for (let q = 0; q < queue.length; q++) {
      const at = queue[q];
      for (const e of this.outOf(at)) {
        if (e.to === id) {
          const chain: string[] = [];
          for (let p = at; p !== ''; p = previous.get(p)!) chain.unshift(p);
          return chain;
        }
        if (!previous.has(e.to)) {
          previous.set(e.to, at);
          queue.push(e.to);
        }
      }
    }
    return undefined;
  }

  /** The models (releases, deployments, hub repositories, model nodes) downstream of an asset. */
  modelsCarrying(id: string, kinds: readonly NodeKind[]): Classified[] {
    return this.walk(id, 'downstream').nodes.filter((n) => n.id !== id && kinds.includes(n.kind));
  }

  /** Why a node has its tier: the chain back to the declaration that decided it. */
  explain(id: string): Hop[] {
    const hops: Hop[] = [];
    const seen = new Set<string>();
    let at: string | undefined = id;
    let reason: Hop['reason'] | undefined;
    while (at && !seen.has(at)) {
      seen.add(at);
      const n = this.node(at)!;
      const b = this.because.get(at);
      reason = b === undefined ? 'unclassified' : typeof b === 'string' ? b : b.relation;
      const content = reason === 'content' ? this.content.get(at) : undefined;
      hops.push({
        id: n.id,
        kind: n.kind,
        tier: n.tier,
        path: n.path,
        span: n.span,
        reason,
        ...(content ? { content: contentWords(content) } : {}),
      });
      at = b && typeof b !== 'string' ? b.from : undefined;
    }
    return hops;
  }

  /** Every declared source whose data reaches the node, the tier it arrives with, and which decides the node's. */
  sources(id: string): Source[] {
    return contributingSources(this, id);
  }

  tierRank(tier: string | undefined): number {
    return findTier(this.governance, tier)?.rank ?? -1;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
