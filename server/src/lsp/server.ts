import {
  CodeActionKind,
  ErrorCodes,
  ResponseError,
  TextDocuments,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DidChangeWorkspaceFoldersNotification,
  type DidChangeWorkspaceFoldersParams,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Engine } from '../core';
import { packageVersion } from '../host/docs';
import { loadWasm } from '../host/wasm';
import { useMaskKeyFromEnvironment } from '../host/mask-key';
import type { ClientCapabilities, ServerContext } from './context';
import { FIX_ALL_KIND, onCodeAction } from './handlers/codeAction';
import { onCompletion } from './handlers/completion';
import { onDidChangeConfiguration } from './handlers/configuration';
import { onDocumentDiagnostic, schedulePush } from './handlers/diagnostics';
import { onDidChangeContent, onDidClose } from './handlers/documents';
import { onDocumentLinks } from './handlers/links';
import { onDefinition, onHover, onReferences } from './handlers/navigation';
import { lineageHandlers, onWorkspaceSymbol } from './handlers/lineage';
import { onDocumentSymbol } from './handlers/symbols';
import { onDidChangeWatchedFiles } from './handlers/watchedFiles';
import { onWorkspaceDiagnostic } from './handlers/workspaceDiagnostics';
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
import { Workspace } from './workspace';
import { LineageRequests } from '../../../shared/lineage-protocol';
import { WATCHED_FILES } from '../../../shared/watched-files';

/** What each lineage request's parameters must look like. */
const LINEAGE_PARAMS: Record<string, Check> = {
  [LineageRequests.nodes]: scopeParams,
  [LineageRequests.graph]: scopeParams,
  [LineageRequests.upstream]: walkParams,
  [LineageRequests.downstream]: walkParams,
  [LineageRequests.path]: pathParams,
  [LineageRequests.explain]: nodeParams,
  [LineageRequests.modelsCarrying]: nodeParams,
  [LineageRequests.nodeAt]: atPosition,
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
  const engine = Engine.create(loadWasm);
  // Listening from the start: a document opened before the parsers are ready is not missed.
  const documents = new TextDocuments(TextDocument);
  let ready: Promise<ServerContext> | undefined;
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
    <A extends unknown[]>(handler: (ctx: ServerContext, ...args: A) => void) =>
    (...args: A): void =>
      void ready?.then(
        (ctx) => handler(ctx, ...args),
        () => undefined,
      );

  connection.onInitialize((params): InitializeResult => {
    const capabilities = readCapabilities(params);
    ready = engine.then(
      (loaded) => {
        const workspace = new Workspace(connection, loaded, documents);
        workspace.configurationSupported = params.capabilities.workspace?.configuration === true;
        // Folders whose uri is not a string are left out rather than trusted.
        workspace.folders = (Array.isArray(params.workspaceFolders) ? params.workspaceFolders : []).flatMap((f) =>
          typeof f?.uri === 'string' ? [f.uri] : [],
        );
        if (workspace.folders.length === 0 && typeof params.rootUri === 'string') workspace.folders = [params.rootUri];
        const ctx: ServerContext = { connection, workspace, capabilities };
        // A push client gets the documents opened while the parsers loaded.
        if (!capabilities.pullDiagnostics) for (const doc of documents.all()) schedulePush(ctx, doc);
        return ctx;
      },
      (err: unknown) => {
        const message = `CrownGuard could not load its parsers: ${err instanceof Error ? err.message : String(err)}`;
        connection.console.error(message);
        void connection.window.showErrorMessage(message);
        throw new ResponseError(ErrorCodes.InternalError, message);
      },
    );
    ready.catch(() => undefined);
    return {
      capabilities: {
        // `save`: clients that pull diagnostics on save (VS Code with `crownguard.run: onSave`)
        // only do so when the server asks to be told of saves.
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        definitionProvider: true,
        referencesProvider: true,
        hoverProvider: true,
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
  connection.languages.diagnostics.on(
    request('textDocument/diagnostic', onDocument, withContext(onDocumentDiagnostic)),
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
  connection.onCompletion(request('textDocument/completion', atPosition, withContext(onCompletion)));
  connection.onDocumentSymbol(request('textDocument/documentSymbol', onDocument, withContext(onDocumentSymbol)));
  connection.onDocumentLinks(request('textDocument/documentLink', onDocument, withContext(onDocumentLinks)));
  connection.onWorkspaceSymbol(request('workspace/symbol', workspaceSymbolParams, withContext(onWorkspaceSymbol)));
  // CrownGuard's own requests (shared/lineage-protocol.ts), one handler each.
  for (const method of Object.values(LineageRequests)) {
    connection.onRequest(
      method,
      request(
        method,
        LINEAGE_PARAMS[method],
        withContext(async (ctx, params: never) => lineageHandlers(ctx)[method](params)),
      ),
    );
  }
  connection.onDidChangeConfiguration(whenReady(onDidChangeConfiguration));
  connection.onDidChangeWatchedFiles(
    note('workspace/didChangeWatchedFiles', didChangeWatchedFilesParams, whenReady(onDidChangeWatchedFiles)),
  );
  documents.onDidChangeContent(whenReady(onDidChangeContent));
  documents.onDidClose(whenReady(onDidClose));
  // The document notifications are checked before they reach the document store.
  documents.listen(checkedDocumentEvents(connection));

  connection.listen();
}
