import type { TextDocumentChangeEvent } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerContext } from '../context';
import { modulesChanged } from './dependents';
import { cancelPush, refreshAll, schedulePush } from './diagnostics';
import { lineageChanged } from './lineage';

/** An open document's text changed (didOpen, didChange). */
export async function onDidChangeContent(ctx: ServerContext, e: TextDocumentChangeEvent<TextDocument>): Promise<void> {
  // Any edit may add or remove a lineage edge (code reading an asset's location included).
  lineageChanged(ctx);
  // Unsaved edits to a manifest apply at once to every other open document.
  if (await ctx.workspace.affectsOthers(e.document.uri, e.document.getText())) refreshAll(ctx);
  else if (!ctx.capabilities.pullDiagnostics) schedulePush(ctx, e.document);
  // The document may be a module other files import: they are re-checked once typing pauses.
  modulesChanged(ctx, [e.document.uri]);
}

/** textDocument/didClose: the manifest falls back to its saved text; pushed diagnostics are cleared. */
export async function onDidClose(ctx: ServerContext, e: TextDocumentChangeEvent<TextDocument>): Promise<void> {
  ctx.workspace.release(e.document.uri);
  ctx.workspace.forgetDataText(e.document.uri);
  lineageChanged(ctx);
  // Files importing it read its saved text from now on.
  modulesChanged(ctx, [e.document.uri]);
  if (await ctx.workspace.affectsOthers(e.document.uri, e.document.getText())) refreshAll(ctx);
  if (!ctx.capabilities.pullDiagnostics) {
    cancelPush(ctx, e.document.uri);
    void ctx.connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  }
}
