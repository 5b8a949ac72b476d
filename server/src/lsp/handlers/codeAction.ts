import type { CodeAction, CodeActionParams } from 'vscode-languageserver';
import type { ServerContext } from '../context';
import { toCodeActions } from '../convert';

/** textDocument/codeAction: decodes the fixes each CrownGuard diagnostic carries. */
export function onCodeAction(ctx: ServerContext, params: CodeActionParams): CodeAction[] {
  const doc = ctx.workspace.documents.get(params.textDocument.uri);
  if (!doc) return [];
  if (params.context.only && !params.context.only.some((k) => k === 'quickfix' || 'quickfix'.startsWith(k + '.') || k === '')) return [];
  return params.context.diagnostics.filter((d) => d.source === 'crownguard').flatMap((d) => toCodeActions(doc.uri, doc.version, d));
}
