import { pathToFileURL } from 'node:url';
import {
  DocumentDiagnosticReportKind,
  LSPErrorCodes,
  ResponseError,
  type CancellationToken,
  type WorkDoneProgressReporter,
  type WorkDoneProgressServerReporter,
  type WorkspaceDiagnosticParams,
  type WorkspaceDiagnosticReport,
  type WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver';
import type { ServerContext } from '../context';
import { ScanTurns } from '../state/scanTurns';
import type { Workspace } from '../workspace';

/**
 * At most this many files are reported per scan. Each file's problems live in the editor's
 * memory and Problems panel, and the first scan costs a few milliseconds per file; a larger
 * repository is better checked by `crownguard check` in CI. The files past the cap are named in
 * the log, as a count.
 */
export const MAX_SCANNED_FILES = 5000;

/** Yield to the event loop at least this often, so edits, saves and document pulls are served during a scan. */
const SLICE_MS = 20;

/** Per workspace: when its scan may analyse the next file. */
const turns = new WeakMap<Workspace, ScanTurns>();

function scanTurns(ctx: ServerContext): ScanTurns {
  let t = turns.get(ctx.workspace);
  if (!t) turns.set(ctx.workspace, (t = new ScanTurns(ctx.workspace)));
  return t;
}

/**
 * An open document was changed or opened: a pull client asks for its diagnostics next, and the
 * scan analyses no saved file until it has (or a second has passed). A push client never pulls.
 */
export function expectPull(ctx: ServerContext, uri: string): void {
  if (ctx.capabilities.pullDiagnostics) scanTurns(ctx).edited(uri);
}

/** Bytes from the client were read: the scan gives the messages in them their turns first. */
export function inputRead(ctx: ServerContext): void {
  turns.get(ctx.workspace)?.inputRead();
}

/** A document's pull was answered: the scan goes on once the answer is written. */
export function pullAnswered(ctx: ServerContext, uri: string): void {
  turns.get(ctx.workspace)?.pulled(uri);
}

/**
 * How long the scan waits for the open files' first diagnostics request before it starts anyway
 * (a client may open a document it never pulls).
 */
const FIRST_PULL_WAIT_MS = 5000;

/**
 * How long a new server's first scan waits for a first document when none is open yet. VS Code
 * asks for the workspace's problems as the server starts, and sends the tab it restores or the
 * user opens a moment later: in a cold window on a busy two-core machine, 1.5-2.6 s after the
 * tab was shown. That file is analysed first. A window with no file open waits this once.
 */
const FIRST_OPEN_WAIT_MS = 3000;

/** The servers whose first scan has started: only that one waits for a first document. */
const started = new WeakSet<ServerContext>();

/** Resolves with `promise` or after `ms`, whichever is first. */
async function atMost(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** The result id of a file the scan no longer finds (deleted, or now ignored): reported empty once. */
const GONE = 'gone';

/**
 * workspace/diagnostic: the problems of every analysable file of every folder that is not open
 * (open documents are pulled one by one). Unchanged files answer `unchanged`; the work is
 * sliced, gives way to every other request, is cancellable between files, and is reported as
 * progress only when there is some.
 */
export async function onWorkspaceDiagnostic(
  ctx: ServerContext,
  params: WorkspaceDiagnosticParams,
  token: CancellationToken,
  workDone: WorkDoneProgressReporter,
): Promise<WorkspaceDiagnosticReport> {
  const ws = ctx.workspace;
  const previous = new Map(params.previousResultIds.map((p) => [p.uri, p.value]));
  const items: WorkspaceDocumentDiagnosticReport[] = [];
  const seen = new Set<string>();
  const progress = new LazyProgress(ctx, params.workDoneToken !== undefined ? workDone : undefined);
  const scheduling = scanTurns(ctx);
  let sliceStart = Date.now();
  try {
    // The editor asks for the scan and for the open files at the same moment, the scan often
    // first: the opened file's pull is answered before the folders are listed and the first
    // saved file is read, since listing and reading compete with it for the one thread.
    await new Promise((resolve) => setImmediate(resolve));
    if (!started.has(ctx)) {
      started.add(ctx);
      if (ws.documents.all().length === 0) await atMost(ctx.firstOpened, FIRST_OPEN_WAIT_MS);
    }
    if (ws.documents.all().length > 0) await atMost(ctx.firstPullAnswered, FIRST_PULL_WAIT_MS);
    await ws.foregroundIdle();
    ctx.startupStep('workspace scan started');
    const listed: { folder: string; uris: string[] }[] = [];
    for (const folder of ws.folders)
      listed.push({ folder, uris: (await ws.folderFiles(folder)).map((f) => pathToFileURL(f).href) });
    const total = listed.reduce((n, l) => n + l.uris.length, 0);
    if (total > MAX_SCANNED_FILES)
      ctx.connection.console.warn(
        `Workspace diagnostics: ${total} files; only the first ${MAX_SCANNED_FILES} are checked.`,
      );
    let done = 0;
    for (const { folder, uris } of listed) {
      const identity = await ws.folderIdentity(folder);
      for (const uri of uris) {
        if (done >= MAX_SCANNED_FILES) break;
        done++;
        seen.add(uri);
        if (token.isCancellationRequested)
          throw new ResponseError(LSPErrorCodes.RequestCancelled, 'The workspace scan was cancelled.');
        if (ws.documents.get(uri) || ws.isOpenNotebook(uri)) continue;
        // The open files first: a document pull, a hover or a completion is served before the
        // next saved file is analysed, not merely between slices; so is the pull of a document
        // just edited, which the editor sends right after the edit. The scan thread is given no
        // file meanwhile either: the editor's files compete with it for the machine's cores.
        await scheduling.ready();
        const result = await ws.diagnoseSaved(uri, identity, token);
        // The file the scan thread was analysing when the editor asked is held until the
        // editor's files are answered (an edit read meanwhile is handled first, so its pull is
        // waited for): this thread reports it only then. A file analysed in this thread was
        // finished before any of that was read.
        if (result?.computed && ws.scanThreadAvailable) {
          await scheduling.yieldToMessages();
          await scheduling.ready();
        }
        // A file opened while it was analysed reports its open text, pulled on its own.
        if (!result || ws.documents.get(uri) || ws.isOpenNotebook(uri)) continue;
        if (previous.get(uri) === result.resultId)
          items.push({ kind: DocumentDiagnosticReportKind.Unchanged, uri, version: null, resultId: result.resultId });
        else
          items.push({
            kind: DocumentDiagnosticReportKind.Full,
            uri,
            version: null,
            resultId: result.resultId,
            items: result.items,
          });
        if (result.computed) progress.report(done, Math.min(total, MAX_SCANNED_FILES));
        // After each analysed file (a few to a hundred milliseconds), or a slice of unchanged ones.
        if (result.computed || Date.now() - sliceStart > SLICE_MS) {
          await scheduling.yieldToMessages();
          sliceStart = Date.now();
        }
      }
    }
    // Files reported before and gone since: their problems go with them.
    for (const [uri, value] of previous) {
      if (!seen.has(uri) && value !== GONE && !ws.documents.get(uri) && !ws.isOpenNotebook(uri))
        items.push({ kind: DocumentDiagnosticReportKind.Full, uri, version: null, resultId: GONE, items: [] });
    }
    return { items };
  } finally {
    progress.done();
  }
}

/** Work-done progress that begins only when a file is actually analysed, so an unchanged re-scan shows nothing. */
class LazyProgress {
  private reporter: Promise<WorkDoneProgressReporter | WorkDoneProgressServerReporter | undefined> | undefined;
  private lastPercent = -1;

  constructor(
    private readonly ctx: ServerContext,
    private readonly given: WorkDoneProgressReporter | undefined,
  ) {}

  report(done: number, total: number): void {
    if (!this.reporter) {
      this.reporter = this.given
        ? Promise.resolve(this.given)
        : this.ctx.capabilities.workDoneProgress
          ? this.ctx.connection.window.createWorkDoneProgress().catch(() => undefined)
          : Promise.resolve(undefined);
      void this.reporter.then((r) =>
        r?.begin('CrownGuard: checking the workspace', 0, `${done} of ${total} files`, false),
      );
    }
    const percent = Math.floor((done * 100) / Math.max(total, 1));
    if (percent === this.lastPercent) return;
    this.lastPercent = percent;
    void this.reporter.then((r) => r?.report(percent, `${done} of ${total} files`));
  }

  done(): void {
    void this.reporter?.then((r) => r?.done());
  }
}
