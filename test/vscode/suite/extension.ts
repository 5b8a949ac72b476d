/// <reference types="mocha" />
// In-host end-to-end tests: the extension in a real VS Code, on a copy of examples/.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  activate,
  folder,
  nextReport,
  openAndReport,
  ours,
  ruleOf,
  setSetting,
  summary,
  uriOf,
  waitFor,
  waitForDiagnostics,
} from './helpers';

/** The examples' leaks, as `npx crownguard check examples` reports them (rule@line). */
const LEAKS: Record<string, string[]> = {
  'src/prepare_data.py': ['CG101@13'],
  'src/train.py': ['CG101@10', 'CG101@9'],
  'src/notify.ts': ['CG101@12'],
  'prompts/support_reply.prompt': ['CG106@3', 'CG106@5'],
  'pipelines/support-bot.pipeline.yaml': ['CG401@7'],
};
const CLEAN = ['governance.yaml', 'configs/axolotl-support-bot.yaml', 'models/support-bot.model.yaml'];

/** Resolves when the lineage graph's tab is open; the tab model arrives by its own event, so wait for that, not for time. */
async function graphTab(): Promise<void> {
  const hasTab = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.label === 'CrownGuard Lineage');
  if (hasTab()) return;
  await new Promise<void>((resolve) => {
    const sub = vscode.window.tabGroups.onDidChangeTabs(() => {
      if (hasTab()) {
        sub.dispose();
        resolve();
      }
    });
  });
}

suite('CrownGuard in a real VS Code', () => {
  suiteSetup(async () => {
    const started = Date.now();
    const { startup } = await activate();
    // Figures for the output, not assertions: these machines are too noisy to time-bound them.
    // Activation may begin before the suite asks (a workspace with a governance.yaml activates it).
    console.log(
      `figure: activation began ${(startup.activated ?? NaN) - started} ms after the suite asked; the server answered initialize ` +
        `${(startup.serverReady ?? NaN) - startup.began} ms after dist/client.js loaded; the extension was active ${Date.now() - started} ms after the suite asked`,
    );
  });

  teardown(async () => {
    for (const key of ['enable', 'rules', 'exclude', 'include', 'run']) {
      if (
        vscode.workspace.getConfiguration('crownguard', folder().uri).inspect(key)?.workspaceFolderValue !== undefined
      )
        await setSetting(key, undefined);
    }
  });

  // First, before any test opens a file: the workspace's problems come from the server's scan.
  test('files never opened have their problems, from the workspace scan', async () => {
    for (const [file, expected] of Object.entries(LEAKS)) {
      const uri = uriOf(file);
      assert.ok(
        !vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()),
        `${file} is not open`,
      );
      await waitForDiagnostics(uri, expected);
    }
  });

  test('a leaking file keeps its problems after it is opened and closed', async () => {
    const uri = uriOf('src/prepare_data.py');
    await vscode.window.showTextDocument(uri, { preview: false });
    await waitForDiagnostics(uri, LEAKS['src/prepare_data.py']);
    // The first document pull of the session: where the time from activation to it went.
    const { startup: s } = await activate();
    const at = (t?: number) => (t === undefined ? 'n/a' : `${t - s.began} ms`);
    console.log(
      `figure: start-up from the bundle's load: server process asked for ${at(s.clientStarting)}, initialize answered ${at(s.serverReady)}, ` +
        `first document pull sent ${at(s.firstPull)}, its diagnostics received ${at(s.firstDiagnostics)}`,
    );
    // Closing the editor makes the client pull the file once more; wait for that answer.
    const closed = nextReport(uri);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    assert.equal((await closed).count, LEAKS['src/prepare_data.py'].length);
    assert.deepEqual(summary(uri), LEAKS['src/prepare_data.py']);
  });

  test('the leaking example files get their findings, with rule ids and rule pages', async () => {
    for (const [file, expected] of Object.entries(LEAKS)) {
      const uri = uriOf(file);
      await vscode.window.showTextDocument(uri, { preview: false });
      const diagnostics = await waitForDiagnostics(uri, expected);
      for (const d of diagnostics) {
        assert.match(ruleOf(d), /^CG\d{3}$/);
        assert.ok(
          typeof d.code === 'object' && /docs\/rules\/CG\d{3}\.md$/.test(d.code.target.toString()),
          `${file}: diagnostic links its rule page`,
        );
      }
    }
  });

  test('the clean example files are analysed and get no findings', async () => {
    for (const file of CLEAN) {
      const uri = uriOf(file);
      const opened = Date.now();
      const { report } = await openAndReport(uri);
      console.log(`figure: ${file} analysed ${Date.now() - opened} ms after it was opened`);
      assert.equal(report.count, 0, `${file}: ${JSON.stringify(summary(uri))}`);
      assert.deepEqual(summary(uri), []);
    }
  });

  test('the quick fix, applied through the API, wraps the value in redact() and the finding goes away', async () => {
    const uri = uriOf('src/notify.ts');
    const editor = await vscode.window.showTextDocument(uri, { preview: false });
    const [leak] = await waitForDiagnostics(uri, LEAKS['src/notify.ts']);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      leak.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const wrap = actions.find((a) => a.title === 'Wrap in redact()');
    assert.ok(wrap?.edit, `a "Wrap in redact()" fix is offered: ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(wrap.edit));
    assert.match(editor.document.lineAt(leak.range.start.line).text, /\$\{redact\(customer\.home_address\)\}/);
    await waitForDiagnostics(uri, []);
  });

  test('a leak typed into a clean file is flagged before it is saved', async () => {
    const uri = uriOf('src/prepare_data.py');
    const editor = await vscode.window.showTextDocument(uri, { preview: false });
    await waitForDiagnostics(uri, LEAKS['src/prepare_data.py']);
    const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
    const typed = Date.now();
    await editor.edit((e) => e.insert(end, '\n\ndef debug(customer):\n    print(customer.date_of_birth)\n'));
    const leak = editor.document
      .getText()
      .split('\n')
      .findIndex((l) => l.includes('print(customer.date_of_birth)'));
    await waitForDiagnostics(uri, [...LEAKS['src/prepare_data.py'], `CG101@${leak + 1}`]);
    console.log(`figure: a typed leak is squiggled ${Date.now() - typed} ms after the edit`);
    assert.ok(editor.document.isDirty);
    await vscode.commands.executeCommand('undo');
    await waitForDiagnostics(uri, LEAKS['src/prepare_data.py']);
  });

  test('with crownguard.run onSave, saving the file checks it', async () => {
    const uri = uriOf('src/prepare_data.py');
    const editor = await vscode.window.showTextDocument(uri, { preview: false });
    await waitForDiagnostics(uri, LEAKS['src/prepare_data.py']);
    const original = editor.document.getText();
    // A settings change re-checks open files: let that happen before editing.
    const rechecked = nextReport(uri);
    await setSetting('run', 'onSave');
    await rechecked;
    try {
      const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
      await editor.edit((e) => e.insert(end, '\n\ndef audit(customer):\n    print(customer.account_number)\n'));
      const leak = editor.document
        .getText()
        .split('\n')
        .findIndex((l) => l.includes('print(customer.account_number)'));
      assert.ok(await editor.document.save());
      await waitForDiagnostics(uri, [...LEAKS['src/prepare_data.py'], `CG101@${leak + 1}`]);
    } finally {
      // Put the file back as it was, on disk too.
      const all = new vscode.Range(
        editor.document.positionAt(0),
        editor.document.positionAt(editor.document.getText().length),
      );
      await editor.edit((e) => e.replace(all, original));
      await editor.document.save();
    }
    await waitForDiagnostics(uri, LEAKS['src/prepare_data.py']);
  });

  test('crownguard.enable false clears the findings, and true brings them back', async () => {
    const uri = uriOf('src/train.py');
    await vscode.window.showTextDocument(uri, { preview: false });
    await waitForDiagnostics(uri, LEAKS['src/train.py']);
    await setSetting('enable', false);
    await waitForDiagnostics(uri, []);
    await setSetting('enable', undefined);
    await waitForDiagnostics(uri, LEAKS['src/train.py']);
  });

  test("crownguard.rules changes a rule's severity and switches it off", async () => {
    const uri = uriOf('src/train.py');
    await vscode.window.showTextDocument(uri, { preview: false });
    await waitForDiagnostics(uri, LEAKS['src/train.py']);
    assert.ok(ours(uri).every((d) => d.severity === vscode.DiagnosticSeverity.Error));
    await setSetting('rules', { CG101: 'warning' });
    await waitFor(
      'CG101 as warnings',
      () =>
        ours(uri).length === 2 && ours(uri).every((d) => d.severity === vscode.DiagnosticSeverity.Warning)
          ? true
          : undefined,
      () => ours(uri).map((d) => d.severity),
    );
    await setSetting('rules', { CG101: 'off' });
    await waitForDiagnostics(uri, []);
  });

  test("crownguard.exclude hides a file's findings", async () => {
    const uri = uriOf('src/train.py');
    await vscode.window.showTextDocument(uri, { preview: false });
    await waitForDiagnostics(uri, LEAKS['src/train.py']);
    await setSetting('exclude', ['src/train.py']);
    await waitForDiagnostics(uri, []);
    await setSetting('exclude', undefined);
    await waitForDiagnostics(uri, LEAKS['src/train.py']);
  });

  test('"Create Governance Manifest" opens the existing manifest rather than overwriting it', async () => {
    const uri = uriOf('governance.yaml');
    const before = (await vscode.workspace.fs.readFile(uri)).toString();
    const result = await vscode.commands.executeCommand<vscode.Uri | undefined>('crownguard.createGovernanceManifest');
    assert.equal(result?.toString(), uri.toString());
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), uri.toString());
    assert.equal((await vscode.workspace.fs.readFile(uri)).toString(), before);
  });

  test('"Create Governance Manifest" writes the shipped template where there is none, and it is clean', async () => {
    // Last in the suite: it moves the examples' manifest aside for the duration of the test.
    const manifest = uriOf('governance.yaml');
    const aside = uriOf('governance.yaml.bak');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.rename(manifest, aside);
    try {
      const report = nextReport(manifest);
      const created = await vscode.commands.executeCommand<vscode.Uri | undefined>(
        'crownguard.createGovernanceManifest',
      );
      assert.equal(created?.toString(), manifest.toString());
      const ext = vscode.extensions.getExtension('crownguard.crownguard')!;
      const template = await vscode.workspace.fs.readFile(
        vscode.Uri.joinPath(ext.extensionUri, 'templates', 'governance.yaml'),
      );
      assert.equal((await vscode.workspace.fs.readFile(manifest)).toString(), template.toString());
      assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), manifest.toString());
      // The template is a valid manifest: once analysed, it has no findings.
      assert.equal((await report).count, 0);
      assert.deepEqual(summary(manifest), []);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(manifest).then(undefined, () => undefined);
      await vscode.workspace.fs.rename(aside, manifest);
    }
  });

  test('"Restart Server" restarts it, and the new server checks edits', async () => {
    const uri = uriOf('src/train.py');
    const editor = await vscode.window.showTextDocument(uri, { preview: false });
    await waitForDiagnostics(uri, LEAKS['src/train.py']);
    await vscode.commands.executeCommand('crownguard.restartServer');
    // Only a running server can flag a leak typed after the restart.
    const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
    await editor.edit((e) => e.insert(end, '\n\ndef audit(customer):\n    print(customer.ssn)\n'));
    const leak = editor.document
      .getText()
      .split('\n')
      .findIndex((l) => l.includes('print(customer.ssn)'));
    await waitForDiagnostics(uri, [...LEAKS['src/train.py'], `CG101@${leak + 1}`]);
  });

  test('a hover and a completion in governance.yaml asked for while the server restarts are answered once it is up', async () => {
    const uri = uriOf('governance.yaml');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: false });
    const lines = doc.getText().split('\n');
    const key = new vscode.Position(
      lines.findIndex((l) => l.startsWith('tiers:')),
      2,
    );
    const tierLine = lines.findIndex((l) => /^\s+tier: /.test(l));
    const value = new vscode.Position(tierLine, lines[tierLine].indexOf('tier: ') + 'tier: '.length);
    // The command's handler runs at once, up to the old server's shutdown: the two requests are
    // made while no server is running, as they are in a window that is still starting.
    const restarted = vscode.commands.executeCommand('crownguard.restartServer');
    const [hovers, completions] = await Promise.all([
      vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, key),
      vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, value),
    ]);
    await restarted;
    const hoverText = hovers
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === 'string' ? c : c.value))
      .join('\n');
    assert.match(hoverText, /tier/i, 'the key hover is CrownGuard’s, not empty');
    // The editor's word completion would offer `confidential` too, as text with no detail.
    const tier = completions.items.find((i) => i.label === 'confidential');
    assert.ok(
      tier && tier.kind === vscode.CompletionItemKind.Reference && tier.detail,
      `the declared tiers are offered, not words: ${completions.items.map((i) => `${typeof i.label === 'string' ? i.label : i.label.label}:${i.kind}`).join(', ')}`,
    );
  });

  test('the lineage commands answer for the examples, by argument and at the cursor', async () => {
    const up = await vscode.commands.executeCommand<string[]>('crownguard.showUpstream', 'support-bot-lora@1.2.0');
    for (const id of ['customer-profiles', 'support-tickets', 'sft-train', 'support-bot/redact-pii'])
      assert.ok(up.includes(id), `upstream of the release: ${up.join(', ')}`);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    const models = await vscode.commands.executeCommand<string[]>('crownguard.whichModels', 'customer-profiles');
    assert.deepEqual([...models].sort(), [
      // The Axolotl config's output folder is the model it trains (a checkpoint), before its push.
      'configs/axolotl-support-bot.yaml#outputs/support-bot-lora',
      'hf://acme/support-bot-lora',
      'support-bot-lora',
      'support-bot-lora@1.2.0',
      'support-bot-lora@1.2.0->internal-support-gateway',
    ]);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    const hops = await vscode.commands.executeCommand<{ id: string; tier?: string; reason: string }[]>(
      'crownguard.explainClassification',
      'raw-joined',
    );
    assert.deepEqual(
      hops.map((h) => [h.id, h.tier, h.reason]),
      [
        ['raw-joined', 'restricted', 'output'],
        ['support-bot/ingest', 'restricted', 'input'],
        ['customer-profiles', 'restricted', 'declared'],
      ],
    );
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');

    // With no argument, a command acts on the id under the cursor.
    const uri = uriOf('pipelines/support-bot.pipeline.yaml');
    const editor = await vscode.window.showTextDocument(uri, { preview: false });
    const line = editor.document
      .getText()
      .split('\n')
      .findIndex((l) => l.includes('inputs: [raw-joined]'));
    const character = editor.document.lineAt(line).text.indexOf('raw-joined') + 2;
    editor.selection = new vscode.Selection(line, character, line, character);
    const down = await vscode.commands.executeCommand<string[]>('crownguard.showDownstream');
    assert.ok(
      down.includes('sft-train') && down.includes('support-bot-lora@1.2.0') && !down.includes('customer-profiles'),
      down.join(', '),
    );
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');

    // "Show Lineage…" on an id opens the graph view.
    assert.equal(await vscode.commands.executeCommand('crownguard.showLineage', 'sft-train'), 'sft-train');
    await graphTab();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');

    // The status bar's click on a file in the lineage (a training config) opens the graph around it.
    await vscode.window.showTextDocument(uriOf('configs/axolotl-support-bot.yaml'), { preview: false });
    await vscode.commands.executeCommand('crownguard.showFindings');
    await graphTab();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the commands are contributed under the CrownGuard category', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const c of [
      'crownguard.restartServer',
      'crownguard.showOutput',
      'crownguard.showFindings',
      'crownguard.createGovernanceManifest',
      'crownguard.showLineage',
      'crownguard.showLineageGraph',
      'crownguard.showUpstream',
      'crownguard.showDownstream',
      'crownguard.whichModels',
      'crownguard.explainClassification',
    ])
      assert.ok(all.includes(c), c);
  });
});
