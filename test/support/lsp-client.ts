import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type ClientCapabilities,
  type ProtocolConnection,
  type InitializeResult,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import {
  CONTENT_PENDING,
  LineageNotifications,
  LineageRequests,
  type LineageGraphInfo,
} from '../../shared/lineage-protocol';
import { CLI } from './paths';

export interface ClientOptions {
  /** The workspace folder the client opens. */
  readonly folder: string;
  /** Whether the client supports pull diagnostics (textDocument/diagnostic). */
  readonly pull: boolean;
  /** Answers workspace/configuration; undefined means the client does not support it. */
  readonly configuration?: (scopeUri: string | undefined) => unknown;
  /** Whether completion items may be snippets. */
  readonly snippets?: boolean;
  /** Whether the client shows progress the server starts (window/workDoneProgress/create). */
  readonly workDoneProgress?: boolean;
}

/**
 * A minimal LSP client over the real JSON-RPC implementation, talking to the built server
 * (`crownguard lsp --stdio`) in a child process.
 */
export class TestClient {
  readonly published: PublishDiagnosticsParams[] = [];
  refreshRequests = 0;
  /** What the server answered to initialize. */
  initializeResult?: InitializeResult;
  /** The `$/progress` values the server sent, in order (begin, report, end). */
  readonly progress: {
    kind: string;
    title?: string;
    message?: string;
    percentage?: number;
    cancellable?: boolean;
    /** The progress it belongs to. */
    token?: string | number;
  }[] = [];
  /** The tokens of the progresses the server created (window/workDoneProgress/create), in order. */
  readonly progressTokens: (string | number)[] = [];
  private readonly waiters: (() => void)[] = [];
  private readonly versions = new Map<string, number>();
  private readonly stderr: string[] = [];
  /** How many times the server said the lineage may have changed. */
  lineageChanges = 0;

  private constructor(
    readonly process: ChildProcess,
    readonly connection: ProtocolConnection,
    readonly options: ClientOptions,
  ) {}

  static async start(options: ClientOptions): Promise<TestClient> {
    const child = spawn(process.execPath, [CLI, 'lsp', '--stdio'], {
      cwd: options.folder,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const connection = createProtocolConnection(
      new StreamMessageReader(child.stdout!),
      new StreamMessageWriter(child.stdin!),
    );
    const client = new TestClient(child, connection, options);
    child.stderr!.on('data', (d) => client.stderr.push(String(d)));
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      client.published.push(p);
      client.wake();
    });
    // An answer may be a promise, so a test can hold the client's reply back.
    connection.onRequest('workspace/configuration', (p: { items: { scopeUri?: string }[] }) =>
      Promise.all(p.items.map(async (i) => (await options.configuration?.(i.scopeUri)) ?? null)),
    );
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('window/workDoneProgress/create', (p: { token: string | number }) => {
      client.progressTokens.push(p.token);
      return null;
    });
    connection.onNotification(LineageNotifications.didChange, () => {
      client.lineageChanges++;
      client.wake();
    });
    connection.onNotification('$/progress', (p: { token: string | number; value: TestClient['progress'][number] }) => {
      client.progress.push({ ...p.value, token: p.token });
      client.wake();
    });
    connection.onRequest('workspace/diagnostic/refresh', () => {
      client.refreshRequests++;
      client.wake();
      return null;
    });
    connection.listen();
    const capabilities: ClientCapabilities = {
      ...(options.workDoneProgress ? { window: { workDoneProgress: true } } : {}),
      textDocument: {
        synchronization: { dynamicRegistration: false },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
        publishDiagnostics: {
          versionSupport: true,
          codeDescriptionSupport: true,
          dataSupport: true,
          relatedInformation: true,
        },
        ...(options.snippets ? { completion: { completionItem: { snippetSupport: true } } } : {}),
        ...(options.pull ? { diagnostic: { dynamicRegistration: false } } : {}),
      },
      workspace: {
        configuration: options.configuration !== undefined,
        didChangeConfiguration: { dynamicRegistration: true },
        didChangeWatchedFiles: { dynamicRegistration: true },
        ...(options.pull ? { diagnostics: { refreshSupport: true } } : {}),
        workspaceFolders: true,
      },
    };
    const uri = pathToFileURL(options.folder).href;
    client.initializeResult = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: uri,
      capabilities,
      workspaceFolders: [{ uri, name: path.basename(options.folder) }],
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  /** Listens to a server notification; each one also wakes `waitFor`. */
  onNotification(method: string, handler: () => void): void {
    this.connection.onNotification(method, () => {
      handler();
      this.wake();
    });
  }

  uri(relative: string): string {
    return pathToFileURL(path.join(this.options.folder, relative)).href;
  }

  async open(relative: string, languageId: string, text?: string): Promise<string> {
    const uri = this.uri(relative);
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: {
        uri,
        languageId,
        version: 1,
        text: text ?? readFileSync(path.join(this.options.folder, relative), 'utf8'),
      },
    });
    return uri;
  }

  async change(uri: string, text: string): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
    return version;
  }

  /**
   * The lineage graph once no content line is still being read: asked again after each change
   * the server announces, as the graph view does.
   */
  async settledLineage(params: object = {}): Promise<LineageGraphInfo> {
    for (;;) {
      const seen = this.lineageChanges;
      const graph = (await this.connection.sendRequest(LineageRequests.graph, params)) as LineageGraphInfo;
      if (!graph.nodes.some((n) => n.content === CONTENT_PENDING)) return graph;
      await this.waitFor('the lineage changed notification', () => this.lineageChanges > seen || undefined);
    }
  }

  /** Waits until `predicate` holds, woken by each message from the server; fails after `ms`. */
  async waitFor<T>(what: string, predicate: () => T | undefined, ms = 15000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = predicate();
      if (v !== undefined && v !== false) return v;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; server stderr: ${this.stderr.join('')}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** The diagnostics the server published for `uri` at `version`. */
  diagnosticsAt(uri: string, version: number): PublishDiagnosticsParams | undefined {
    return this.published.find((p) => p.uri === uri && p.version === version);
  }

  /** What the server wrote to its stderr so far. */
  serverStderr(): string {
    return this.stderr.join('');
  }

  /** Shuts the server down the polite way and returns its exit code. */
  async stop(): Promise<number | null> {
    const exited = once(this.process, 'exit');
    await this.connection.sendRequest(ShutdownRequest.type);
    await this.connection.sendNotification(ExitNotification.type);
    const [code] = await exited;
    this.connection.dispose();
    return code as number | null;
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
