/// <reference types="mocha" />
// In-host end-to-end tests on a multi-root workspace: examples/ and a second team's folder
// (test/vscode/multiroot/clinic) with its own governance manifest.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activate, ours, setSetting, uriOf, waitForDiagnostics } from './helpers';

function root(name: string): vscode.WorkspaceFolder {
  const f = vscode.workspace.workspaceFolders?.find((w) => w.name === name);
  assert.ok(f, `workspace folder ${name} (have: ${vscode.workspace.workspaceFolders?.map((w) => w.name).join(', ')})`);
  return f;
}

const TRIAGE =
  'import logging\n\nlog = logging.getLogger(__name__)\n\n\ndef triage(patient):\n    log.info(f"triaging {patient.diagnosis}")\n';

async function fixTitles(uri: vscode.Uri, d: vscode.Diagnostic): Promise<string[]> {
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
    'vscode.executeCodeActionProvider',
    uri,
    d.range,
    vscode.CodeActionKind.QuickFix.value,
  );
  return actions.map((a) => a.title);
}

suite('CrownGuard in a multi-root workspace', () => {
  suiteSetup(async () => {
    await activate();
    assert.equal(vscode.workspace.workspaceFolders?.length, 2);
  });

  test('each folder is checked under its own governance manifest', async () => {
    // The same code in both folders: crown-jewel (error) under the clinic's manifest, a
    // built-in possible health value (warning) under the examples' one.
    const clinic = uriOf('src/triage.py', root('clinic'));
    const examples = uriOf('src/triage.py', root('examples'));
    await vscode.workspace.fs.writeFile(examples, Buffer.from(TRIAGE));
    await vscode.window.showTextDocument(clinic, { preview: false });
    const [c] = await waitForDiagnostics(clinic, ['CG101@7']);
    await vscode.window.showTextDocument(examples, { preview: false });
    const [e] = await waitForDiagnostics(examples, ['CG101@7']);
    assert.equal(c.severity, vscode.DiagnosticSeverity.Error);
    assert.match(c.message, /patient-records/);
    assert.equal(e.severity, vscode.DiagnosticSeverity.Warning);
    assert.doesNotMatch(e.message, /patient-records/);
    // Each fix uses its folder's redaction function.
    assert.ok((await fixTitles(clinic, c)).includes('Wrap in scrub()'));
    assert.ok((await fixTitles(examples, e)).includes('Wrap in redact()'));
  });

  test('a setting on one folder leaves the other alone', async () => {
    const clinic = uriOf('src/triage.py', root('clinic'));
    const train = uriOf('src/train.py', root('examples'));
    await vscode.window.showTextDocument(train, { preview: false });
    await waitForDiagnostics(train, ['CG101@9', 'CG101@10']);
    await vscode.window.showTextDocument(clinic, { preview: false });
    await waitForDiagnostics(clinic, ['CG101@7']);
    await setSetting('enable', false, root('clinic'));
    try {
      await waitForDiagnostics(clinic, []);
      assert.equal(ours(train).length, 2, 'the examples folder still has its findings');
    } finally {
      await setSetting('enable', undefined, root('clinic'));
    }
    await waitForDiagnostics(clinic, ['CG101@7']);
  });
});
