import { findTier } from '../governance/model';
import { merge, methodsFor, NOTHING, ALL_METHODS, type Carried } from './carried';
import type { LineageGraph } from './graph';
import type { LineageEdge } from './model';

/**
 * Classification follows lineage: each node carries the highest tier of what flows into it,
 * except that what leaves a stage declared to redact or anonymise (and saying what it removes)
 * is no longer crown-jewel and keeps at most the highest tier that is not.
 *
 * Strongly connected components (Tarjan's algorithm, iterative so that a long chain cannot
 * exhaust the stack) are visited upstream first; the members of a cycle share what flows into
 * the cycle, and the cycle is recorded for a finding. Linear in nodes and edges; never loops.
 */
export function classify(graph: LineageGraph): void {
  const g = graph.governance;
  const highestPlain = [...g.tiers].filter((t) => !t.crownJewel).sort((a, b) => b.rank - a.rank)[0];
  const declared = (id: string): Carried => {
    const n = graph.nodes.get(id)!;
    if (n.declaredTier === undefined) return NOTHING;
    const tier = findTier(g, n.declaredTier);
    const crownJewel = tier?.crownJewel ?? false;
    const asset = n.kind === 'asset' ? g.assets.find((a) => a.id === id) : undefined;
    return {
      tier: n.declaredTier,
      rank: tier?.rank ?? 0,
      crownJewel,
      assets: crownJewel ? [id] : [],
      allowedMethods: crownJewel ? methodsFor(asset?.allowedUses ?? []) : ALL_METHODS,
      maxRetentionDays: asset?.retentionDays,
    };
  };
  const along = (e: LineageEdge): Carried => {
    const c = graph.carried.get(e.from) ?? NOTHING;
    const from = graph.nodes.get(e.from)!;
    if (!from.redacts || !c.crownJewel) return c;
    return { ...c, crownJewel: false, assets: [], allowedMethods: ALL_METHODS, tier: highestPlain?.id, rank: Math.min(c.rank, highestPlain?.rank ?? 0) };
  };

  for (const component of components(graph)) {
    const members = new Set(component);
    const cyclic = component.length > 1 || graph.outOf(component[0]).some((e) => e.to === component[0]);
    if (cyclic) graph.cycles.push(component);
    let carried = NOTHING;
    let because: { from: string; relation: LineageEdge['relation'] | 'redacted' } | 'declared' | undefined;
    for (const id of component) {
      const own = declared(id);
      if (own !== NOTHING && own.rank > carried.rank) because = 'declared';
      carried = merge(carried, own);
      for (const e of graph.into(id)) {
        if (members.has(e.from)) continue;
        const c = along(e);
        if (c !== NOTHING && c.rank > carried.rank) because = { from: e.from, relation: graph.nodes.get(e.from)!.redacts && (graph.carried.get(e.from)?.crownJewel ?? false) ? 'redacted' : e.relation };
        carried = merge(carried, c);
      }
    }
    for (const id of component) {
      graph.carried.set(id, carried);
      const own = declared(id);
      if (own !== NOTHING && own.rank >= carried.rank) graph.because.set(id, 'declared');
      else if (because === 'declared') {
        // In a cycle, a member declared with the top tier explains the others.
        const source = component.find((m) => declared(m) !== NOTHING && declared(m).rank === carried.rank)!;
        graph.because.set(id, { from: source, relation: 'input' });
      } else if (because) graph.because.set(id, because);
    }
  }
}

/** Strongly connected components, each listed after every component upstream of it. */
function components(graph: LineageGraph): string[][] {
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
