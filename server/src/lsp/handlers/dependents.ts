import { maskText } from '../../core';
import type { ServerContext } from '../context';
import { schedulePush } from './diagnostics';

/**
 * How long after the last change to a module its dependents are re-checked: a pause in typing,
 * short enough that their new diagnostics arrive well within a second.
 */
const DEPENDENTS_DELAY_MS = 150;
/** Dependents re-checked per change; past it, the rest keep their diagnostics until they are next analysed. */
const MAX_RECHECKED = 500;

interface Pending {
  /** The modules changed since the last completed re-check. */
  readonly modules: Set<string>;
  /** Open documents whose diagnostics changed in a re-check that a later change cut short. */
  readonly changedOpen: Set<string>;
  /** A saved file's diagnostics changed in such a re-check. */
  changedSaved: boolean;
  /** Counts changes: a re-check stops as soon as a newer change is seen. */
  generation: number;
}

const pending = new WeakMap<ServerContext, Pending>();

function stateOf(ctx: ServerContext): Pending {
  let p = pending.get(ctx);
  if (!p) pending.set(ctx, (p = { modules: new Set(), changedOpen: new Set(), changedSaved: false, generation: 0 }));
  return p;
}

/**
 * Modules changed (an open document's text, a file on disk, a document closed back to its saved
 * text): once typing pauses, the files that import them, directly or through other modules, are
 * analysed again in the background, giving way to every request the user waits for and stopping
 * at the next change. Only when some dependent's diagnostics changed is the client told: a pull
 * client is asked to refresh (the result ids of the unaffected saved files stay what they were),
 * a push client gets the changed documents' diagnostics.
 */
export function modulesChanged(ctx: ServerContext, uris: readonly string[]): void {
  const state = stateOf(ctx);
  for (const uri of uris) state.modules.add(uri);
  state.generation++;
  ctx.workspace.timers.schedule('dependents', DEPENDENTS_DELAY_MS, () => void recheck(ctx, state));
}

async function recheck(ctx: ServerContext, state: Pending): Promise<void> {
  const generation = state.generation;
  const ws = ctx.workspace;
  try {
    for (const uri of ws.dependentsOf(state.modules).slice(0, MAX_RECHECKED)) {
      await ws.foregroundIdle();
      await new Promise((resolve) => setImmediate(resolve));
      if (state.generation !== generation) return;
      if (!(await ws.recheckDependent(uri))) continue;
      if (ws.documents.get(uri)) state.changedOpen.add(uri);
      else state.changedSaved = true;
    }
    if (state.generation !== generation) return;
    state.modules.clear();
    const open = [...state.changedOpen];
    const saved = state.changedSaved;
    state.changedOpen.clear();
    state.changedSaved = false;
    if (open.length === 0 && !saved) return;
    if (ctx.capabilities.pullDiagnostics) {
      if (ctx.capabilities.diagnosticRefresh) await ctx.connection.languages.diagnostics.refresh();
      return;
    }
    for (const uri of open) {
      const doc = ws.documents.get(uri);
      if (doc) schedulePush(ctx, doc);
    }
  } catch (err) {
    // A timer callback has no caller to report to: log, and keep the server alive.
    ctx.connection.console.error(
      `re-checking dependents failed: ${err instanceof Error ? maskText(err.message) : 'unknown error'}`,
    );
  }
}
