import type { DefinitionParams, Hover, HoverParams, Location, ReferenceParams } from 'vscode-languageserver';
import {
  declarationsOf,
  describeId,
  describeSources,
  maskedHop,
  maskedNode,
  maskedSource,
  maskId,
  maskText,
  usesOf,
  type Span,
} from '../../core';
import type { ServerContext } from '../context';
import { toRange } from '../convert';
import { configPlaceholderHover, configSummaryHover } from './configSummary';

async function navigate(ctx: ServerContext, uri: string, position: { line: number; character: number }) {
  const doc = ctx.workspace.documents.get(uri);
  return doc ? ctx.workspace.navigation(doc, doc.offsetAt(position)) : undefined;
}

/** The lineage node at a position, when no manifest id is there (a dataset path in a config, a DVC dependency). */
async function lineageNode(ctx: ServerContext, uri: string, position: { line: number; character: number }) {
  const doc = ctx.workspace.documents.get(uri);
  return doc ? ctx.workspace.lineageAt(uri, doc.offsetAt(position)) : undefined;
}

/** textDocument/definition: from an id in a manifest, or a lineage reference in any file, to where it is declared. */
export async function onDefinition(ctx: ServerContext, params: DefinitionParams): Promise<Location[]> {
  const nav = await navigate(ctx, params.textDocument.uri, params.position);
  if (nav) return declarationsOf(nav.index, nav.at).map((d) => nav.toLocation(d.path, d.span));
  const at = await lineageNode(ctx, params.textDocument.uri, params.position);
  const node = at?.view.graph.nodes.get(at.id);
  return at && node ? [at.view.toLocation(node.path, node.span)] : [];
}

/** textDocument/references: every file that declares or uses the id (manifests, configs, DVC stages, model cards). */
export async function onReferences(ctx: ServerContext, params: ReferenceParams): Promise<Location[]> {
  const nav = await navigate(ctx, params.textDocument.uri, params.position);
  if (nav) return usesOf(nav.index, nav.at).map((u) => nav.toLocation(u.path, u.span));
  const at = await lineageNode(ctx, params.textDocument.uri, params.position);
  const node = at?.view.graph.nodes.get(at.id);
  if (!at || !node) return [];
  const g = at.view.graph;
  const uses = [
    ...g.into(at.id).filter((e) => e.relation !== 'output'),
    ...g.outOf(at.id).filter((e) => e.relation !== 'output'),
  ];
  const seen = new Set<string>();
  return [{ path: node.path, span: node.span }, ...uses]
    .filter((u) => (seen.has(`${u.path}:${u.span.offset}`) ? false : (seen.add(`${u.path}:${u.span.offset}`), true)))
    .map((u) => at.view.toLocation(u.path, u.span));
}

/** A lineage node's kind, tier and where the tier comes from, in Markdown, masked. */
function describeNode(at: NonNullable<Awaited<ReturnType<typeof lineageNode>>>): string | undefined {
  const raw = at.view.graph.node(at.id);
  if (!raw) return undefined;
  const n = maskedNode(raw);
  const hops = at.view.graph.explain(at.id).map(maskedHop);
  const where = (h: { path: string; span: Span }) =>
    `\`${maskId(h.path)}\` line ${at.view.toLocation(h.path, h.span).range.start.line + 1}`;
  const tier = n.tier
    ? `carries tier **${n.tier}**${n.crownJewel ? ' (crown-jewel)' : ''}`
    : 'carries no classified data';
  const last = hops[hops.length - 1];
  // A tier that a data file's content decided: what it showed, in counts and kinds (as manifest hovers say it).
  const from =
    last?.reason === 'content' && last.content
      ? `\n\nTier from content${hops.length > 1 ? ` of \`${last.id}\`` : ''}: ${last.content}`
      : hops.length > 1 && last.reason === 'declared'
        ? `\n\nTier from: ${hops
            .slice(1)
            .map((h) => `\`${h.id}\``)
            .join(' ← ')} (declared in ${where(last)})`
        : '';
  return maskText(
    `**${n.kind}** \`${n.id}\`${n.detail ? ` (${n.detail})` : ''}: ${tier}; declared in ${where(n)}${from}${describeSources(at.view.graph.sources(at.id).map(maskedSource))}`,
  );
}

/**
 * textDocument/hover: on an id, what it names, its tier, and where the tier comes from; on a
 * key, the schema's documentation of it.
 */
export async function onHover(ctx: ServerContext, params: HoverParams): Promise<Hover | null> {
  const data = ctx.workspace.documents.get(params.textDocument.uri);
  const field = data && (await ctx.workspace.dataFieldAt(data, data.offsetAt(params.position)));
  if (data && field)
    return { contents: { kind: 'markdown', value: maskText(field.markdown) }, range: toRange(data, field.span) };
  const nav = await navigate(ctx, params.textDocument.uri, params.position);
  const doc = ctx.workspace.documents.get(params.textDocument.uri);
  if (!doc) return null;
  if (!nav) {
    // A placeholder is said to be one before the lineage node standing in for it is described.
    const placeholder = await configPlaceholderHover(ctx, params.textDocument.uri, doc.offsetAt(params.position));
    if (placeholder) return placeholder;
    const at = await lineageNode(ctx, params.textDocument.uri, params.position);
    const node = at && describeNode(at);
    if (!node) {
      const summary = await configSummaryHover(ctx, params.textDocument.uri, params.position.line);
      if (summary) return summary;
    }
    if (at && node) return { contents: { kind: 'markdown', value: node }, range: toRange(doc, at.span) };
    const key = await ctx.workspace.keyDocumentation(doc, doc.offsetAt(params.position));
    return key ? { contents: { kind: 'markdown', value: key.markdown }, range: toRange(doc, key.span) } : null;
  }
  return {
    contents: {
      kind: 'markdown',
      value: describeId(await ctx.workspace.withDataTiers(params.textDocument.uri, nav.index), nav.at, nav.lineOf),
    },
    range: { start: doc.positionAt(nav.at.span.offset), end: doc.positionAt(nav.at.span.offset + nav.at.span.length) },
  };
}
