import type { Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Engine } from '../../core';
import { codeCache } from '../../host/code-cache';
import type { ServerContext } from '../context';

/**
 * Small files in each language that take the analysis through its parse, flow walk and findings,
 * so that the code doing it has run once (compiled, its caches filled) before a user's file comes.
 */
const SAMPLES = [
  { ext: 'py', text: 'def warm_up(customer):\n    print(customer.email)\n' },
  { ext: 'ts', text: 'export function warmUp(customer: { email: string }) {\n  console.log(customer.email);\n}\n' },
];

/**
 * What a new server does before the editor's `initialize` arrives, in the time the editor takes
 * to prepare the extension (most of a second while a window opens on a busy machine): compile
 * every grammar, then run the analysis once on the samples under the built-in governance, so
 * that neither waits in front of the first file opened. Gives way as soon as `initialize` has
 * arrived (false); what is left is then done by `warmUp`. Nothing is logged here: before its
 * `initialize`, a server sends the editor nothing.
 */
export async function warmBeforeInitialize(engine: Engine, initialized: () => boolean): Promise<boolean> {
  await engine.prepareGrammars();
  for (const sample of SAMPLES) {
    await new Promise((resolve) => setImmediate(resolve));
    if (initialized()) return false;
    // As an open document is analysed (its tree kept), then let go.
    const file = { path: `warm-up.${sample.ext}`, text: sample.text };
    engine.analyzeFile(file, engine.governance(undefined).governance, undefined, { retain: true });
    engine.release(file.path);
  }
  return true;
}

/**
 * What a new server does in the background once its parsers are ready, so that the first file
 * opened is not the one to pay for it: the first folder's settings and governance manifest, every
 * grammar (compiled off the thread), and a first run of the analysis on small samples. A sample
 * runs only while no document is open, and after the requests being served: a document the user
 * opened is analysed before them, and warms the same code.
 */
export async function warmUp(ctx: ServerContext, engine: Engine): Promise<void> {
  const grammars = engine.prepareGrammars();
  const folder = ctx.workspace.folders[0]?.replace(/\/$/, '');
  // A name at the folder's top: the governance in force there is the one its files mostly share.
  const probe = folder ? `${folder}/.crownguard-warm-up` : undefined;
  const settings = probe ? await ctx.workspace.settings(folder!) : undefined;
  const governance = probe ? await ctx.workspace.governanceFor(probe) : engine.governance(undefined);
  await grammars;
  ctx.startupStep('grammars and governance ready');
  for (const sample of SAMPLES) {
    await new Promise((resolve) => setImmediate(resolve));
    await ctx.workspace.foregroundIdle();
    if (ctx.workspace.documents.all().length > 0) return;
    engine.analyzeFile(
      { path: `${probe ?? 'warm-up'}.${sample.ext}`, text: sample.text },
      governance.governance,
      settings,
    );
  }
  ctx.startupStep('analysis warmed up');
}

/**
 * The first document opened: its analysis starts as it arrives, and the editor's first pull
 * for it (which VS Code sends only once the editor's tab is shown, and which then waits for the
 * document's settings from the editor) takes that result. Used once, for the same version only;
 * anything that changes the result meanwhile (settings, files on disk, the manifest) drops it.
 */
export class FirstOpen {
  private pending?: { uri: string; version: number; items: Promise<Diagnostic[]> };
  private done = false;

  opened(ctx: ServerContext, doc: TextDocument): void {
    if (this.done || !ctx.capabilities.pullDiagnostics) return;
    this.done = true;
    const items = ctx.workspace.foreground(() => ctx.workspace.diagnose(doc, true));
    // A failure is the pull's to report, if it comes: it then analyses the document itself.
    items.then(
      () => ctx.startupStep('first document analysed as it was opened'),
      () => undefined,
    );
    this.pending = { uri: doc.uri, version: doc.version, items };
  }

  /** The result for the document at this version, once; undefined when there is none. */
  take(doc: TextDocument): Promise<Diagnostic[]> | undefined {
    const p = this.pending;
    if (!p || p.uri !== doc.uri || p.version !== doc.version) return undefined;
    this.pending = undefined;
    return p.items;
  }

  /** A document changed: a manifest or module it imports may change the result, its own edit does. */
  changed(uri: string): void {
    if (this.pending?.uri !== uri) this.pending = undefined;
  }

  /** Something the result depends on changed: the next pull analyses again. */
  forget(): void {
    this.pending = undefined;
  }
}

/** With no document opened, how long after the warm-up the code cache is written anyway. */
const CACHE_WITHOUT_DOCUMENT_MS = 30_000;

/**
 * Writes the bundle's code cache (host/code-cache.ts) once this start's code has compiled: when
 * the warm-up has ended and the first document's diagnostics were answered (or no document came
 * for a while), so that the cache holds the code the next start runs up to its first squiggle.
 * Once per build of the server; the next start logs whether V8 took it.
 */
export function saveCodeCacheWhenWarm(ctx: ServerContext, warmedUp: Promise<unknown>, firstPull: Promise<void>): void {
  const cache = codeCache();
  if (!cache || (cache.state !== 'none' && cache.state !== 'rejected')) return;
  void warmedUp
    .then(() =>
      Promise.race([firstPull, new Promise((resolve) => setTimeout(resolve, CACHE_WITHOUT_DOCUMENT_MS).unref())]),
    )
    .then(() => ctx.workspace.foregroundIdle())
    .then(() => {
      cache.save();
      ctx.connection.console.debug(`code cache: ${cache.state}`);
    })
    // The server may be stopping meanwhile: nothing is left to do then.
    .catch(() => undefined);
}
