import {
  CodeActionKind,
  ErrorCodes,
  ResponseError,
  NotebookDocuments,
  TextDocuments,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DidChangeWorkspaceFoldersNotification,
  DocumentDiagnosticReportKind,
  type DidChangeWorkspaceFoldersParams,
  type CancellationToken,
  type DocumentDiagnosticParams,
  type DocumentDiagnosticReport,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type TextDocumentChangeEvent,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Engine, maskText } from '../core';
import { packageVersion } from '../host/docs';
import { loadWasm } from '../host/wasm';
import { codeCache } from '../host/code-cache';
import { useMaskKeyFromEnvironment } from '../host/mask-key';
import type { ClientCapabilities, ServerContext } from './context';
import { FIX_ALL_KIND, onCodeAction } from './handlers/codeAction';
import { onCompletion } from './handlers/completion';
import { onDidChangeConfiguration } from './handlers/configuration';
import { onDocumentDiagnostic, refreshAll, schedulePush } from './handlers/diagnostics';
import { onDidChangeContent, onDidClose } from './handlers/documents';
import { onDocumentLinks } from './handlers/links';
import { onCodeLens } from './handlers/configSummary';
import { onDefinition, onHover, onReferences } from './handlers/navigation';
import { lineageHandlers, onWorkspaceSymbol } from './handlers/lineage';
import {
  listenToNotebooks,
  NOTEBOOK_SYNC,
  onDidChangeNotebook,
  onDidCloseNotebook,
  onDidOpenNotebook,
} from './handlers/notebooks';
import { onDocumentSymbol } from './handlers/symbols';
import { onDidChangeWatchedFiles } from './handlers/watchedFiles';
import { expectPull, inputRead, onWorkspaceDiagnostic, pullAnswered } from './handlers/workspaceDiagnostics';
import {
  atPosition,
  checkedDocumentEvents,
  codeActionParams,
  didChangeWatchedFilesParams,
  nodeParams,
  notification,
  onDocument,
  pathParams,
  request,
  scopeParams,
  walkParams,
  workspaceDiagnosticParams,
  workspaceFoldersChange,
  workspaceSymbolParams,
  type Check,
} from './params';
import { FirstOpen, saveCodeCacheWhenWarm, warmBeforeInitialize, warmUp } from './state/startup';
import { Workspace } from './workspace';
import { LineageRequests } from '../../../shared/lineage-protocol';
import type { LineageParams, LineageRequestName } from '../../../shared/lineage-requests';
import { WATCHED_FILES } from '../../../shared/watched-files';
import { readFolderSettings } from '../../../shared/settings';

/** What each lineage request's parameters must look like. */
const LINEAGE_PARAMS: Record<LineageRequestName, Check> = {
  nodes: scopeParams,
  graph: scopeParams,
  upstream: walkParams,
  downstream: walkParams,
  path: pathParams,
  explain: nodeParams,
  modelsCarrying: nodeParams,
  nodeAt: atPosition,
};

function readCapabilities(params: InitializeParams): ClientCapabilities {
  const c = params.capabilities;
  return {
    pullDiagnostics: c.textDocument?.diagnostic !== undefined,
    diagnosticRefresh: c.workspace?.diagnostics?.refreshSupport === true,
    watchedFilesRegistration: c.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
    workDoneProgress: c.window?.workDoneProgress === true,
    snippets: c.textDocument?.completion?.completionItem?.snippetSupport === true,
  };
}

/**
 * Wires the CrownGuard language server onto a connection. Every LSP method has one handler,
 * registered in the table below; the handlers hold no analysis logic of their own.
 *
 * The parsers load from the moment the process starts, and `initialize` is answered without
 * waiting for them, so the editor registers hovers, completion and diagnostics at once; a
 * request that arrives while they still load waits for them instead of being answered empty.
 */
export function startServer(connection: Connection): void {
  useMaskKeyFromEnvironment();
  // Start-up steps, each logged once at debug level with the time since the process started
  // (performance.now() counts from it): where a cold window's wait for its first squiggle goes.
  const logged = new Set<string>();
  // The clock time too: a log line is stamped when the editor writes it, which can be much later.
  const startupStep = (what: string, since = performance.now()): void => {
    if (logged.has(what)) return;
    logged.add(what);
    // And the process's CPU time so far: a step that took long while the process used little
    // CPU was waiting (for the editor, or for a machine busy with other work).
    const { user, system } = process.cpuUsage();
    connection.console.debug(
      `start-up: ${what} ${since.toFixed(0)} ms after the server process started, CPU ${Math.round((user + system) / 1000)} ms (clock ${Math.round(performance.timeOrigin + since)})`,
    );
  };
  // Node itself and the bundle's evaluation, before any of the server's own code ran.
  const loaded = performance.now();
  const engine = Engine.create(loadWasm);
  // Started before `initialize` arrives: the grammars and a first run of the analysis. When it
  // ended, if it did before `initialize`: the start-up steps name it then.
  let warmedEarly: number | undefined;
  void engine
    .then((e) => warmBeforeInitialize(e, () => ready !== undefined))
    .then((done) => {
      if (done) warmedEarly = performance.now();
    })
    .catch(() => undefined);
  const firstOpen = new FirstOpen();
  let answerFirstPull: () => void = () => undefined;
  const firstPullAnswered = new Promise<void>((resolve) => (answerFirstPull = resolve));
  let markFirstOpened: () => void = () => undefined;
  const firstOpened = new Promise<void>((resolve) => (markFirstOpened = resolve));
  // Listening from the start: a document opened before the parsers are ready is not missed.
  const documents = new TextDocuments(TextDocument);
  // Notebook cells live in the same store, so a cell is pulled and fixed like any document.
  const notebooks = new NotebookDocuments(documents);
  let ready: Promise<ServerContext> | undefined;
  /** The context once ready, for what must act at once rather than after a promise. */
  let current: ServerContext | undefined;
  const context = (): Promise<ServerContext> =>
    ready ?? Promise.reject(new ResponseError(ErrorCodes.ServerNotInitialized, 'The server is not initialized.'));
  // Every request but the workspace scan is someone waiting: the scan gives way to them.
  const withContext =
    <A extends unknown[], R>(handler: (ctx: ServerContext, ...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const ctx = await context();
      return ctx.workspace.foreground(() => handler(ctx, ...args));
    };
  // Notifications act on the workspace once it exists; before that there is nothing to update.
  const whenReady =
    <A extends unknown[]>(handler: (ctx: ServerContext, ...args: A) => void | Promise<void>) =>
    (...args: A): void =>
      void ready
        ?.then(
          (ctx) => handler(ctx, ...args),
          () => undefined,
        )
        // A notification has no caller to report to: log, and keep the server alive.
        .catch((err: unknown) =>
          connection.console.error(
            `notification failed: ${err instanceof Error ? maskText(err.message) : 'unknown error'}`,
          ),
        );

  connection.onInitialize((params): InitializeResult => {
    startupStep('server code loaded', loaded);
    // Started by the editor's client through dist/server-cached.js: whether V8 took the compiled code.
    const cache = codeCache();
    if (cache) startupStep(`code cache ${cache.state}`, loaded);
    if (warmedEarly !== undefined) startupStep('analysis warmed up before initialize', warmedEarly);
    startupStep('initialize received');
    const capabilities = readCapabilities(params);
    ready = engine.then(
      (loaded) => {
        startupStep('parser runtime ready');
        const workspace = new Workspace(connection, loaded, documents);
        workspace.notebooks = notebooks;
        workspace.configurationSupported = params.capabilities.workspace?.configuration === true;
        workspace.initialSettings = readFolderSettings(params.initializationOptions);
        workspace.workDoneProgress = capabilities.workDoneProgress;
        // Folders whose uri is not a string are left out rather than trusted.
        workspace.folders = (Array.isArray(params.workspaceFolders) ? params.workspaceFolders : []).flatMap((f) =>
          typeof f?.uri === 'string' ? [f.uri] : [],
        );
        if (workspace.folders.length === 0 && typeof params.rootUri === 'string') workspace.folders = [params.rootUri];
        const ctx: ServerContext = {
          connection,
          workspace,
          capabilities,
          firstPullAnswered,
          firstOpened,
          startupStep,
        };
        workspace.profilesChanged = () => refreshAll(ctx);
        // A push client gets the documents opened while the parsers loaded.
        if (!capabilities.pullDiagnostics) for (const doc of documents.all()) schedulePush(ctx, doc);
        const warmedUp = warmUp(ctx, loaded).catch((err: unknown) =>
          connection.console.warn(`warm-up failed: ${err instanceof Error ? maskText(err.message) : 'unknown error'}`),
        );
        saveCodeCacheWhenWarm(ctx, warmedUp, firstPullAnswered);
        return ctx;
      },
      (err: unknown) => {
        const message = `CrownGuard could not load its parsers: ${err instanceof Error ? err.message : String(err)}`;
        connection.console.error(message);
        void connection.window.showErrorMessage(message);
        throw new ResponseError(ErrorCodes.InternalError, message);
      },
    );
    ready.then(
      (ctx) => (current = ctx),
      () => undefined,
    );
    startupStep('initialize answered');
    return {
      capabilities: {
        // `save`: clients that pull diagnostics on save (VS Code with `crownguard.run: onSave`)
        // only do so when the server asks to be told of saves.
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        notebookDocumentSync: NOTEBOOK_SYNC,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        definitionProvider: true,
        referencesProvider: true,
        hoverProvider: true,
        codeLensProvider: { resolveProvider: false },
        completionProvider: { triggerCharacters: [' ', '[', ','] },
        documentSymbolProvider: true,
        documentLinkProvider: { resolveProvider: false },
        workspaceSymbolProvider: true,
        diagnosticProvider: capabilities.pullDiagnostics
          ? { identifier: 'crownguard', interFileDependencies: true, workspaceDiagnostics: true }
          : undefined,
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'crownguard', version: packageVersion() },
    };
  });

  connection.onInitialized(() => {
    // The protocol's own workspace-folders feature takes this notification over at initialize
    // when the client declares it; taking it back at once, before the parsers are ready, keeps
    // its parameters checked.
    connection.onNotification(DidChangeWorkspaceFoldersNotification.type, foldersChanged);
    whenReady((ctx: ServerContext) => {
      if (ctx.workspace.configurationSupported)
        void connection.client.register(DidChangeConfigurationNotification.type, { section: 'crownguard' });
      if (ctx.capabilities.watchedFilesRegistration) {
        void connection.client.register(DidChangeWatchedFilesNotification.type, {
          watchers: [{ globPattern: WATCHED_FILES }],
        });
      }
    })();
  });

  // The handler table: one line per LSP method, each with the shape its parameters must have.
  const note = <A extends unknown[]>(method: string, check: Check, handler: (...args: A) => void) =>
    notification(connection, method, check, handler);
  const foldersChanged = note(
    'workspace/didChangeWorkspaceFolders',
    (p) => typeof p === 'object' && p !== null && workspaceFoldersChange((p as { event?: unknown }).event),
    whenReady((ctx, { event }: DidChangeWorkspaceFoldersParams) => {
      const removed = new Set(event.removed.map((f) => f.uri));
      ctx.workspace.folders = [
        ...ctx.workspace.folders.filter((f) => !removed.has(f)),
        ...event.added.map((f) => f.uri),
      ];
      onDidChangeConfiguration(ctx);
    }),
  );
  connection.onNotification(DidChangeWorkspaceFoldersNotification.type, foldersChanged);
  const pullDocument = withContext(async (ctx, params: DocumentDiagnosticParams, token: CancellationToken) => {
    try {
      startupStep('first document analysis started');
      const doc = ctx.workspace.documents.get(params.textDocument.uri);
      const prepared = doc && firstOpen.take(doc);
      if (prepared)
        return { kind: DocumentDiagnosticReportKind.Full, items: await prepared } as DocumentDiagnosticReport;
      // Asked here first (the answer is kept): the start-up steps tell the editor's round trip apart.
      await ctx.workspace.settings(params.textDocument.uri);
      startupStep('first document settings received');
      return await onDocumentDiagnostic(ctx, params, token);
    } finally {
      pullAnswered(ctx, params.textDocument.uri);
      startupStep('first document diagnostics answered');
      answerFirstPull();
    }
  });
  connection.languages.diagnostics.on(
    request('textDocument/diagnostic', onDocument, (params: DocumentDiagnosticParams, token: CancellationToken) => {
      startupStep('first document pull received');
      return pullDocument(params, token);
    }),
  );
  // The scan is not foreground work: it is what gives way.
  connection.languages.diagnostics.onWorkspace(
    request('workspace/diagnostic', workspaceDiagnosticParams, async (params, token, workDone) =>
      onWorkspaceDiagnostic(await context(), params, token, workDone),
    ),
  );
  connection.onCodeAction(request('textDocument/codeAction', codeActionParams, withContext(onCodeAction)));
  connection.onDefinition(request('textDocument/definition', atPosition, withContext(onDefinition)));
  connection.onReferences(request('textDocument/references', atPosition, withContext(onReferences)));
  connection.onHover(request('textDocument/hover', atPosition, withContext(onHover)));
  connection.onCodeLens(request('textDocument/codeLens', onDocument, withContext(onCodeLens)));
  connection.onCompletion(request('textDocument/completion', atPosition, withContext(onCompletion)));
  connection.onDocumentSymbol(request('textDocument/documentSymbol', onDocument, withContext(onDocumentSymbol)));
  connection.onDocumentLinks(request('textDocument/documentLink', onDocument, withContext(onDocumentLinks)));
  connection.onWorkspaceSymbol(request('workspace/symbol', workspaceSymbolParams, withContext(onWorkspaceSymbol)));
  // CrownGuard's own requests (shared/lineage-protocol.ts), one handler each.
  const onLineage = <K extends LineageRequestName>(name: K) => {
    const method = LineageRequests[name];
    connection.onRequest(
      method,
      request(
        method,
        LINEAGE_PARAMS[name],
        withContext(async (ctx, params: LineageParams<K>) => lineageHandlers(ctx)[name](params)),
      ),
    );
  };
  for (const name of Object.keys(LineageRequests) as LineageRequestName[]) onLineage(name);
  // Only a real change: VS Code announces its settings as the client starts, changed or not.
  connection.onDidChangeConfiguration(
    whenReady(async (ctx) => {
      if (!(await ctx.workspace.settingsChanged())) return;
      firstOpen.forget();
      onDidChangeConfiguration(ctx);
    }),
  );
  // Delayed work (pushed diagnostics, the lineage notification) is cancelled: nothing runs after shutdown.
  connection.onShutdown(() => {
    void ready?.then(
      (ctx) => ctx.workspace.dispose(),
      () => undefined,
    );
  });
  connection.onDidChangeWatchedFiles(
    note(
      'workspace/didChangeWatchedFiles',
      didChangeWatchedFilesParams,
      whenReady((ctx, params) => {
        firstOpen.forget();
        return onDidChangeWatchedFiles(ctx, params);
      }),
    ),
  );
  documents.onDidOpen(() => {
    startupStep('first document opened');
    markFirstOpened();
  });
  // The first document's analysis starts as it arrives, before the editor asks for it.
  documents.onDidOpen(
    whenReady((ctx, e: TextDocumentChangeEvent<TextDocument>) => {
      firstOpen.opened(ctx, e.document);
      // Its settings are the editor's to answer, which takes a while when it is busy starting up.
      void ctx.workspace.settings(e.document.uri).then(() => startupStep('first document settings received'));
    }),
  );
  documents.onDidChangeContent((e) => firstOpen.changed(e.document.uri));
  documents.onDidClose(() => firstOpen.forget());
  documents.onDidChangeContent(whenReady(onDidChangeContent));
  // The edited document's pull comes next: the workspace scan lets it go first.
  documents.onDidChangeContent(
    whenReady((ctx, e: TextDocumentChangeEvent<TextDocument>) => expectPull(ctx, e.document.uri)),
  );
  documents.onDidClose(whenReady(onDidClose));
  // The document notifications are checked before they reach the document store.
  documents.listen(checkedDocumentEvents(connection));
  notebooks.onDidOpen(whenReady(onDidOpenNotebook));
  notebooks.onDidChange(whenReady(onDidChangeNotebook));
  notebooks.onDidClose(whenReady(onDidCloseNotebook));
  listenToNotebooks(connection, notebooks);

  // The workspace scan lets the messages just read go before its next file. The transport is
  // the one the connection took from the command line, which vscode-languageserver reads too.
  const input = () => current && inputRead(current);
  if (process.argv.includes('--stdio')) process.stdin.on('data', input);
  else if (process.argv.includes('--node-ipc')) process.on('message', input);
  connection.listen();
}
