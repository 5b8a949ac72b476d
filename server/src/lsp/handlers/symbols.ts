import { SymbolKind, type DocumentSymbol, type DocumentSymbolParams } from 'vscode-languageserver';
import { isGovernanceManifest, manifestKindOf, outline, type OutlineEntry } from '../../core';
import type { ServerContext } from '../context';
import { toRange } from '../convert';

/** textDocument/documentSymbol: the outline of a manifest (sections, and the ids under them). */
export async function onDocumentSymbol(ctx: ServerContext, params: DocumentSymbolParams): Promise<DocumentSymbol[]> {
  const doc = ctx.workspace.documents.get(params.textDocument.uri);
  if (!doc) return [];
  const settings = await ctx.workspace.settings(doc.uri);
  if (!isGovernanceManifest(doc.uri, settings) && !manifestKindOf(doc.uri, doc.getText())) return [];
  const convert = (e: OutlineEntry): DocumentSymbol => ({
    name: e.name,
    kind: e.kind === 'section' ? SymbolKind.Namespace : SymbolKind.Object,
    range: toRange(doc, e.span),
    selectionRange: toRange(doc, e.selection),
    children: e.children.map(convert),
  });
  return outline(doc.getText()).map(convert);
}
