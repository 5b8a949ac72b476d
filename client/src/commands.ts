import { commands, Uri, window, workspace, type ExtensionContext, type WorkspaceFolder } from 'vscode';

/** Picks the folder a command acts on: the only one, the active file's, or the user's choice. */
async function pickFolder(): Promise<WorkspaceFolder | undefined> {
  const folders = workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0];
  const active = window.activeTextEditor?.document.uri;
  const preselected = active ? workspace.getWorkspaceFolder(active) : undefined;
  return window.showWorkspaceFolderPick({
    placeHolder: `Folder to create governance.yaml in${preselected ? ` (current: ${preselected.name})` : ''}`,
  });
}

async function exists(uri: Uri): Promise<boolean> {
  try {
    await workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/**
 * "CrownGuard: Create Governance Manifest": writes the template shipped with the extension as
 * governance.yaml at the top of a workspace folder and opens it; an existing manifest is opened,
 * never overwritten. Returns the manifest's URI (the walkthrough and the tests use it).
 */
export async function createGovernanceManifest(context: ExtensionContext): Promise<Uri | undefined> {
  const folder = await pickFolder();
  if (!folder) {
    void window.showWarningMessage(
      'Open a folder first: the governance manifest lives at the top of a workspace folder.',
    );
    return undefined;
  }
  for (const name of ['governance.yaml', 'governance.yml']) {
    const existing = Uri.joinPath(folder.uri, name);
    if (await exists(existing)) {
      await window.showTextDocument(existing);
      void window.showInformationMessage(`${folder.name} already has ${name}; opened it.`);
      return existing;
    }
  }
  const target = Uri.joinPath(folder.uri, 'governance.yaml');
  const template = await workspace.fs.readFile(Uri.joinPath(context.extensionUri, 'templates', 'governance.yaml'));
  await workspace.fs.writeFile(target, template);
  await window.showTextDocument(target);
  return target;
}

/** Opens the Problems panel: where the workspace's CrownGuard findings are listed. */
export function showProblems(): Thenable<unknown> {
  return commands.executeCommand('workbench.actions.view.problems');
}
