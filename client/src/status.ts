import {
  languages,
  StatusBarAlignment,
  ThemeColor,
  window,
  type Disposable,
  type StatusBarItem,
  type Uri,
} from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';

/** The command the status bar item runs; see `showFindings` in extension.ts. */
export const STATUS_COMMAND = 'crownguard.showFindings';

/** CrownGuard's own diagnostics for a resource (others' are not counted). */
export function crownguardDiagnostics(uri: Uri) {
  return languages.getDiagnostics(uri).filter((d) => d.source === 'crownguard');
}

/**
 * The status bar item: the server's state, and the number of CrownGuard findings in the file
 * being edited. Clicking it runs STATUS_COMMAND.
 */
export class Status implements Disposable {
  private readonly item: StatusBarItem;
  private readonly subscriptions: Disposable[] = [];
  private state: 'starting' | 'running' | 'stopped' | 'failed' = 'starting';

  constructor(private readonly client: LanguageClient) {
    this.item = window.createStatusBarItem('crownguard.status', StatusBarAlignment.Right, 100);
    this.item.name = 'CrownGuard';
    this.item.command = STATUS_COMMAND;
    this.subscriptions.push(
      client.onDidChangeState((e) =>
        this.setState(
          e.newState === State.Running ? 'running' : e.newState === State.Starting ? 'starting' : 'stopped',
        ),
      ),
      window.onDidChangeActiveTextEditor(() => this.render()),
      languages.onDidChangeDiagnostics((e) => {
        const active = window.activeTextEditor?.document.uri.toString();
        if (active && e.uris.some((u) => u.toString() === active)) this.render();
      }),
    );
    this.render();
    this.item.show();
  }

  setState(state: Status['state']): void {
    this.state = state;
    this.render();
  }

  private render(): void {
    const doc = window.activeTextEditor?.document;
    const count = doc ? crownguardDiagnostics(doc.uri).length : 0;
    this.item.backgroundColor = undefined;
    switch (this.state) {
      case 'starting':
        this.item.text = '$(loading~spin) CrownGuard';
        this.item.tooltip = 'CrownGuard: the language server is starting';
        break;
      case 'stopped':
        this.item.text = '$(circle-slash) CrownGuard';
        this.item.tooltip = 'CrownGuard: the language server is stopped. Run "CrownGuard: Restart Server" to start it.';
        break;
      case 'failed':
        this.item.text = '$(error) CrownGuard';
        this.item.tooltip = 'CrownGuard: the language server failed. See the CrownGuard output, then restart it.';
        this.item.backgroundColor = new ThemeColor('statusBarItem.errorBackground');
        break;
      case 'running':
        this.item.text = count > 0 ? `$(shield) CrownGuard: ${count}` : '$(shield) CrownGuard';
        this.item.tooltip = doc
          ? `CrownGuard: ${count === 0 ? 'no findings' : count === 1 ? '1 finding' : `${count} findings`} in this file. Click to see the problems.`
          : 'CrownGuard is running. Click to see the problems.';
        break;
    }
    this.item.accessibilityInformation = {
      label: typeof this.item.tooltip === 'string' ? this.item.tooltip : 'CrownGuard',
    };
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
    this.item.dispose();
  }
}
