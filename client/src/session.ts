import {
  commands,
  EventEmitter,
  window,
  workspace,
  type Disposable,
  type LogOutputChannel,
  type OutputChannel,
  type TextDocument,
  type Uri,
} from 'vscode';
import {
  CloseAction,
  DiagnosticPullMode,
  ErrorAction,
  LanguageClient,
  RevealOutputChannelOn,
  vsdiag,
  type CloseHandlerResult,
  type ErrorHandler,
  type ErrorHandlerResult,
  type LanguageClientOptions,
} from 'vscode-languageclient/node';
import { applyRuleSettings, editorSettings, inScope, serverSettings } from './settings';
import { answerWhileStarting } from './starting';
import { Status } from './status';
import type { FolderSettings } from '../../shared/settings';
import { DATA_FILE_EXTENSIONS, DOCUMENT_LANGUAGES, DVC_FILE_PATTERN, WATCHED_FILES } from '../../shared/watched-files';
import { earlyForkTime, serverProcess } from './server-process';

/**
 * The documents CrownGuard analyses: code, manifests, configs and prompt templates, the Python
 * and markdown cells of Jupyter notebooks (the server syncs those as notebooks), and text data
 * files and DVC's `.dvc` files by name (no language is sure to be installed for them; the manifest
 * makes `.dvc` files YAML, but another extension may claim them). VS Code does not hand a file
 * over 50 MB to extensions at all: the server reads such a file from disk in the workspace scan.
 */
export const DOCUMENT_SELECTOR = [
  ...DOCUMENT_LANGUAGES.map((language) => ({ scheme: 'file', language })),
  { scheme: 'file', pattern: `**/*.{${DATA_FILE_EXTENSIONS.join(',')}}` },
  { scheme: 'file', pattern: DVC_FILE_PATTERN },
  ...['python', 'markdown'].map((language) => ({ notebook: 'jupyter-notebook', language })),
];

/** Crashes tolerated within the window before CrownGuard stops restarting on its own. */
const MAX_RESTARTS = 4;
const RESTART_WINDOW_MS = 3 * 60 * 1000;

/** One diagnostics report the editor received for a document, after the editor-side settings. */
export interface Report {
  readonly uri: Uri;
  readonly count: number;
}

/** The steps from the bundle's load to the first file's diagnostics, as Date.now() values. */
export interface Startup {
  /** dist/client.js had loaded its libraries and started the session. */
  readonly began: number;
  /** activate() was entered: the editor had prepared the extension's context. */
  activated?: number;
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

/** Date.now() when dist/client.js began to load (set by the bundle's first line; unset when unbundled). */
declare const CROWNGUARD_BUNDLE_START: number | undefined;

/** Offers what helps when the server cannot run: restart it, or read why in the output. */
export function offerRestart(message: string, output: OutputChannel): void {
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

/** The language client and what comes with it, running from the moment the bundle has loaded. */
export interface Session {
  readonly client: LanguageClient;
  readonly output: LogOutputChannel;
  readonly status: Status;
  readonly reports: EventEmitter<Report>;
  readonly startup: Startup;
  /** Settles once the server has answered initialize, or has failed to start (said in the output). */
  readonly starting: Promise<void>;
  /** What the extension's context disposes of when it is deactivated. */
  readonly disposables: readonly Disposable[];
  /** Logs a start-up step at debug level, with its clock time. */
  step(what: string, at?: number): void;
  /** The next workspace pull asks for every file in full (an editor-side setting changed). */
  forgetWorkspaceResults(): void;
}

/**
 * Creates the language client and starts it. The bundle calls this as it loads, not from
 * activate(): the editor calls activate() only once it has prepared the extension's context
 * (its storage, read through the window), which took 0.5-2.2 s while a window opened on a busy
 * machine, and nothing the client needs comes from that context. activate() then adds the
 * commands and the views.
 */
export function startSession(): Session {
  const startup: Startup = { began: Date.now() };
  const output = window.createOutputChannel('CrownGuard', { log: true });
  // Start-up steps at debug level (the output's log level menu shows them), times since the
  // bundle loaded, and the clock time too: the output channel stamps a line when it writes it,
  // which can be later.
  const step = (what: string, at = Date.now()) =>
    output.debug(`start-up: ${what} ${at - startup.began} ms after dist/client.js loaded (clock ${at})`);
  if (typeof CROWNGUARD_BUNDLE_START === 'number') step('dist/client.js loading', CROWNGUARD_BUNDLE_START);
  const forked = earlyForkTime();
  if (forked !== undefined) step('server process forked as dist/client.js began to load', forked);
  const reports = new EventEmitter<Report>();
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
    errorHandler: new RestartingErrorHandler(output, () => status.setState('failed')),
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
  // Forked by this bundle (server-process.ts) rather than by the client: the first one early.
  const client = new LanguageClient('crownguard', 'CrownGuard', serverProcess, clientOptions);
  startup.clientStarting = Date.now();
  step('starting the server process');
  const running = client.start();
  const whileStarting = answerWhileStarting(client, DOCUMENT_SELECTOR, running);
  const status = new Status(client);
  const starting = running.then(
    () => {
      startup.serverReady = Date.now();
      step('the server answered initialize');
      const folders = workspace.workspaceFolders?.length ?? 0;
      output.info(
        `The CrownGuard server ${client.initializeResult?.serverInfo?.version ?? ''} is running for ${folders} workspace folder${folders === 1 ? '' : 's'} (started in ${startup.serverReady - startup.began} ms).`,
      );
    },
    (err: unknown) => {
      status.setState('failed');
      output.error(`The CrownGuard server did not start: ${err instanceof Error ? err.message : String(err)}`);
      offerRestart('The CrownGuard server did not start. See the CrownGuard output for details.', output);
    },
  );
  return {
    client,
    output,
    status,
    reports,
    startup,
    starting,
    disposables: [whileStarting, output, reports, status],
    step,
    forgetWorkspaceResults: () => {
      forgetWorkspaceResults = true;
    },
  };
}
