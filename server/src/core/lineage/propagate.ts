import { findTier, type Tier } from '../governance/model';
import { merge, methodsFor, NOTHING, ALL_METHODS, type Carried } from './carried';
import type { GraphView, LineageEdge } from './model';

export type Because = { from: string; relation: LineageEdge['relation'] | 'redacted' } | 'declared' | 'content';

/**
 * Classification follows lineage: each node carries the highest tier of what flows into it,
 * except that what leaves a stage declared to redact or anonymise (and saying what it removes)
 * is no longer crown-jewel and keeps at most the highest tier that is not.
 *
 * Lazy: a node is classified when asked, from its upstream only, so that the diagnostics of one
 * edited manifest cost what lies upstream of it, not the whole workspace. Walking upstream is
 * iterative (a long chain cannot exhaust the stack). Meeting a cycle, or being asked for the
 * cycles, classifies everything at once: strongly connected components (Tarjan's algorithm),
 * upstream first, the members of a cycle sharing what flows into it. Never loops.
 */
export class Classifier {
  private readonly carried = new Map<string, Carried>();
  private readonly because = new Map<string, Because>();
  private readonly own = new Map<string, Carried>();
  private readonly highestPlain: Tier | undefined;
  /** The least crown-jewel tier: what a file whose content shows crown-jewel kinds carries at least. */
  private readonly lowestCrownJewel: Tier | undefined;
  /** Nodes whose own tier comes from what their file shows rather than from a declaration. */
  private readonly byContent = new Set<string>();
  private cycleList: string[][] | undefined;

  constructor(private readonly graph: GraphView) {
    this.highestPlain = [...graph.governance.tiers].filter((t) => !t.crownJewel).sort((a, b) => b.rank - a.rank)[0];
    this.lowestCrownJewel = [...graph.governance.tiers].filter((t) => t.crownJewel).sort((a, b) => a.rank - b.rank)[0];
  }

  /** What a node carries; undefined for an unknown node. */
  carriedOf(id: string): Carried | undefined {
    if (!this.graph.nodes.has(id)) return undefined;
    if (!this.carried.has(id)) this.upstreamFirst(id);
    return this.carried.get(id);
  }

  /** Why a node carries its tier: declared on it, or the predecessor it came from. */
  becauseOf(id: string): Because | undefined {
    this.carriedOf(id);
    return this.because.get(id);
  }

  /**
   * Forgets what `changed` nodes and everything downstream of them carry (their edges or
   * declarations changed): classified again when next asked, the rest kept.
   */
  invalidate(changed: Iterable<string>): void {
    this.cycleList = undefined;
    const queue = [...new Set(changed)];
    const seen = new Set(queue);
    for (let q = 0; q < queue.length; q++) {
      const id = queue[q];
      this.carried.delete(id);
      this.because.delete(id);
      this.own.delete(id);
      for (const e of this.graph.outOf(id))
        if (!seen.has(e.to) && this.carried.has(e.to)) {
          seen.add(e.to);
          queue.push(e.to);
        }
    }
  }

  /** Every cycle (strongly connected groups of two or more nodes, or a node feeding itself). */
  cycles(): readonly string[][] {
    if (!this.cycleList) this.all();
    return this.cycleList!;
  }

  /** Why a node's own tier is what it is: its declaration, or its file's content. */
  private ownReason(id: string): 'declared' | 'content' {
    return this.byContent.has(id) ? 'content' : 'declared';
  }

  private declared(id: string): Carried {
    const n = this.graph.nodes.get(id)!;
    if (n.declaredTier === undefined) return this.shown(id);
    let c = this.own.get(id);
    if (!c) {
      const g = this.graph.governance;
      const tier = findTier(g, n.declaredTier);
      const crownJewel = tier?.crownJewel ?? false;
      const asset = n.kind === 'asset' ? g.assets.find((a) => a.id === id) : undefined;
      c = {
        tier: n.declaredTier,
        rank: tier?.rank ?? 0,
        crownJewel,
        assets: crownJewel ? [id] : [],
        allowedMethods: crownJewel ? methodsFor(asset?.allowedUses ?? []) : ALL_METHODS,
        maxRetentionDays: asset?.retentionDays,
        domains: crownJewel && asset?.domain ? [asset.domain] : [],
      };
      this.own.set(id, c);
    }
    return c;
  }

  /**
   * A node whose data file holds crown-jewel kinds (SSNs, secrets) is crown-jewel whatever the
   * stages upstream claim: it carries at least the least crown-jewel tier, from no asset.
   */
  private shown(id: string): Carried {
    const cached = this.own.get(id);
    if (cached) return cached;
    const tier = this.lowestCrownJewel;
    const content = tier && this.graph.content?.get(id);
    if (!tier || !content) return NOTHING;
    const c: Carried = {
      tier: tier.id,
      rank: tier.rank,
      crownJewel: true,
      assets: [],
      allowedMethods: methodsFor([]),
      domains: [],
    };
    this.own.set(id, c);
    this.byContent.add(id);
    return c;
  }

  /** What an edge carries into its target: its source's data, redacted when the source is a redacting stage. */
  private along(e: LineageEdge): { carried: Carried; redacted: boolean } {
    const c = this.carried.get(e.from) ?? NOTHING;
    if (!this.graph.nodes.get(e.from)!.redacts || !c.crownJewel) return { carried: c, redacted: false };
    const plain = this.highestPlain;
    return {
      carried: {
        ...c,
        crownJewel: false,
        assets: [],
        domains: [],
        allowedMethods: ALL_METHODS,
        tier: plain?.id,
        rank: Math.min(c.rank, plain?.rank ?? 0),
      },
      redacted: true,
    };
  }

  /** Classifies a group whose upstream is classified: one node, or the members of a cycle. */
  private component(members: readonly string[]): void {
    const inside = members.length > 1 ? new Set(members) : undefined;
    let carried = NOTHING;
    let because: Because | undefined;
    for (const id of members) {
      const own = this.declared(id);
      if (own !== NOTHING && own.rank > carried.rank) because = this.ownReason(id);
      carried = merge(carried, own);
      for (const e of this.graph.into(id)) {
        if (inside?.has(e.from) || e.from === id) continue;
        const { carried: c, redacted } = this.along(e);
        if (c !== NOTHING && c.rank > carried.rank)
          because = { from: e.from, relation: redacted ? 'redacted' : e.relation };
        carried = merge(carried, c);
      }
    }
    for (const id of members) {
      this.carried.set(id, carried);
      const own = this.declared(id);
      if (own !== NOTHING && own.rank >= carried.rank) this.because.set(id, this.ownReason(id));
      else if (because === 'declared' || because === 'content') {
        // In a cycle, a member declared with the top tier explains the others.
        const source = members.find((m) => this.declared(m) !== NOTHING && this.declared(m).rank === carried.rank)!;
        this.because.set(id, { from: source, relation: 'input' });
      } else if (because) this.because.set(id, because);
    }
  }

  /** Classifies `id` and its unclassified upstream, depth first; on a cycle, everything. */
  private upstreamFirst(id: string): void {
    const onPath = new Set<string>([id]);
    const frames: [string, number][] = [[id, 0]];
    while (frames.length > 0) {
      const frame = frames[frames.length - 1];
      const [v, i] = frame;
      const into = this.graph.into(v);
      if (i < into.length) {
        frame[1]++;
        const u = into[i].from;
        if (this.carried.has(u)) continue;
        if (onPath.has(u)) return this.all();
        onPath.add(u);
        frames.push([u, 0]);
        continue;
      }
      frames.pop();
      onPath.delete(v);
      this.component([v]);
    }
  }

  /** Classifies every node, component by component, upstream first, and records the cycles. */
  private all(): void {
    this.carried.clear();
    this.because.clear();
    this.cycleList = [];
    for (const component of components(this.graph)) {
      if (component.length > 1 || this.graph.outOf(component[0]).some((e) => e.to === component[0]))
        this.cycleList.push(component);
      this.component(component);
    }
  }
}

/** Strongly connected components, each listed after every component upstream of it. */
function components(graph: GraphView): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;
  for (const root of graph.nodes.keys()) {
    if (index.has(root)) continue;
    // Each frame: a node and how many of its outgoing edges have been looked at.
    const frames: [string, number][] = [[root, 0]];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1];
      const [v, i] = frame;
      const edges = graph.outOf(v);
      if (i < edges.length) {
        frame[1]++;
        const w = edges[i].to;
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          frames.push([w, 0]);
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
        continue;
      }
      frames.pop();
      if (frames.length > 0) {
        const parent = frames[frames.length - 1][0];
        low.set(parent, Math.min(low.get(parent)!, low.get(v)!));
      }
      if (low.get(v) === index.get(v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        out.push(component);
      }
    }
  }
  // Tarjan emits a component after everything downstream of it: reverse for upstream first.
  return out.reverse();
}
