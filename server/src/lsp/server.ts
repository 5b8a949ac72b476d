import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type WorkspaceFoldersChangeEvent,
} from 'vscode-languageserver';
import { Engine } from '../core';
import { packageVersion } from '../host/docs';
import { loadWasm } from '../host/wasm';
import { useMaskKeyFromEnvironment } from '../host/mask-key';
import type { ClientCapabilities, ServerContext } from './context';
import { FIX_ALL_KIND, onCodeAction } from './handlers/codeAction';
import { onCompletion } from './handlers/completion';
import { onDidChangeConfiguration } from './handlers/configuration';
import { onDocumentDiagnostic } from './handlers/diagnostics';
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
 */
export function startServer(connection: Connection): void {
  useMaskKeyFromEnvironment();
  let ctx: ServerContext | undefined;
  const withContext =
    <A extends unknown[], R>(handler: (ctx: ServerContext, ...args: A) => R, fallback: R) =>
    (...args: A): R =>
      ctx ? handler(ctx, ...args) : fallback;

  connection.onInitialize(async (params): Promise<InitializeResult> => {
    const engine = await Engine.create(loadWasm);
    const capabilities = readCapabilities(params);
    const workspace = new Workspace(connection, engine);
    workspace.configurationSupported = params.capabilities.workspace?.configuration === true;
    // Folders whose uri is not a string are left out rather than trusted.
    workspace.folders = (Array.isArray(params.workspaceFolders) ? params.workspaceFolders : []).flatMap((f) => (typeof f?.uri === 'string' ? [f.uri] : []));
    if (workspace.folders.length === 0 && typeof params.rootUri === 'string') workspace.folders = [params.rootUri];
    ctx = { connection, workspace, capabilities };
    wireDocuments(ctx);
    return {
      capabilities: {
        // `save`: clients that pull diagnostics on save (VS Code with `crownguard.run: onSave`)
        // only do so when the server asks to be told of saves.
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Full, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        definitionProvider: true,
        referencesProvider: true,
        hoverProvider: true,
        completionProvider: { triggerCharacters: [' ', '[', ','] },
        documentSymbolProvider: true,
        documentLinkProvider: { resolveProvider: false },
        workspaceSymbolProvider: true,
        diagnosticProvider: capabilities.pullDiagnostics ? { identifier: 'crownguard', interFileDependencies: true, workspaceDiagnostics: true } : undefined,
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'crownguard', version: packageVersion() },
    };
  });

  connection.onInitialized(() => {
    if (!ctx) return;
    if (ctx.workspace.configurationSupported) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'crownguard' });
    if (ctx.capabilities.watchedFilesRegistration) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: WATCHED_FILES }] });
    }
    connection.workspace.onDidChangeWorkspaceFolders(notification(connection, 'workspace/didChangeWorkspaceFolders', workspaceFoldersChange, (e: WorkspaceFoldersChangeEvent) => {
      if (!ctx) return;
      const removed = new Set(e.removed.map((f) => f.uri));
      ctx.workspace.folders = [...ctx.workspace.folders.filter((f) => !removed.has(f)), ...e.added.map((f) => f.uri)];
      onDidChangeConfiguration(ctx);
    }));
  });

  // The handler table: one line per LSP method, each with the shape its parameters must have.
  const note = <A extends unknown[]>(method: string, check: Check, handler: (...args: A) => void) => notification(connection, method, check, handler);
  connection.languages.diagnostics.on(request('textDocument/diagnostic', onDocument, withContext(onDocumentDiagnostic, Promise.resolve({ kind: 'full' as const, items: [] }))));
  connection.languages.diagnostics.onWorkspace(request('workspace/diagnostic', workspaceDiagnosticParams, withContext(onWorkspaceDiagnostic, Promise.resolve({ items: [] }))));
  connection.onCodeAction(request('textDocument/codeAction', codeActionParams, withContext(onCodeAction, Promise.resolve([]))));
  connection.onDefinition(request('textDocument/definition', atPosition, withContext(onDefinition, Promise.resolve([]))));
  connection.onReferences(request('textDocument/references', atPosition, withContext(onReferences, Promise.resolve([]))));
  connection.onHover(request('textDocument/hover', atPosition, withContext(onHover, Promise.resolve(null))));
  connection.onCompletion(request('textDocument/completion', atPosition, withContext(onCompletion, Promise.resolve([]))));
  connection.onDocumentSymbol(request('textDocument/documentSymbol', onDocument, withContext(onDocumentSymbol, Promise.resolve([]))));
  connection.onDocumentLinks(request('textDocument/documentLink', onDocument, withContext(onDocumentLinks, Promise.resolve([]))));
  connection.onWorkspaceSymbol(request('workspace/symbol', workspaceSymbolParams, withContext(onWorkspaceSymbol, Promise.resolve([]))));
  // CrownGuard's own requests (shared/lineage-protocol.ts), one handler each.
  for (const method of Object.values(LineageRequests)) {
    const handler = (params: never) => (ctx ? lineageHandlers(ctx)[method](params) : null);
    connection.onRequest(method, request(method, LINEAGE_PARAMS[method], handler));
  }
  connection.onDidChangeConfiguration(withContext(onDidChangeConfiguration, undefined));
  connection.onDidChangeWatchedFiles(note('workspace/didChangeWatchedFiles', didChangeWatchedFilesParams, withContext(onDidChangeWatchedFiles, undefined)));

  connection.listen();
}

function wireDocuments(ctx: ServerContext): void {
  const docs = ctx.workspace.documents;
  docs.onDidChangeContent((e) => onDidChangeContent(ctx, e));
  docs.onDidClose((e) => onDidClose(ctx, e));
  docs.listen(checkedDocumentEvents(ctx.connection));
}
