import { pathToFileURL } from 'node:url';
import {
  DocumentDiagnosticReportKind,
  type CancellationToken,
  type DocumentDiagnosticParams,
  type DocumentDiagnosticReport,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { maskText } from '../../core';
import type { ServerContext } from '../context';

/**
 * textDocument/diagnostic: the client pulls a document's diagnostics when it wants them. A
 * closed document (VS Code pulls once more on close) gets its saved text's problems, so they
 * stay in the Problems panel; a file outside the workspace folders gets none.
 */
export async function onDocumentDiagnostic(
  ctx: ServerContext,
  params: DocumentDiagnosticParams,
  token?: CancellationToken,
): Promise<DocumentDiagnosticReport> {
  const uri = params.textDocument.uri;
  const doc = ctx.workspace.documents.get(uri);
  if (doc) return { kind: DocumentDiagnosticReportKind.Full, items: await ctx.workspace.diagnose(doc, true, token) };
  const folder = ctx.workspace.folderOf(uri);
  const saved =
    folder && (await ctx.workspace.folderFiles(folder)).some((f) => pathToFileURL(f).href === uri)
      ? await ctx.workspace.diagnoseSaved(uri, await ctx.workspace.folderIdentity(folder), token)
      : undefined;
  return { kind: DocumentDiagnosticReportKind.Full, items: saved?.items ?? [] };
}

const PUSH_DELAY_MS = 150;

/**
 * For clients without pull diagnostics: publish after a short pause in typing. A result is
 * dropped when the document moved on while it was computed, so no stale version is shown.
 */
export function schedulePush(ctx: ServerContext, doc: TextDocument): void {
  ctx.workspace.timers.schedule(`push:${doc.uri}`, PUSH_DELAY_MS, async () => {
    const version = doc.version;
    try {
      const items = await ctx.workspace.diagnose(doc);
      const current = ctx.workspace.documents.get(doc.uri);
      if (!current || current.version !== version) return;
      await ctx.connection.sendDiagnostics({ uri: doc.uri, version, diagnostics: items });
    } catch (err) {
      // A timer callback has no caller to report to: log, and keep the server alive.
      ctx.connection.console.error(
        `diagnostics failed: ${err instanceof Error ? maskText(err.message) : 'unknown error'}`,
      );
    }
  });
}

export function cancelPush(ctx: ServerContext, uri: string): void {
  ctx.workspace.timers.cancel(`push:${uri}`);
}

/** Something that affects every document changed (settings, the governance manifest). */
export function refreshAll(ctx: ServerContext): void {
  if (ctx.capabilities.pullDiagnostics) {
    if (ctx.capabilities.diagnosticRefresh) void ctx.connection.languages.diagnostics.refresh();
    return;
  }
  for (const doc of ctx.workspace.documents.all()) schedulePush(ctx, doc);
}
