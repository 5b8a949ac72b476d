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

/** Where an edge stands in the order edges are resolved: reference-producing edges first, then file by file. */
interface Place {
  readonly group: 0 | 1;
  readonly ord: number;
  readonly index: number;
}

interface Resolved {
  readonly edge: LineageEdge;
  readonly at: Place;
  kept: boolean;
}

/** One file's part of the graph, kept apart so that an edit replaces it alone. */
interface Slot {
  readonly path: string;
  readonly ord: number;
  readonly contribution: Contribution;
  /** Its nodes, ids in canonical form, in file order. */
  readonly nodes: readonly LineageNode[];
  /** Its edges in file order: those whose downstream end is a reference (group 0), then the rest (group 1). */
  readonly edges: readonly Resolved[];
  /** Every id and folder its references looked up while being resolved. */
  readonly probes: readonly string[];
  /** One of its references resolved to, or created, a node no file declares. */
  readonly implicit: boolean;
}

/** A node no file declares, created by the reference that first named it. */
interface Implicit {
  readonly node: LineageNode;
  readonly at: Place;
}

/** Edits of more files than this at once are rebuilt from scratch, which costs about as much. */
const PATCH_LIMIT = 64;
const PATCH_EDGES = 2_000;

const before = (a: Place, b: Place): boolean =>
  a.group !== b.group ? a.group < b.group : a.ord !== b.ord ? a.ord < b.ord : a.index <= b.index;

/** A resolution that a patch cannot reproduce without the whole graph: the caller rebuilds. */
class NeedsRebuild extends Error {}

/**
 * The workspace's lineage, built from each file's contribution and classified. Building is
 * linear in nodes and edges. Each file's nodes and resolved edges are kept apart in file order,
 * so that `update` replaces the contributions of edited files in place and classifies again
 * only what lies downstream of the change; whenever the change could resolve another file's
 * references differently, it rebuilds the whole graph, which is always correct.
 */
export class LineageGraph implements GraphView {
  readonly nodes = new Map<string, LineageNode>();
  private readonly outgoing = new Map<string, LineageEdge[]>();
  private readonly incoming = new Map<string, LineageEdge[]>();
  private classifier!: Classifier;
  private readonly hubAssets: Map<string, string>;
  private readonly locations: { re: Glob; asset: string }[];
  private readonly canon: (id: string) => string;
  private readonly slots = new Map<string, Slot>();
  private nextOrd = 0;
  /** For each declared id, the files declaring it, in file order: the first one's node is the id's. */
  private readonly declarers = new Map<string, Slot[]>();
  private readonly implicit = new Map<string, Implicit>();
  /** How many files' references looked each id or folder up. */
  private readonly probed = new Map<string, number>();
  /** For each node id, the files with an edge at it. */
  private readonly ends = new Map<string, Set<Slot>>();
  private edgeList: LineageEdge[] | undefined;
  private duplicated = false;
  /** How the last `update` went: patched in place, or rebuilt (for tests and benchmarks). */
  lastUpdate: 'patched' | 'rebuilt' | 'unchanged' = 'rebuilt';
  /** What each node carries after propagation (computed when first asked). */
  readonly carried: { get(id: string): Carried | undefined } = { get: (id) => this.classifier.carriedOf(id) };
  private contentIndex?: { get(id: string): NodeContent | undefined };
  /** What each node's data file shows (crown-jewel kinds), from the profiled files the graph was given. */
  get content(): { get(id: string): NodeContent | undefined } {
    return (this.contentIndex ??= contentIndex(this.nodes, this.data));
  }
  /** Nodes by the file that holds their data (a stage output's `location`), so that a path written elsewhere finds them. */
  private readonly located = new Map<string, string>();
  /** The predecessor that decided each node's tier, or `declared`. */
  readonly because: { get(id: string): Because | undefined } = { get: (id) => this.classifier.becauseOf(id) };

  constructor(
    readonly governance: Governance,
    contributions: Iterable<Contribution>,
    /** The workspace folder that paths written as workspace-relative start from. */
    readonly root = '',
    /** Profiled data files by path: what they show can raise a node's tier. */
    readonly data?: DataContents,
  ) {
    // An org-less hub repository (`hf://zephyr-7b-sft-full`, a push named without its owner) is
    // created under the pushing account, which the manifest's `hub.namespace` names.
    const namespace = governance.hub?.namespace;
    this.canon = (id: string): string =>
      namespace && id.startsWith('hf://') && !id.slice(5).includes('/')
        ? `hf://${maskId(namespace)}/${id.slice(5)}`
        : id;
    this.locations = governance.assets.flatMap((a) => a.locations.map((l) => ({ re: compileGlob(l), asset: a.id })));
    // Locations written as hub ids, in any of their forms, match a reference in any other form.
    this.hubAssets = new Map(
      governance.assets.flatMap((a) =>
        a.locations.flatMap((l) => {
          const repo = /[*?[]/.test(l) ? undefined : hubRepo(l);
          return repo ? [[repo.toLowerCase(), a.id] as [string, string]] : [];
        }),
      ),
    );
    this.build([...contributions]);
  }

  /** Every edge, reference-producing ones first, each group file by file. */
  get edges(): readonly LineageEdge[] {
    if (!this.edgeList) {
      const list: LineageEdge[] = [];
      for (const group of [0, 1])
        for (const s of this.slots.values())
          for (const r of s.edges) if (r.kept && r.at.group === group) list.push(r.edge);
      this.edgeList = list;
    }
    return this.edgeList;
  }

  /** The nodes whose file is `path`, in the order of `nodes`: those it declares first, then those its references created. */
  nodesIn(path: string): LineageNode[] {
    if (this.duplicated) return [...this.nodes.values()].filter((n) => n.path === path);
    const out: LineageNode[] = [];
    for (const n of this.slots.get(path)?.nodes ?? []) if (n.path === path && this.nodes.get(n.id) === n) out.push(n);
    for (const { node } of this.implicit.values()) if (node.path === path) out.push(node);
    return out;
  }

  /** The contributions the graph is built from, in file order. */
  contributions(): Contribution[] {
    return [...this.slots.values()].map((s) => s.contribution);
  }

  /**
   * Brings the graph to `contributions` (the workspace's files in order): the files whose
   * contribution changed (another object), disappeared or were added at the end are patched
   * in; anything else, or a change another file's references could see, rebuilds.
   */
  update(contributions: readonly Contribution[]): void {
    // What data files show decides tiers across the graph: with profiles given, every change rebuilds.
    if (this.duplicated || (this.data !== undefined && this.data.size > 0)) return this.rebuild(contributions);
    const next = new Map<string, Contribution>();
    const changed: { old?: Slot; c?: Contribution }[] = [];
    let lastOrd = -1;
    let added = false;
    for (const c of contributions) {
      if (next.has(c.path)) return this.rebuild(contributions);
      next.set(c.path, c);
      const s = this.slots.get(c.path);
      if (!s) {
        added = true;
        changed.push({ c });
        continue;
      }
      // A file that moved, or an old one after a new one, changes the order: rebuilt.
      if (added || s.ord < lastOrd) return this.rebuild(contributions);
      lastOrd = s.ord;
      if (s.contribution !== c) changed.push({ old: s, c });
    }
    for (const s of this.slots.values()) if (!next.has(s.path)) changed.push({ old: s });
    if (changed.length === 0) {
      this.lastUpdate = 'unchanged';
      return;
    }
    // Relinking a node reads the edges of the files at it: a file with thousands of edges rebuilds.
    const edges = changed.reduce((n, ch) => n + (ch.old?.edges.length ?? 0) + (ch.c?.edges.length ?? 0), 0);
    if (changed.length > PATCH_LIMIT || edges > PATCH_EDGES || !this.patch(changed)) return this.rebuild(contributions);
    this.lastUpdate = 'patched';
  }

  private rebuild(contributions: readonly Contribution[]): void {
    this.nodes.clear();
    this.outgoing.clear();
    this.incoming.clear();
    this.slots.clear();
    this.declarers.clear();
    this.implicit.clear();
    this.probed.clear();
    this.ends.clear();
    this.outputs = undefined;
    this.duplicated = false;
    this.build(contributions);
    this.lastUpdate = 'rebuilt';
  }

  private build(list: readonly Contribution[]): void {
    this.edgeList = undefined;
    this.contentIndex = undefined;
    const slots = list.map((c) => ({
      path: c.path,
      ord: this.nextOrd++,
      contribution: c,
      nodes: this.canonNodes(c),
      edges: [] as Resolved[],
      probes: [] as string[],
      implicit: false,
    }));
    for (const s of slots) {
      // Two contributions of one path (never from a workspace's files) are kept, and rebuilt on any change.
      if (this.slots.has(s.path)) this.duplicated = true;
      this.slots.set(this.slots.has(s.path) ? `${s.path}\u0000${s.ord}` : s.path, s);
      this.declare(s);
    }
    for (const s of slots) for (const n of s.nodes) if (!this.nodes.has(n.id)) this.nodes.set(n.id, n);
    // A stage output's `location` names its file: a path written elsewhere finds the node by it.
    this.located.clear();
    for (const s of slots)
      for (const n of s.nodes)
        if (n.location !== undefined && !this.located.has(n.location)) this.located.set(n.location, n.id);
    // Outputs first, so that a reference elsewhere finds the node a producer declared.
    for (const group of [0, 1] as const)
      for (const s of slots) {
        const edges = s.contribution.edges;
        for (let index = 0; index < edges.length; index++) {
          const e = edges[index];
          if ((typeof e.to === 'string' ? 1 : 0) !== group) continue;
          const at = { group, ord: s.ord, index };
          const probes = s.probes;
          const from = this.resolveEnd(e.from, e, false, at, probes);
          const to = this.resolveEnd(e.to, e, true, at, probes);
          if (this.implicit.has(from) || this.implicit.has(to)) {
            if (typeof e.from !== 'string' || typeof e.to !== 'string') s.implicit = true;
          }
          const kept = this.nodes.has(from) && this.nodes.has(to) && from !== to;
          const edge: LineageEdge = { from, to, relation: e.relation, path: e.path, span: e.span };
          s.edges.push({ edge, at, kept });
        }
      }
    for (const s of slots) {
      for (const p of s.probes) this.probed.set(p, (this.probed.get(p) ?? 0) + 1);
      this.endsOf(s, true);
    }
    for (const group of [0, 1])
      for (const s of slots)
        for (const r of s.edges)
          if (r.kept && r.at.group === group) {
            push(this.outgoing, r.edge.from, r.edge);
            push(this.incoming, r.edge.to, r.edge);
          }
    this.classifier = new Classifier(this);
  }

  private canonNodes(c: Contribution): LineageNode[] {
    return c.nodes.map((n) => {
      const id = this.canon(n.id);
      return id === n.id ? n : { ...n, id };
    });
  }

  private declare(s: Slot, add = true): void {
    const ids = new Set(s.nodes.map((n) => n.id));
    for (const id of ids) {
      const list = this.declarers.get(id);
      if (add) {
        if (!list) this.declarers.set(id, [s]);
        else {
          list.push(s);
          if (list.length > 1 && list[list.length - 2].ord > s.ord) list.sort((a, b) => a.ord - b.ord);
        }
      } else if (list) {
        const i = list.indexOf(s);
        if (i >= 0) list.splice(i, 1);
        if (list.length === 0) this.declarers.delete(id);
      }
    }
  }

  private endsOf(s: Slot, add: boolean): void {
    for (const r of s.edges)
      for (const id of [r.edge.from, r.edge.to]) {
        let set = this.ends.get(id);
        if (add) {
          if (!set) this.ends.set(id, (set = new Set()));
          set.add(s);
        } else if (set) {
          set.delete(s);
          if (set.size === 0) this.ends.delete(id);
        }
      }
  }

  /** The node an id names, as it stood when the edge at `at` was resolved (nodes no file declares appear where first named). */
  private presentAt(id: string, at: Place, explicit: (id: string) => boolean): boolean {
    if (explicit(id)) return true;
    const i = this.implicit.get(id);
    return i !== undefined && before(i.at, at);
  }

  /**
   * Replaces the changed files' contributions; false when the change could make another
   * file's reference resolve differently (a rebuild decides then).
   */
  private patch(changes: readonly { old?: Slot; c?: Contribution }[]): boolean {
    if (changes.some((ch) => ch.old?.implicit)) return false;
    // A node found by its `location` may be what other files' paths resolve to: a change to one rebuilds.
    const located = (nodes: readonly LineageNode[]) => nodes.some((n) => n.location !== undefined);
    if (changes.some((ch) => located(ch.old?.nodes ?? []) || located(ch.c?.nodes ?? []))) return false;
    const olds = new Set(changes.flatMap((ch) => (ch.old ? [ch.old] : [])));
    const fresh = changes.map((ch) => {
      const ord = ch.old ? ch.old.ord : this.nextOrd++;
      const slot = ch.c
        ? {
            path: ch.c.path,
            ord,
            contribution: ch.c,
            nodes: this.canonNodes(ch.c),
            edges: [] as Resolved[],
            probes: [] as string[],
            implicit: false,
          }
        : undefined;
      return { old: ch.old, slot };
    });
    // Declarations after the change, for every id a changed file declared before or declares now.
    const declarers = new Map<string, Slot[]>();
    for (const { old, slot } of fresh)
      for (const n of [...(old?.nodes ?? []), ...(slot?.nodes ?? [])]) {
        if (declarers.has(n.id)) continue;
        declarers.set(
          n.id,
          (this.declarers.get(n.id) ?? []).filter((d) => !olds.has(d)),
        );
      }
    for (const { slot } of fresh) {
      if (!slot) continue;
      for (const id of new Set(slot.nodes.map((n) => n.id))) declarers.get(id)!.push(slot);
    }
    for (const list of declarers.values()) list.sort((a, b) => a.ord - b.ord);
    // The node a file declares under an id after the change.
    const winner = (id: string): LineageNode | undefined => {
      const list = declarers.get(id);
      if (!list) return this.declarers.has(id) ? this.nodes.get(id) : undefined;
      return list[0]?.nodes.find((n) => n.id === id);
    };
    const explicit = (id: string): boolean => winner(id) !== undefined;
    // What changed among the nodes, and whether another file's references could see it.
    const oldProbes = new Map<string, number>();
    for (const s of olds) for (const p of s.probes) oldProbes.set(p, (oldProbes.get(p) ?? 0) + 1);
    const seenElsewhere = (key: string) => (this.probed.get(key) ?? 0) > (oldProbes.get(key) ?? 0);
    const present = new Set<string>();
    const changedNodes = new Set<string>();
    let reorder = false;
    for (const [id, list] of declarers) {
      // A node no file declared, created by a reference: which reference creates it is the order's.
      if (this.implicit.has(id)) return false;
      const before = this.nodes.get(id);
      const after = winner(id);
      if (before === after) continue;
      changedNodes.add(id);
      if (this.declarers.get(id)?.[0]?.ord !== list[0]?.ord || (before === undefined) !== (after === undefined))
        reorder = true;
      if ((before === undefined) !== (after === undefined) || before?.kind !== after?.kind) {
        if (seenElsewhere(id)) return false;
        present.add(id);
      }
      // Output folders are what references inside them resolve to: a change there rebuilds.
      if ((before !== undefined && this.isOutputFolder(before)) !== (after !== undefined && this.isOutputFolder(after)))
        return false;
    }
    // The files' own order of the ids they are first to declare.
    for (const { old, slot } of fresh) {
      if (!old || !slot) continue;
      const firsts = (s: Slot, own: (id: string) => boolean) => {
        const seen = new Set<string>();
        return s.nodes.filter((n) => !seen.has(n.id) && (seen.add(n.id), own(n.id))).map((n) => n.id);
      };
      const a = firsts(old, (id) => this.declarers.get(id)?.[0] === old);
      const b = firsts(slot, (id) => declarers.get(id)?.[0] === slot);
      if (a.length !== b.length || a.some((id, i) => id !== b[i])) reorder = true;
    }
    // The changed files' edges, resolved against the nodes after the change.
    try {
      for (const { slot } of fresh) {
        if (!slot) continue;
        const edges = slot.contribution.edges;
        for (const group of [0, 1] as const)
          for (let index = 0; index < edges.length; index++) {
            const e = edges[index];
            if ((typeof e.to === 'string' ? 1 : 0) !== group) continue;
            const at = { group, ord: slot.ord, index };
            const from = this.resolvePatched(e.from, e, false, slot.probes, winner);
            const to = this.resolvePatched(e.to, e, true, slot.probes, winner);
            const kept = this.presentAt(from, at, explicit) && this.presentAt(to, at, explicit) && from !== to;
            slot.edges.push({ edge: { from, to, relation: e.relation, path: e.path, span: e.span }, at, kept });
          }
      }
    } catch (err) {
      if (err instanceof NeedsRebuild) return false;
      throw err;
    }

    // Nothing below can fail: apply.
    this.edgeList = undefined;
    const touched = new Set<string>();
    const targets = new Set<string>();
    for (const { old } of fresh) {
      if (old) {
        this.endsOf(old, false);
        this.declare(old, false);
        for (const p of old.probes) {
          const n = this.probed.get(p)! - 1;
          if (n > 0) this.probed.set(p, n);
          else this.probed.delete(p);
        }
        for (const r of old.edges)
          if (r.kept) {
            touched.add(r.edge.from).add(r.edge.to);
            targets.add(r.edge.to);
          }
      }
    }
    // Files keep their place (setting a key already there keeps it); a new one goes last.
    for (const { old, slot } of fresh) {
      if (slot) this.slots.set(slot.path, slot);
      else this.slots.delete(old!.path);
    }
    for (const { slot } of fresh) {
      if (!slot) continue;
      this.endsOf(slot, true);
      this.declare(slot, true);
      for (const p of slot.probes) this.probed.set(p, (this.probed.get(p) ?? 0) + 1);
      for (const r of slot.edges)
        if (r.kept) {
          touched.add(r.edge.from).add(r.edge.to);
          targets.add(r.edge.to);
        }
    }
    if (reorder) {
      this.nodes.clear();
      for (const s of this.slots.values()) for (const n of s.nodes) if (!this.nodes.has(n.id)) this.nodes.set(n.id, n);
      for (const [id, i] of this.implicit) this.nodes.set(id, i.node);
    } else
      for (const id of changedNodes) {
        const n = winner(id);
        if (n) this.nodes.set(id, n);
      }
    // Other files' edges at a node that appeared or went away.
    for (const id of present)
      for (const s of this.ends.get(id) ?? [])
        for (const r of s.edges) {
          if (r.edge.from !== id && r.edge.to !== id) continue;
          const kept =
            this.presentAt(r.edge.from, r.at, explicit) &&
            this.presentAt(r.edge.to, r.at, explicit) &&
            r.edge.from !== r.edge.to;
          if (kept === r.kept) continue;
          r.kept = kept;
          touched.add(r.edge.from).add(r.edge.to);
          targets.add(r.edge.to);
        }
    for (const id of touched) this.relink(id);
    if ([...changedNodes].some((id) => this.outputsChange(id))) this.outputs = undefined;
    this.classifier.invalidate([...changedNodes, ...targets]);
    return true;
  }

  private outputsChange(id: string): boolean {
    const n = this.nodes.get(id);
    return n !== undefined && this.isOutputFolder(n);
  }

  /** The edges at one node again, in the graph's order, from the files with an edge there. */
  private relink(id: string): void {
    const slots = [...(this.ends.get(id) ?? [])].sort((a, b) => a.ord - b.ord);
    const into: LineageEdge[] = [];
    const out: LineageEdge[] = [];
    for (const group of [0, 1])
      for (const s of slots)
        for (const r of s.edges) {
          if (!r.kept || r.at.group !== group) continue;
          if (r.edge.to === id) into.push(r.edge);
          if (r.edge.from === id) out.push(r.edge);
        }
    if (into.length > 0) this.incoming.set(id, into);
    else this.incoming.delete(id);
    if (out.length > 0) this.outgoing.set(id, out);
    else this.outgoing.delete(id);
  }

  private isOutputFolder(n: LineageNode): boolean {
    const hash = n.id.indexOf('#');
    return n.kind === 'model' && hash >= 0 && n.id.slice(0, hash) === n.path;
  }

  private resolveEnd(
    end: End,
    c: { path: string; span: Span },
    producer: boolean,
    at: Place,
    probes: string[],
  ): string {
    if (typeof end === 'string') return this.canon(end);
    return this.resolveRef(end, c, producer, at, probes);
  }

  /** A changed file's edge end, as a fresh build would resolve it, or NeedsRebuild when that takes a node no file declares. */
  private resolvePatched(
    end: End,
    c: { path: string; span: Span },
    producer: boolean,
    probes: string[],
    after: (id: string) => LineageNode | undefined,
  ): string {
    if (typeof end === 'string') return this.canon(end);
    return this.resolveRef(end, c, producer, undefined, probes, after);
  }

  /** Strongly connected groups of two or more nodes (or a node feeding itself). */
  get cycles(): readonly string[][] {
    return this.classifier.cycles();
  }

  /**
   * Resolves a reference. Building, `at` is where the edge stands and a node no file declares
   * is created there; patching (`after` gives the declared nodes after the change), a reference that would meet or create such
   * a node throws NeedsRebuild, since which reference creates it depends on the whole order.
   * Every id and folder looked up goes to `probes`.
   */
  private resolveRef(
    r: DataRef,
    c: { path: string; span: Span },
    producer: boolean,
    at: Place | undefined,
    probes: string[],
    after?: (id: string) => LineageNode | undefined,
  ): string {
    const lookup = (id: string): LineageNode | undefined => {
      probes.push(id);
      if (!after) return this.nodes.get(id);
      const n = after(id);
      if (n === undefined && this.implicit.has(id)) throw new NeedsRebuild();
      return n;
    };
    const make = (node: LineageNode): string => {
      if (lookup(node.id)) return node.id;
      if (!at) throw new NeedsRebuild();
      this.nodes.set(node.id, node);
      this.implicit.set(node.id, { node, at });
      return node.id;
    };
    const hubDataset = (repo: string) => {
      const id = hubNodeId(repo);
      return make({ id, kind: 'dataset', detail: 'hub dataset', path: c.path, span: c.span });
    };
    if (lookup(r.ref)) return r.ref;
    const hubLink = /^(hf:\/\/|https?:\/\/(www\.)?huggingface\.co\/)/i.test(r.ref);
    const repo = hubRepo(r.ref);
    const hubAsset = repo && this.hubAssets.get(repo.toLowerCase());
    if (hubAsset) return hubAsset;
    if (hubLink && repo) return hubDataset(repo);
    const candidates = [...new Set([normalisePath(r.ref, r.base || this.root), normalisePath(r.ref, this.root)])];
    for (const p of candidates) {
      // Assets' local locations are written relative to the workspace folder, like the refs.
      const rel = this.root && p.startsWith(this.root + '/') ? p.slice(this.root.length + 1) : p;
      const asset = this.locations.find((l) => l.re.test(rel) || l.re.test(rel + '/'));
      if (asset) return asset.asset;
      if (lookup(p)) return p;
      const written = this.located.get(p);
      if (written) return written;
      // A file inside a folder another file produces (a model under its output_dir).
      for (let cut = p.lastIndexOf('/'); cut > 0; cut = p.lastIndexOf('/', cut - 1)) {
        const kind = lookup(p.slice(0, cut))?.kind;
        if (kind === 'dataset') return p.slice(0, cut);
      }
      // A training run's output folder, when exactly one config writes it (examples that all
      // write `outputs/out` name no one folder).
      for (let cut = p.length; cut > 0; cut = p.lastIndexOf('/', cut - 1)) {
        probes.push(p.slice(0, cut));
        const writers = this.outputFolders().get(p.slice(0, cut));
        if (writers?.length === 1) return writers[0];
      }
    }
    // A name only its tool's registry resolves (a LLaMA-Factory dataset) is not a path: left unresolved.
    // An asset declared by the same name as the entry stands for it.
    if (r.strict) return r.alias && lookup(r.alias)?.kind === 'asset' ? r.alias : '';
    // A bare name (`alpaca_en`, a LLaMA-Factory dataset_info entry) names a dataset as written.
    if (!producer && /^[\w-]+$/.test(r.ref) && maskId(r.ref) === r.ref)
      return make({ id: r.ref, kind: 'dataset', detail: 'named dataset', path: c.path, span: c.span });
    if (!producer && repo) return hubDataset(repo);
    // A path written with a credential in it (`postgres://user:password@...`) names its node masked.
    const id = maskId(candidates[0]);
    return make({
      id,
      kind: producer && /\.(safetensors|bin|gguf|pt|ckpt)$/.test(id) ? 'model' : 'dataset',
      path: c.path,
      span: c.span,
    });
  }

  private outputs?: Map<string, string[]>;

  /** Training runs' output folders (`<config>#<folder>` nodes) by folder, relative like the refs. */
  private outputFolders(): Map<string, string[]> {
    if (this.outputs) return this.outputs;
    this.outputs = new Map();
    for (const n of this.nodes.values())
      if (this.isOutputFolder(n)) push(this.outputs, normalisePath(n.id.slice(n.id.indexOf('#') + 1), this.root), n.id);
    return this.outputs;
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
