import { FileChangeType, type DidChangeWatchedFilesParams } from 'vscode-languageserver';
import type { ServerContext } from '../context';
import { modulesChanged } from './dependents';
import { refreshAll } from './diagnostics';
import { lineageChanged } from './lineage';

/** workspace/didChangeWatchedFiles: a file changed on disk (saved, created, deleted, renamed). */
export async function onDidChangeWatchedFiles(ctx: ServerContext, params: DidChangeWatchedFilesParams): Promise<void> {
  ctx.workspace.forgetSaved(params.changes.map((c) => ({ uri: c.uri, listing: c.type !== FileChangeType.Changed })));
  lineageChanged(ctx);
  // A module changed, created or deleted on disk: the files importing it are re-checked (an open one reads its own text).
  modulesChanged(
    ctx,
    params.changes.filter((c) => !ctx.workspace.documents.get(c.uri)).map((c) => c.uri),
  );
  const affects = await Promise.all(params.changes.map((c) => ctx.workspace.affectsOthers(c.uri)));
  if (affects.some(Boolean)) {
    ctx.workspace.invalidate();
    refreshAll(ctx);
    return;
  }
  // A file that is not open changed on disk: a pull client asks for the workspace's problems again.
  if (ctx.capabilities.pullDiagnostics && params.changes.some((c) => !ctx.workspace.documents.get(c.uri)))
    refreshAll(ctx);
}
