import {
  CompletionItemKind,
  InsertTextFormat,
  InsertTextMode,
  type CompletionItem,
  type CompletionParams,
} from 'vscode-languageserver';
import type { Completion } from '../../core';
import type { ServerContext } from '../context';
import { toRange } from '../convert';

const KINDS: Record<Completion['kind'], CompletionItemKind> = {
  key: CompletionItemKind.Property,
  value: CompletionItemKind.EnumMember,
  id: CompletionItemKind.Reference,
};

/** textDocument/completion: keys, ids and schema values in manifests. */
export async function onCompletion(ctx: ServerContext, params: CompletionParams): Promise<CompletionItem[]> {
  const doc = ctx.workspace.documents.get(params.textDocument.uri);
  if (!doc) return [];
  const items = await ctx.workspace.completions(doc, doc.offsetAt(params.position));
  const snippets = ctx.capabilities.snippets;
  return items.map((c) => ({
    label: c.label,
    detail: c.detail,
    kind: KINDS[c.kind],
    documentation: c.documentation ? { kind: 'markdown', value: c.documentation } : undefined,
    textEdit: {
      range: toRange(doc, c.replace),
      newText: c.insert ? (snippets ? c.insert.snippet : c.insert.plain) : c.label,
    },
    insertTextFormat: c.insert && snippets ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
    // The core indents nested lines itself, so the editor must not indent them again.
    insertTextMode: c.insert ? InsertTextMode.asIs : undefined,
  }));
}
