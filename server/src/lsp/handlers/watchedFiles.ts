import type { DidChangeWatchedFilesParams } from 'vscode-languageserver';
import type { ServerContext } from '../context';
import { refreshAll } from './diagnostics';
import { lineageChanged } from './lineage';

/** workspace/didChangeWatchedFiles: a manifest changed on disk (saved, created, deleted, renamed). */
export function onDidChangeWatchedFiles(ctx: ServerContext, params: DidChangeWatchedFilesParams): void {
  lineageChanged(ctx);
  if (!params.changes.some((c) => ctx.workspace.affectsOthers(c.uri))) return;
  ctx.workspace.invalidate();
  refreshAll(ctx);
}
