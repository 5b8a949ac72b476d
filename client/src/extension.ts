// First: the server's process starts as this bundle begins to load (see early-fork.ts).
import './early-fork';
import { commands, window, workspace, type Event, type ExtensionContext } from 'vscode';
import { DocumentDiagnosticRequest } from 'vscode-languageclient/node';
import { createGovernanceManifest, showProblems } from './commands';
import { registerLineage } from './lineage/commands';
import { GraphPanel } from './lineage/panel';
import type { LineageClient } from './lineage/requests';
import { offerRestart, DOCUMENT_SELECTOR, startSession, type Report, type Startup } from './session';
import { answerWhileStarting } from './starting';
import { STATUS_COMMAND } from './status';
import { SETTING_KEYS } from '../../shared/settings';
import { stopUnclaimedServer } from './server-process';

export type { Report, Startup };

/** Settings applied in the editor (the server reads the others): a change re-pulls diagnostics. */
const EDITOR_SETTINGS = Object.entries(SETTING_KEYS)
  .filter(([, side]) => side === 'editor')
  .map(([key]) => `crownguard.${key}`);

/** What the extension returns from activate(): for other extensions and for the end-to-end tests. */
export interface CrownGuardApi {
  /** Fires each time a document's findings arrive from the server (also when there are none). */
  readonly onDidReport: Event<Report>;
  /** Where start-up time goes: when (Date.now()) each step of it happened. */
  readonly startup: Startup;
}

/** Date.now() when dist/client.js finished loading (set by the bundle's last line; unset when unbundled). */
declare const CROWNGUARD_BUNDLE_LOADED: number | undefined;

/** The language client starts here, as the bundle loads, before the editor calls activate(). */
const session = startSession();
let lineage: LineageClient | undefined;

export async function activate(context: ExtensionContext): Promise<CrownGuardApi> {
  const { client, output, status, step, startup } = session;
  startup.activated = Date.now();
  if (typeof CROWNGUARD_BUNDLE_LOADED === 'number') step('dist/client.js loaded', CROWNGUARD_BUNDLE_LOADED);
  step('activate() entered');
  context.subscriptions.push(
    ...session.disposables,
    commands.registerCommand('crownguard.restartServer', async () => {
      output.appendLine('Restarting the CrownGuard server.');
      status.setState('starting');
      try {
        const restarting = client.restart();
        context.subscriptions.push(answerWhileStarting(client, DOCUMENT_SELECTOR, restarting));
        await restarting;
      } catch (err) {
        status.setState('failed');
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
      if (EDITOR_SETTINGS.some((s) => e.affectsConfiguration(s)) && client.isRunning()) {
        session.forgetWorkspaceResults();
        client.getFeature(DocumentDiagnosticRequest.method).refresh();
      }
    }),
  );
  await session.starting;
  lineage = registerLineage(context, client);
  return { onDidReport: session.reports.event, startup };
}

export async function deactivate(): Promise<void> {
  stopUnclaimedServer();
  await session.client.stop();
}
