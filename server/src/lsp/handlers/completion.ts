import { CompletionItemKind, type CompletionItem, type CompletionParams } from 'vscode-languageserver';
import type { ServerContext } from '../context';
import { toRange } from '../convert';

/** textDocument/completion: ids and schema values in manifests. */
export async function onCompletion(ctx: ServerContext, params: CompletionParams): Promise<CompletionItem[]> {
  const doc = ctx.workspace.documents.get(params.textDocument.uri);
  if (!doc) return [];
  const items = await ctx.workspace.completions(doc, doc.offsetAt(params.position));
  return items.map((c) => ({
    label: c.label,
    detail: c.detail,
    kind: c.detail.endsWith('value') ? CompletionItemKind.EnumMember : CompletionItemKind.Reference,
    textEdit: { range: toRange(doc, c.replace), newText: c.label },
  }));
}
