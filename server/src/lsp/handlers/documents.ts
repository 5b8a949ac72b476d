import type { TextDocumentChangeEvent } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerContext } from '../context';
import { cancelPush, refreshAll, schedulePush } from './diagnostics';
import { lineageChanged } from './lineage';

/** An open document's text changed (didOpen, didChange). */
export function onDidChangeContent(ctx: ServerContext, e: TextDocumentChangeEvent<TextDocument>): void {
  // Any edit may add or remove a lineage edge (code reading an asset's location included).
  lineageChanged(ctx);
  // Unsaved edits to a manifest apply at once to every other open document.
  if (ctx.workspace.affectsOthers(e.document.uri, e.document.getText())) refreshAll(ctx);
  else if (!ctx.capabilities.pullDiagnostics) schedulePush(ctx, e.document);
}

/** textDocument/didClose: the manifest falls back to its saved text; pushed diagnostics are cleared. */
export function onDidClose(ctx: ServerContext, e: TextDocumentChangeEvent<TextDocument>): void {
  ctx.workspace.release(e.document.uri);
  lineageChanged(ctx);
  if (ctx.workspace.affectsOthers(e.document.uri, e.document.getText())) refreshAll(ctx);
  if (!ctx.capabilities.pullDiagnostics) {
    cancelPush(e.document.uri);
    void ctx.connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  }
}
