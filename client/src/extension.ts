import * as path from 'node:path';
import { commands, window, workspace, type ExtensionContext, type OutputChannel } from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  RevealOutputChannelOn,
  TransportKind,
  type CloseHandlerResult,
  type ErrorHandler,
  type ErrorHandlerResult,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { registerLineage } from './lineage/commands';

/** The documents CrownGuard analyses: code, manifests, configs and prompt templates. */
const DOCUMENT_SELECTOR = ['python', 'typescript', 'typescriptreact', 'javascript', 'javascriptreact', 'yaml', 'json', 'crownguard-prompt'].map(
  (language) => ({ scheme: 'file', language }),
);

/** Crashes tolerated within the window before CrownGuard stops restarting on its own. */
const MAX_RESTARTS = 4;
const RESTART_WINDOW_MS = 3 * 60 * 1000;

let client: LanguageClient | undefined;

/**
 * Restarts a crashed server a few times, saying so each time; after that it stops and offers
 * a manual restart, so a server that crashes on start does not loop forever.
 */
class RestartingErrorHandler implements ErrorHandler {
  private crashes: number[] = [];

  constructor(private readonly output: OutputChannel) {}

  error(): ErrorHandlerResult {
    return { action: ErrorAction.Continue };
  }

  closed(): CloseHandlerResult {
    const now = Date.now();
    this.crashes = [...this.crashes.filter((t) => now - t < RESTART_WINDOW_MS), now];
    if (this.crashes.length <= MAX_RESTARTS) {
      this.output.appendLine(`The CrownGuard server stopped unexpectedly; restarting (${this.crashes.length} of ${MAX_RESTARTS}).`);
      return { action: CloseAction.Restart, message: 'The CrownGuard server stopped unexpectedly and was restarted.' };
    }
    void window.showErrorMessage('The CrownGuard server keeps stopping. See the CrownGuard output for details.', 'Restart Server', 'Show Output').then((choice) => {
      if (choice === 'Restart Server') void commands.executeCommand('crownguard.restartServer');
      if (choice === 'Show Output') this.output.show();
    });
    return { action: CloseAction.DoNotRestart, handled: true };
  }
}

export async function activate(context: ExtensionContext): Promise<void> {
  const output = window.createOutputChannel('CrownGuard', { log: true });
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    errorHandler: new RestartingErrorHandler(output),
    synchronize: { configurationSection: 'crownguard', fileEvents: workspace.createFileSystemWatcher('**/*.{yaml,yml,json,md,py,ts,js}') },
  };
  client = new LanguageClient('crownguard', 'CrownGuard', serverOptions, clientOptions);

  context.subscriptions.push(
    output,
    commands.registerCommand('crownguard.restartServer', async () => {
      output.appendLine('Restarting the CrownGuard server.');
      await client?.restart();
    }),
  );
  await client.start();
  registerLineage(context, client);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
