import { findTier, type Governance } from '../governance/model';
import type { Carried } from '../policies/propagate';
import { describeSources } from '../lineage/explain';
import type { LineageGraph } from '../lineage/graph';
import { maskedSource, maskId, maskText } from '../safe';
import type { Span } from '../types';
import type { Declaration, Reference } from '../manifests/load';

/** Every id of the workspace's manifests: declared where, used where, carrying what. */
export interface ManifestIndex {
  readonly declarations: readonly Declaration[];
  readonly references: readonly Reference[];
  readonly carried: { get(id: string): Carried | undefined };
  readonly governance: Governance;
  /** The workspace's lineage, for "where the tier comes from". */
  readonly graph?: LineageGraph;
}

export interface IdAt {
  readonly id: string;
  readonly span: Span;
  /** The kinds of declaration the id can name here. */
  readonly kinds: readonly Declaration['kind'][];
}

function contains(span: Span, offset: number): boolean {
  return offset >= span.offset && offset <= span.offset + span.length;
}

/** The id declared or used at `offset` of the file at `path`, if any. */
export function idAt(index: ManifestIndex, path: string, offset: number): IdAt | undefined {
  const d = index.declarations.find((x) => x.path === path && contains(x.span, offset));
  if (d)
    return {
      id: d.id,
      span: d.span,
      kinds: d.kind === 'output' || d.kind === 'asset' ? ['asset', 'output'] : [d.kind],
    };
  const r = index.references.find((x) => x.path === path && contains(x.span, offset));
  return r ? { id: r.id, span: r.span, kinds: r.wants } : undefined;
}

/** Where an id is declared (for go to definition). Releases are declared as `name@version`. */
export function declarationsOf(index: ManifestIndex, at: IdAt): Declaration[] {
  return index.declarations.filter(
    (d) => at.kinds.includes(d.kind) && (d.id === at.id || (d.kind === 'release' && d.id.startsWith(`${at.id}@`))),
  );
}

/** Every place an id is used, and declared (for find references). */
export function usesOf(index: ManifestIndex, at: IdAt): { path: string; span: Span }[] {
  return [
    ...declarationsOf(index, at),
    ...index.references.filter((r) => r.id === at.id && r.wants.some((k) => at.kinds.includes(k))),
  ];
}

/** An id or a file path as a hover shows it: code-formatted, any value in it masked (see safe.ts). */
const code = (id: string) => `\`${maskId(id)}\``;

/** "Tier from": the lineage hops back to the declaration that decided the tier, when there are any. */
function tierSource(index: ManifestIndex, id: string): string {
  const hops = index.graph?.explain(id) ?? [];
  const shown = hops[hops.length - 1];
  // A tier that a file's content decided: what it showed, in counts and kinds.
  if (shown?.reason === 'content' && shown.content)
    return `\n\nTier from content${hops.length > 1 ? ` of ${code(shown.id)}` : ''}: ${shown.content}`;
  if (hops.length < 2 || hops[hops.length - 1].reason !== 'declared') return '';
  // A hop whose reason is `redacted` got its tier from the redacting stage that follows it.
  const chain = hops
    .slice(1)
    .map((h, i) => `${code(h.id)}${hops[i].reason === 'redacted' ? ' (redacting stage)' : ''}`);
  const last = hops[hops.length - 1];
  return `\n\nTier from: ${chain.join(' ← ')} (declared ${maskId(last.tier) ?? ''} in ${code(last.path)})`;
}

/** Every declared source of the node's data, which decides its tier, and where redaction lowered one. */
function sourcesOf(index: ManifestIndex, id: string): string {
  return index.graph ? describeSources(index.graph.sources(id).map(maskedSource)) : '';
}

/**
 * A Markdown description of an id: what it is, its tier, and where the tier comes from. Every
 * id, tier and path in it is masked as the lineage masks it, and the prose once more as a whole.
 */
export function describeId(index: ManifestIndex, at: IdAt, lineOf: (d: Declaration) => number): string {
  const decls = declarationsOf(index, at);
  if (decls.length === 0) return maskText(`${code(at.id)}: not declared anywhere in the workspace`);
  const parts = decls.map((d) => {
    const where = `declared in ${code(d.path)} line ${lineOf(d)}`;
    if (d.kind === 'asset') {
      const asset = index.governance.assets.find((a) => a.id === d.id);
      const tier = findTier(index.governance, asset?.tier);
      const facts = [asset?.kind, asset?.owner ? `owner ${asset.owner}` : undefined].filter(Boolean).join(', ');
      return `**asset** ${code(d.id)}${facts ? ` (${facts})` : ''}: tier **${maskId(asset?.tier) ?? 'unknown'}**${tier?.crownJewel ? ' (crown-jewel)' : ''}; ${where}`;
    }
    if (d.kind === 'output') {
      const c = index.carried.get(d.id);
      const from = c && c.assets.length ? `, from ${c.assets.map(code).join(', ')}` : '';
      const tier = c?.tier
        ? `carries tier **${maskId(c.tier)}**${c.crownJewel ? ' (crown-jewel' + from + ')' : ''}`
        : 'carries no classified data';
      const location = index.graph?.nodes.get(d.id)?.location;
      const written = location ? `; written to ${code(location)}` : '';
      return `**stage output** ${code(d.id)}: ${tier}; ${where}${written}${tierSource(index, d.id)}${sourcesOf(index, d.id)}`;
    }
    if (d.kind === 'release') {
      const c = index.carried.get(d.id);
      return `**model release** ${code(d.id)}${c?.tier ? `: carries tier **${maskId(c.tier)}**` : ''}; ${where}${tierSource(index, d.id)}${sourcesOf(index, d.id)}`;
    }
    return `**${d.kind}** ${code(d.id)}; ${where}`;
  });
  return maskText(parts.join('\n\n'));
}
