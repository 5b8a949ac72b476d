import type { DefinitionParams, Hover, HoverParams, Location, ReferenceParams } from 'vscode-languageserver';
import { declarationsOf, describeId, usesOf } from '../../core';
import type { ServerContext } from '../context';
import { toRange } from '../convert';

async function navigate(ctx: ServerContext, uri: string, position: { line: number; character: number }) {
  const doc = ctx.workspace.documents.get(uri);
  return doc ? ctx.workspace.navigation(doc, doc.offsetAt(position)) : undefined;
}

/** textDocument/definition: from an id in a manifest to where it is declared. */
export async function onDefinition(ctx: ServerContext, params: DefinitionParams): Promise<Location[]> {
  const nav = await navigate(ctx, params.textDocument.uri, params.position);
  return nav ? declarationsOf(nav.index, nav.at).map((d) => nav.toLocation(d.path, d.span)) : [];
}

/** textDocument/references: every manifest that declares or uses the id. */
export async function onReferences(ctx: ServerContext, params: ReferenceParams): Promise<Location[]> {
  const nav = await navigate(ctx, params.textDocument.uri, params.position);
  return nav ? usesOf(nav.index, nav.at).map((u) => nav.toLocation(u.path, u.span)) : [];
}

/**
 * textDocument/hover: on an id, what it names, its tier, and where the tier comes from; on a
 * key, the schema's documentation of it.
 */
export async function onHover(ctx: ServerContext, params: HoverParams): Promise<Hover | null> {
  const nav = await navigate(ctx, params.textDocument.uri, params.position);
  const doc = ctx.workspace.documents.get(params.textDocument.uri);
  if (!doc) return null;
  if (!nav) {
    const key = await ctx.workspace.keyDocumentation(doc, doc.offsetAt(params.position));
    return key ? { contents: { kind: 'markdown', value: key.markdown }, range: toRange(doc, key.span) } : null;
  }
  return {
    contents: { kind: 'markdown', value: describeId(nav.index, nav.at, nav.lineOf) },
    range: { start: doc.positionAt(nav.at.span.offset), end: doc.positionAt(nav.at.span.offset + nav.at.span.length) },
  };
}
