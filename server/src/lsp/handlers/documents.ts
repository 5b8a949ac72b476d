import type { TextDocumentChangeEvent } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerContext } from '../context';
import { cancelPush, refreshAll, schedulePush } from './diagnostics';

/** An open document's text changed (didOpen, didChange). */
export function onDidChangeContent(ctx: ServerContext, e: TextDocumentChangeEvent<TextDocument>): void {
  // Unsaved edits to a manifest apply at once to every other open document.
  if (ctx.workspace.affectsOthers(e.document.uri, e.document.getText())) refreshAll(ctx);
  else if (!ctx.capabilities.pullDiagnostics) schedulePush(ctx, e.document);
}

/** textDocument/didClose: the manifest falls back to its saved text; pushed diagnostics are cleared. */
export function onDidClose(ctx: ServerContext, e: TextDocumentChangeEvent<TextDocument>): void {
  ctx.workspace.release(e.document.uri);
  if (ctx.workspace.affectsOthers(e.document.uri, e.document.getText())) refreshAll(ctx);
  if (!ctx.capabilities.pullDiagnostics) {
    cancelPush(e.document.uri);
    void ctx.connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  }
}
