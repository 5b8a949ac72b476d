import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
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
import { Workspace } from './workspace';
import { LineageRequests } from '../../../shared/lineage-protocol';
import { WATCHED_FILES } from '../../../shared/watched-files';

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
    workspace.folders = (params.workspaceFolders ?? []).map((f) => f.uri);
    if (workspace.folders.length === 0 && params.rootUri) workspace.folders = [params.rootUri];
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
    connection.workspace.onDidChangeWorkspaceFolders((e) => {
      if (!ctx) return;
      const removed = new Set(e.removed.map((f) => f.uri));
      ctx.workspace.folders = [...ctx.workspace.folders.filter((f) => !removed.has(f)), ...e.added.map((f) => f.uri)];
      onDidChangeConfiguration(ctx);
    });
  });

  // The handler table: one line per LSP method.
  connection.languages.diagnostics.on(withContext(onDocumentDiagnostic, Promise.resolve({ kind: 'full' as const, items: [] })));
  connection.languages.diagnostics.onWorkspace(withContext(onWorkspaceDiagnostic, Promise.resolve({ items: [] })));
  connection.onCodeAction(withContext(onCodeAction, Promise.resolve([])));
  connection.onDefinition(withContext(onDefinition, Promise.resolve([])));
  connection.onReferences(withContext(onReferences, Promise.resolve([])));
  connection.onHover(withContext(onHover, Promise.resolve(null)));
  connection.onCompletion(withContext(onCompletion, Promise.resolve([])));
  connection.onDocumentSymbol(withContext(onDocumentSymbol, Promise.resolve([])));
  connection.onDocumentLinks(withContext(onDocumentLinks, Promise.resolve([])));
  connection.onWorkspaceSymbol(withContext(onWorkspaceSymbol, Promise.resolve([])));
  // CrownGuard's own requests (shared/lineage-protocol.ts), one handler each.
  for (const method of Object.values(LineageRequests)) {
    connection.onRequest(method, (params: never) => (ctx ? lineageHandlers(ctx)[method](params) : null));
  }
  connection.onDidChangeConfiguration(withContext(onDidChangeConfiguration, undefined));
  connection.onDidChangeWatchedFiles(withContext(onDidChangeWatchedFiles, undefined));

  connection.listen();
}

function wireDocuments(ctx: ServerContext): void {
  const docs = ctx.workspace.documents;
  docs.onDidChangeContent((e) => onDidChangeContent(ctx, e));
  docs.onDidClose((e) => onDidClose(ctx, e));
  docs.listen(ctx.connection);
}
