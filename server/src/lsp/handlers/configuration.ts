import type { ServerContext } from '../context';
import { refreshAll } from './diagnostics';

/** workspace/didChangeConfiguration: settings are re-read per resource on the next request. */
export function onDidChangeConfiguration(ctx: ServerContext): void {
  ctx.workspace.invalidate();
  refreshAll(ctx);
}
