import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CrownGuardApi, Report } from '../../../client/src/extension';

export const EXTENSION_ID = 'crownguard.crownguard';

/** How long any one awaited state may take on a busy two-core machine; a bound, not a delay. */
const STATE_TIMEOUT_MS = 60_000;

let api: CrownGuardApi | undefined;

/** Activates the extension (explicitly, so the test does not depend on which file opens first). */
export async function activate(): Promise<CrownGuardApi> {
  const ext = vscode.extensions.getExtension<CrownGuardApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
  api = await ext.activate();
  return api;
}

export function folder(): vscode.WorkspaceFolder {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'no workspace folder open');
  return f;
}

export function uriOf(relative: string, root: vscode.WorkspaceFolder = folder()): vscode.Uri {
  return vscode.Uri.joinPath(root.uri, ...relative.split('/'));
}

export function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'crownguard');
}

export function ruleOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

/** "CG101@12" per diagnostic (1-based lines), sorted: compact to compare and to print. */
export function summary(uri: vscode.Uri): string[] {
  return ours(uri)
    .map((d) => `${ruleOf(d)}@${d.range.start.line + 1}`)
    .sort();
}

/**
 * Resolves once `probe` returns something other than undefined, checking now and after every
 * diagnostics change or CrownGuard report; rejects, saying what it saw last, after the bound.
 */
export function waitFor<T>(
  what: string,
  probe: () => T | undefined,
  seen: () => unknown = () => undefined,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const subs: vscode.Disposable[] = [];
    const finish = () => {
      clearTimeout(timer);
      for (const s of subs) s.dispose();
    };
    const check = () => {
      const v = probe();
      if (v !== undefined) {
        finish();
        resolve(v);
      }
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(seen())}`));
    }, STATE_TIMEOUT_MS);
    subs.push(vscode.languages.onDidChangeDiagnostics(check));
    if (api) subs.push(api.onDidReport(check));
    check();
  });
}

/** Waits until the file's CrownGuard diagnostics are exactly `expected` (see `summary`). */
export function waitForDiagnostics(uri: vscode.Uri, expected: string[]): Promise<vscode.Diagnostic[]> {
  const want = JSON.stringify([...expected].sort());
  return waitFor(
    `${vscode.workspace.asRelativePath(uri)} to show ${want}`,
    () => (JSON.stringify(summary(uri)) === want ? ours(uri) : undefined),
    () => summary(uri),
  );
}

/** The next report CrownGuard gives for a file (subscribe before causing it). */
export function nextReport(uri: vscode.Uri): Promise<Report> {
  assert.ok(api, 'activate() first');
  const key = uri.toString();
  return new Promise<Report>((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out waiting for a CrownGuard report on ${vscode.workspace.asRelativePath(uri)}`));
    }, STATE_TIMEOUT_MS);
    const sub = api!.onDidReport((r) => {
      if (r.uri.toString() !== key) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(r);
    });
  });
}

/**
 * Opens a file in an editor and resolves with the first report CrownGuard gives for it, so a
 * file with no findings is known to have been analysed rather than merely not yet reported.
 */
export async function openAndReport(uri: vscode.Uri): Promise<{ editor: vscode.TextEditor; report: Report }> {
  const report = nextReport(uri);
  const editor = await vscode.window.showTextDocument(uri, { preview: false });
  return { editor, report: await report };
}

/** Sets a CrownGuard setting in the workspace (undefined removes it). */
export async function setSetting(key: string, value: unknown, root: vscode.WorkspaceFolder = folder()): Promise<void> {
  await vscode.workspace
    .getConfiguration('crownguard', root.uri)
    .update(key, value, vscode.ConfigurationTarget.WorkspaceFolder);
}
