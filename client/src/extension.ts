// First: the server's process starts as this bundle begins to load (see early-fork.ts).
import './early-fork';
import {
  commands,
  EventEmitter,
  window,
  workspace,
  type Event,
  type ExtensionContext,
  type OutputChannel,
  type TextDocument,
  type Uri,
} from 'vscode';
import {
  CloseAction,
  DiagnosticPullMode,
  DocumentDiagnosticRequest,
  ErrorAction,
  LanguageClient,
  RevealOutputChannelOn,
  vsdiag,
  type CloseHandlerResult,
  type ErrorHandler,
  type ErrorHandlerResult,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { createGovernanceManifest, showProblems } from './commands';
import { registerLineage } from './lineage/commands';
import { GraphPanel } from './lineage/panel';
import type { LineageClient } from './lineage/requests';
import { applyRuleSettings, editorSettings, inScope, serverSettings } from './settings';
import { answerWhileStarting } from './starting';
import { Status, STATUS_COMMAND } from './status';
import { SETTING_KEYS, type FolderSettings } from '../../shared/settings';
import { DATA_FILE_EXTENSIONS, DOCUMENT_LANGUAGES, DVC_FILE_PATTERN, WATCHED_FILES } from '../../shared/watched-files';
import { earlyForkTime, serverProcess, stopUnclaimedServer } from './server-process';

/**
 * The documents CrownGuard analyses: code, manifests, configs and prompt templates, the Python
 * and markdown cells of Jupyter notebooks (the server syncs those as notebooks), and text data
 * files and DVC's `.dvc` files by name (no language is sure to be installed for them; the manifest
 * makes `.dvc` files YAML, but another extension may claim them). VS Code does not hand a file
 * over 50 MB to extensions at all: the server reads such a file from disk in the workspace scan.
 */
const DOCUMENT_SELECTOR = [
  ...DOCUMENT_LANGUAGES.map((language) => ({ scheme: 'file', language })),
  { scheme: 'file', pattern: `**/*.{${DATA_FILE_EXTENSIONS.join(',')}}` },
  { scheme: 'file', pattern: DVC_FILE_PATTERN },
  ...['python', 'markdown'].map((language) => ({ notebook: 'jupyter-notebook', language })),
];

/** Crashes tolerated within the window before CrownGuard stops restarting on its own. */
const MAX_RESTARTS = 4;
const RESTART_WINDOW_MS = 3 * 60 * 1000;

/** Settings applied in the editor (the server reads the others): a change re-pulls diagnostics. */
const EDITOR_SETTINGS = Object.entries(SETTING_KEYS)
  .filter(([, side]) => side === 'editor')
  .map(([key]) => `crownguard.${key}`);

/** One diagnostics report the editor received for a document, after the editor-side settings. */
export interface Report {
  readonly uri: Uri;
  readonly count: number;
}

/** What the extension returns from activate(): for other extensions and for the end-to-end tests. */
export interface CrownGuardApi {
  /** Fires each time a document's findings arrive from the server (also when there are none). */
  readonly onDidReport: Event<Report>;
  /** Where start-up time goes: when (Date.now()) each step of it happened. */
  readonly startup: Startup;
}

/** The steps from activation to the first file's diagnostics, as Date.now() values. */
export interface Startup {
  readonly activated: number;
  /** The client was asked to start the server process. */
  clientStarting?: number;
  /** The server answered initialize. */
  serverReady?: number;
  /** The first document was sent to the server. */
  firstOpen?: number;
  /** The first document diagnostics request was sent, and when its answer arrived. */
  firstPull?: number;
  firstDiagnostics?: number;
}

/** Date.now() when dist/client.js began and finished loading (set by the bundle; unset when unbundled). */
declare const CROWNGUARD_BUNDLE_START: number | undefined;
declare const CROWNGUARD_BUNDLE_LOADED: number | undefined;

let client: LanguageClient | undefined;
let lineage: LineageClient | undefined;

/** Offers what helps when the server cannot run: restart it, or read why in the output. */
function offerRestart(message: string, output: OutputChannel): void {
  void window.showErrorMessage(message, 'Restart Server', 'Show Output').then((choice) => {
    if (choice === 'Restart Server') void commands.executeCommand('crownguard.restartServer');
    if (choice === 'Show Output') output.show();
  });
}

/**
 * Restarts a crashed server a few times, saying so each time; after that it stops and offers
 * a manual restart, so a server that crashes on start does not loop forever.
 */
class RestartingErrorHandler implements ErrorHandler {
  private crashes: number[] = [];

  constructor(
    private readonly output: OutputChannel,
    private readonly onGiveUp: () => void,
  ) {}

  error(): ErrorHandlerResult {
    return { action: ErrorAction.Continue };
  }

  closed(): CloseHandlerResult {
    const now = Date.now();
    this.crashes = [...this.crashes.filter((t) => now - t < RESTART_WINDOW_MS), now];
    if (this.crashes.length <= MAX_RESTARTS) {
      this.output.appendLine(
        `The CrownGuard server stopped unexpectedly; restarting (${this.crashes.length} of ${MAX_RESTARTS}).`,
      );
      return { action: CloseAction.Restart, message: 'The CrownGuard server stopped unexpectedly and was restarted.' };
    }
    this.onGiveUp();
    offerRestart('The CrownGuard server keeps stopping. See the CrownGuard output for details.', this.output);
    return { action: CloseAction.DoNotRestart, handled: true };
  }
}

export async function activate(context: ExtensionContext): Promise<CrownGuardApi> {
  const startup: Startup = { activated: Date.now() };
  const output = window.createOutputChannel('CrownGuard', { log: true });
  // Start-up steps at debug level (the output's log level menu shows them), times since activation.
  // The clock time too: the output channel stamps a line when it writes it, which can be later.
  const step = (what: string, at = Date.now()) =>
    output.debug(`start-up: ${what} ${at - startup.activated} ms after activation (clock ${at})`);
  // The editor logs when it begins to activate, before it loads this module: the difference is the load.
  if (typeof CROWNGUARD_BUNDLE_START === 'number') step('dist/client.js loading', CROWNGUARD_BUNDLE_START);
  if (typeof CROWNGUARD_BUNDLE_LOADED === 'number') step('dist/client.js loaded', CROWNGUARD_BUNDLE_LOADED);
  step('activate() entered');
  const reports = new EventEmitter<Report>();
  const forked = earlyForkTime();
  if (forked !== undefined) step('server process forked as dist/client.js began to load', forked);
  // Forked by this bundle (server-process.ts) rather than by the client: the first one early.
  const serverOptions: ServerOptions = serverProcess;
  let status: Status | undefined;
  let forgetWorkspaceResults = false;
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    // Each folder's server settings, read as the server starts: its first answers then need no
    // settings round trip to an extension host that is still busy opening the window.
    initializationOptions: (): { folderSettings: FolderSettings[] } => ({
      folderSettings: (workspace.workspaceFolders ?? []).map((f) => ({
        folder: f.uri.toString(),
        settings: serverSettings(f.uri),
      })),
    }),
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    errorHandler: new RestartingErrorHandler(output, () => status?.setState('failed')),
    synchronize: { configurationSection: 'crownguard', fileEvents: workspace.createFileSystemWatcher(WATCHED_FILES) },
    // Workspace diagnostics (the problems of files never opened) are on because the server
    // declares them; vscode-languageclient 11 has no client-side switch for them. When a file
    // is closed the client pulls it once more, and the server answers from the saved text.
    diagnosticPullOptions: {
      onChange: true,
      onSave: true,
      // `crownguard.run: onSave` analyses a file when it is opened and saved, not as it is typed.
      filter: (document: TextDocument, mode: DiagnosticPullMode) =>
        mode === DiagnosticPullMode.onType && editorSettings(document.uri).run === 'onSave',
    },
    middleware: {
      didOpen: (document, next) => {
        if (startup.firstOpen === undefined) {
          startup.firstOpen = Date.now();
          step('first document open sent');
        }
        return next(document);
      },
      // The per-rule switches and severities and the include/exclude globs apply here, to what
      // the server reports, so they take effect without a restart.
      provideDiagnostics: async (document, previousResultId, token, next) => {
        if (startup.firstPull === undefined) {
          startup.firstPull = Date.now();
          step('first document diagnostics request sent');
        }
        const report = await next(document, previousResultId, token);
        // The first answer, which need not be the first request's: that one may be cancelled.
        if (startup.firstDiagnostics === undefined && report && !token.isCancellationRequested) {
          startup.firstDiagnostics = Date.now();
          step('first document diagnostics received');
        }
        const uri = 'uri' in document ? document.uri : document;
        if (!report || report.kind !== vsdiag.DocumentDiagnosticReportKind.full) return report;
        const doc =
          'uri' in document ? document : workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
        const settings = editorSettings(uri);
        const items = doc && !inScope(doc, settings) ? [] : applyRuleSettings(report.items, settings);
        reports.fire({ uri, count: items.length });
        // Paths and counts only: never a finding's text, which is about sensitive data.
        output.debug(`${workspace.asRelativePath(uri)}: ${items.length} finding(s)`);
        return { ...report, items };
      },
      provideWorkspaceDiagnostics: (resultIds, token, resultReporter, next) => {
        // After an editor setting changed, ask for every file in full once: an unchanged report
        // would keep problems filtered by the old settings.
        const previous = forgetWorkspaceResults ? [] : resultIds;
        forgetWorkspaceResults = false;
        return next(previous, token, (chunk) => {
          if (!chunk) return resultReporter(chunk);
          const items = chunk.items.map((report) => {
            if (report.kind !== vsdiag.DocumentDiagnosticReportKind.full) return report;
            const settings = editorSettings(report.uri);
            const open = workspace.textDocuments.find((d) => d.uri.toString() === report.uri.toString());
            const filtered = inScope(open ?? { uri: report.uri, languageId: '' }, settings)
              ? applyRuleSettings(report.items, settings)
              : [];
            reports.fire({ uri: report.uri, count: filtered.length });
            return { ...report, items: filtered };
          });
          resultReporter({ items });
        });
      },
    },
  };
  client = new LanguageClient('crownguard', 'CrownGuard', serverOptions, clientOptions);
  // The server process first, everything else while it starts: Node and the server bundle take
  // a second or more to load on a busy machine, and a file opened meanwhile waits for them.
  startup.clientStarting = Date.now();
  step('starting the server process');
  const starting = client.start();
  context.subscriptions.push(answerWhileStarting(client, DOCUMENT_SELECTOR, starting));
  status = new Status(client);

  context.subscriptions.push(
    output,
    reports,
    status,
    commands.registerCommand('crownguard.restartServer', async () => {
      output.appendLine('Restarting the CrownGuard server.');
      status?.setState('starting');
      try {
        if (client) {
          const restarting = client.restart();
          context.subscriptions.push(answerWhileStarting(client, DOCUMENT_SELECTOR, restarting));
          await restarting;
        }
      } catch (err) {
        status?.setState('failed');
        offerRestart(
          `The CrownGuard server could not restart: ${err instanceof Error ? err.message : String(err)}`,
          output,
        );
      }
    }),
    commands.registerCommand('crownguard.showOutput', () => output.show()),
    commands.registerCommand('crownguard.createGovernanceManifest', () => createGovernanceManifest(context)),
    // The status bar's click: the lineage graph around what the file declares or reads (a config,
    // code reading an asset, the id under the cursor); for files that touch no lineage, Problems.
    commands.registerCommand(STATUS_COMMAND, async () => {
      const id = lineage ? await lineage.nodeAt(window.activeTextEditor).catch(() => undefined) : undefined;
      if (id && lineage) GraphPanel.show(context, lineage, id);
      else await showProblems();
    }),
    workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('crownguard')) return;
      output.info('Settings changed; checking the open files again.');
      if (EDITOR_SETTINGS.some((s) => e.affectsConfiguration(s)) && client?.isRunning()) {
        forgetWorkspaceResults = true;
        client.getFeature(DocumentDiagnosticRequest.method).refresh();
      }
    }),
  );
  try {
    await starting;
    startup.serverReady = Date.now();
    step('the server answered initialize');
    const folders = workspace.workspaceFolders?.length ?? 0;
    output.info(
      `The CrownGuard server ${client.initializeResult?.serverInfo?.version ?? ''} is running for ${folders} workspace folder${folders === 1 ? '' : 's'} (started in ${startup.serverReady - startup.activated} ms).`,
    );
  } catch (err) {
    status.setState('failed');
    output.error(`The CrownGuard server did not start: ${err instanceof Error ? err.message : String(err)}`);
    offerRestart('The CrownGuard server did not start. See the CrownGuard output for details.', output);
  }
  lineage = registerLineage(context, client);
  return { onDidReport: reports.event, startup };
}

export async function deactivate(): Promise<void> {
  stopUnclaimedServer();
  await client?.stop();
  client = undefined;
}
