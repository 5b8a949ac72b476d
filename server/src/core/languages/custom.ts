import { findTier, type Governance } from '../governance/model';
import type { Classification } from '../sensitivity/catalog';
import type { SinkKind } from './sink';

/**
 * The governance manifest's own sinks and sources (`flow:`), for one language, ready for the
 * walker: callees split into dotted segments, sources with their classification.
 */
export interface CustomFlow {
  readonly sinks: readonly { readonly segments: readonly string[]; readonly kind: SinkKind }[];
  readonly calls: readonly { readonly segments: readonly string[]; readonly classification: Classification }[];
  readonly attributes: readonly { readonly segments: readonly string[]; readonly classification: Classification }[];
}

/**
 * True when a callee as written (`self.audit.record`) matches a declared one by segments, a `*`
 * segment matching any one name. Compared segment by segment, so a pattern from the workspace
 * never meets a backtracking engine.
 */
export function matchesCallee(segments: readonly string[], callee: string): boolean {
  const parts = callee.split('.');
  if (parts.length !== segments.length) return false;
  return segments.every((s, i) => s === '*' || s === parts[i]);
}

export function customFlow(governance: Governance, language: string): CustomFlow | undefined {
  const flow = governance.flow;
  if (!flow) return undefined;
  const applies = (l?: readonly string[]) => !l || l.includes(language);
  const sources = flow.sources.filter((s) => applies(s.languages));
  const classify = (s: (typeof sources)[number]): Classification => ({
    name: s.field,
    category: s.category,
    tier: s.tier,
    crownJewel: (s.tier && findTier(governance, s.tier)?.crownJewel) || false,
    source: 'governance',
  });
  return {
    sinks: flow.sinks.filter((s) => applies(s.languages)).map((s) => ({ segments: s.callee.split('.'), kind: s.kind })),
    calls: sources.flatMap((s) => (s.call ? [{ segments: s.call.split('.'), classification: classify(s) }] : [])),
    attributes: sources.flatMap((s) =>
      s.attribute ? [{ segments: s.attribute.split('.'), classification: classify(s) }] : [],
    ),
  };
}
