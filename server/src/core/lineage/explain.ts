import { findTier } from '../governance/model';
import type { GraphView, Source } from './model';

export type { Source };

/**
 * Every declared source upstream of `id` (itself included), the tier each arrives with, and
 * which decides the node's tier. Data that reaches the node through no redacting stage on at
 * least one path arrives at its declared tier; otherwise at the tier redaction leaves it (the
 * highest tier that is not crown-jewel), as the classifier computes it. When several arrive
 * at the node's tier, one that arrives unredacted decides it: the redacted one would not be
 * there at that tier by itself. Linear in the upstream per source.
 */
export function contributingSources(graph: GraphView, id: string): Source[] {
  if (!graph.nodes.has(id)) return [];
  const upstream = new Set<string>([id]);
  const queue = [id];
  for (let i = 0; i < queue.length; i++) {
    for (const e of graph.into(queue[i])) {
      if (!upstream.has(e.from)) {
        upstream.add(e.from);
        queue.push(e.from);
      }
    }
  }
  const g = graph.governance;
  const plain = [...g.tiers].filter((t) => !t.crownJewel).sort((a, b) => b.rank - a.rank)[0];
  const arrivals: (Source & { rank: number })[] = [];
  for (const sid of upstream) {
    const s = graph.nodes.get(sid)!;
    if (s.declaredTier === undefined) continue;
    const tier = findTier(g, s.declaredTier);
    const crownJewel = tier?.crownJewel ?? false;
    // States: a node, and the redacting stage the data passed (undefined: not redacted yet).
    const seen = new Set<string>();
    const states: [string, string | undefined][] = [[sid, undefined]];
    let clean = false;
    let redactedBy: string | undefined;
    while (states.length > 0 && !clean) {
      const [at, by] = states.pop()!;
      const key = `${by === undefined ? 0 : 1}\u0000${at}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (at === id) {
        if (by === undefined) clean = true;
        else redactedBy ??= by;
        continue;
      }
      const redacts = crownJewel && by === undefined && !!graph.nodes.get(at)!.redacts;
      for (const e of graph.outOf(at)) if (upstream.has(e.to)) states.push([e.to, redacts ? at : by]);
    }
    if (!clean && redactedBy === undefined) continue;
    const rank = tier?.rank ?? 0;
    const arrives = clean
      ? { tier: s.declaredTier, rank }
      : { tier: plain?.id, rank: Math.min(rank, plain?.rank ?? 0), redactedBy };
    arrivals.push({
      id: s.id,
      kind: s.kind,
      path: s.path,
      span: s.span,
      declaredTier: s.declaredTier,
      decides: false,
      ...arrives,
    });
  }
  const top = graph.carried.get(id)?.rank ?? -1;
  const atTop = arrivals.filter((a) => a.rank === top);
  const deciders = new Set(
    (atTop.some((a) => !a.redactedBy) ? atTop.filter((a) => !a.redactedBy) : atTop).map((a) => a.id),
  );
  return arrivals
    .map(({ rank: _rank, ...a }) => ({ ...a, decides: deciders.has(a.id) }))
    .sort((a, b) => Number(b.decides) - Number(a.decides) || a.id.localeCompare(b.id));
}

/** One line per source, in Markdown, for hovers: which decides, and where redaction lowered one. */
export function describeSources(sources: readonly Source[]): string {
  if (sources.length === 0) return '';
  const line = (s: Source) => {
    const what = s.redactedBy
      ? `${s.declaredTier}, lowered to ${s.tier ?? 'unclassified'} by the redacting stage \`${s.redactedBy}\``
      : s.declaredTier;
    return `- \`${s.id}\` (${what})${s.decides ? ': decides the tier' : ''}`;
  };
  return `\n\nSources:\n${sources.map(line).join('\n')}`;
}
