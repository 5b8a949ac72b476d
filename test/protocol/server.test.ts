import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CodeActionRequest,
  DiagnosticSeverity,
  DidChangeConfigurationNotification,
  DocumentDiagnosticRequest,
  type CodeAction,
  type Diagnostic,
  type FullDocumentDiagnosticReport,
} from 'vscode-languageserver-protocol/node';
import { TestClient } from '../support/lsp-client';
import { checksummedToken, Synthetic } from '../quality/synthetic';
import { copyOfExamples } from '../support/workspace';

describe('language server over stdio, push diagnostics', () => {
  let ws: ReturnType<typeof copyOfExamples>;
  let client: TestClient;
  before(async () => {
    ws = copyOfExamples();
    client = await TestClient.start({ folder: ws.dir, pull: false });
  });
  after(() => ws.remove());

  let prepUri: string;
  let prepText: string;
  let leak: Diagnostic;

  it('publishes the leak in the example with rule id, rule page and no value', async () => {
    prepText = readFileSync(`${ws.dir}/src/prepare_data.py`, 'utf8');
    prepUri = await client.open('src/prepare_data.py', 'python', prepText);
    const published = await client.waitFor('diagnostics for prepare_data.py', () => client.diagnosticsAt(prepUri, 1));
    assert.equal(published.diagnostics.length, 1, JSON.stringify(published.diagnostics));
    leak = published.diagnostics[0];
    assert.equal(leak.code, 'CG101');
    assert.equal(leak.severity, DiagnosticSeverity.Error);
    assert.deepEqual(leak.range, { start: { line: 12, character: 16 }, end: { line: 12, character: 23 } });
    assert.match(String(leak.message), /field 'ssn' of asset 'customer-profiles'/);
    const page = fileURLToPath(leak.codeDescription!.href);
    assert.ok(page.endsWith('docs/rules/CG101.md') && existsSync(page), page);
  });

  it('offers the redaction quick fix at the origin first, then at the sink; applying it clears the diagnostic', async () => {
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: prepUri },
      range: leak.range,
      context: { diagnostics: [leak] },
    })) as CodeAction[];
    assert.deepEqual(
      actions.map((a) => [a.title, a.isPreferred]),
      [
        ['Wrap `customer.ssn` in redact() where it enters `summary` (line 12)', true],
        ['Wrap the whole `summary` in redact() here', false],
        // The example manifest requires an approver for crown-jewel data: the waiver asks for one.
        ['Waive CG101 for this statement (write the reason and the approver)', false],
      ],
    );
    const sink = TextDocument.applyEdits(
      TextDocument.create(prepUri, 'python', 1, prepText),
      actions[1].edit!.changes![prepUri],
    );
    assert.equal(sink, prepText.replace('logger.info(summary)', 'logger.info(redact(summary))'));
    const edits = actions[0].edit!.changes![prepUri];
    const fixed = TextDocument.applyEdits(TextDocument.create(prepUri, 'python', 1, prepText), edits);
    // The ticket id stays readable in the log: only the SSN is redacted.
    assert.equal(fixed, prepText.replace('{customer.ssn}', '{redact(customer.ssn)}'));
    const version = await client.change(prepUri, fixed);
    const after = await client.waitFor('diagnostics after the fix', () => client.diagnosticsAt(prepUri, version));
    assert.deepEqual(after.diagnostics, []);
  });

  it('offers fix-all as source.fixAll.crownguard, combining the safe fixes once', async () => {
    const trainUri = await client.open('src/train.py', 'python');
    await client.waitFor('diagnostics for train.py', () => client.diagnosticsAt(trainUri, 1));
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: trainUri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll'] },
    })) as CodeAction[];
    assert.equal(actions.length, 1);
    assert.equal(actions[0].kind, 'source.fixAll.crownguard');
    const text = readFileSync(`${ws.dir}/src/train.py`, 'utf8');
    const fixed = TextDocument.applyEdits(
      TextDocument.create(trainUri, 'python', 1, text),
      actions[0].edit!.changes![trainUri],
    );
    assert.equal(fixed.split('from acme_privacy import redact').length - 1, 1);
    assert.equal(fixed.split('redact(customer_record').length - 1, 2);
  });

  it('hides waived findings', async () => {
    // The example manifest allows waivers of at most 90 days.
    const expires = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const text = readFileSync(`${ws.dir}/src/train.py`, 'utf8').replace(
      '    print("first sample',
      `    # crownguard: waive CG101 reason="synthetic record in this test" expires=${expires} approver=privacy-office\n    print("first sample`,
    );
    const uri = client.uri('src/train.py');
    const version = await client.change(uri, text);
    const published = await client.waitFor('diagnostics with the waiver', () => client.diagnosticsAt(uri, version));
    assert.deepEqual(
      published.diagnostics.map((d) => [d.code, d.range.start.line]),
      [['CG101', 10]],
    );
  });

  it('publishes only for the latest version when edits come quickly', async () => {
    const leaky = prepText;
    const published = client.published.length;
    const v1 = await client.change(prepUri, leaky.replace('customer.ssn', 'customer.id'));
    const v2 = await client.change(prepUri, leaky);
    const latest = await client.waitFor('diagnostics for the latest version', () => client.diagnosticsAt(prepUri, v2));
    assert.equal(latest.diagnostics.length, 1);
    assert.equal(client.diagnosticsAt(prepUri, v1), undefined, 'a stale version was published');
    assert.ok(client.published.slice(published).every((p) => p.uri !== prepUri || p.version === v2));
  });

  it('applies unsaved governance edits to other open documents at once', async () => {
    const govPath = `${ws.dir}/governance.yaml`;
    const gov = readFileSync(govPath, 'utf8');
    const govUri = await client.open('governance.yaml', 'yaml', gov);
    await client.waitFor('manifest diagnostics', () => client.diagnosticsAt(govUri, 1));
    const before = client.published.length;
    // The restricted tier stops being crown-jewel: the same leak becomes a warning.
    await client.change(govUri, gov.replace('    crownJewel: true\n', ''));
    const updated = await client.waitFor('re-published diagnostics', () =>
      client.published.slice(before).find((p) => p.uri === prepUri && p.diagnostics.length === 1),
    );
    assert.equal(updated.diagnostics[0].severity, DiagnosticSeverity.Warning);
  });

  it('checks pipeline manifests across files, and re-checks them when an asset is renamed elsewhere', async () => {
    // Back to the manifest as saved (an earlier test edited the open document).
    const govUri = client.uri('governance.yaml');
    const gov = readFileSync(`${ws.dir}/governance.yaml`, 'utf8');
    await client.change(govUri, gov);
    const pipelineUri = await client.open('pipelines/support-bot.pipeline.yaml', 'yaml');
    const first = await client.waitFor('pipeline diagnostics', () => client.diagnosticsAt(pipelineUri, 1));
    // The example's ingest stage reads crown-jewel data without confidential compute.
    assert.deepEqual(
      first.diagnostics.map((d) => [d.code, d.range.start.line]),
      [['CG401', 6]],
    );
    const before = client.published.length;
    await client.change(govUri, gov.replace('- id: support-tickets', '- id: support-ticket'));
    const updated = await client.waitFor('re-published pipeline diagnostics', () =>
      client.published
        .slice(before)
        .find((p) => p.uri === pipelineUri && p.diagnostics.some((d) => d.code === 'CG003')),
    );
    assert.deepEqual(
      updated.diagnostics.filter((d) => d.code === 'CG003').map((d) => [d.range.start.line, String(d.message)]),
      [[8, "Unknown id 'support-tickets': no asset or stage output has this id (did you mean 'support-ticket'?)"]],
    );
    await client.change(govUri, gov);
  });

  it('reports a broken manifest at the exact node', async () => {
    const govUri = client.uri('governance.yaml');
    const text = readFileSync(`${ws.dir}/governance.yaml`, 'utf8').replace('kind: table', 'kind: tabel');
    const version = await client.change(govUri, text);
    const published = await client.waitFor('manifest diagnostics', () => client.diagnosticsAt(govUri, version));
    assert.equal(published.diagnostics.length, 1);
    const d = published.diagnostics[0];
    assert.equal(d.code, 'CG002');
    const line = text.split('\n').findIndex((l) => l.includes('kind: tabel'));
    assert.deepEqual(d.range, { start: { line, character: 10 }, end: { line, character: 15 } });
    assert.match(String(d.message), /did you mean table/);
  });

  it('reports a deeply nested file in full, and a binary one as a CG005 warning, never a note', async () => {
    // Built by concatenation so that this file itself holds no token.
    const token = checksummedToken(new Synthetic(), 'ghp_');
    const deepUri = await client.open(
      'src/deep.py',
      'python',
      `TOKEN = "${token}"\nprint(user.ssn)\nx = ${'('.repeat(2000)}1${')'.repeat(2000)}\n`,
    );
    const deep = await client.waitFor('diagnostics for deep.py', () => client.diagnosticsAt(deepUri, 1));
    assert.deepEqual(deep.diagnostics.map((d) => d.code).sort(), ['CG101', 'CG201']);
    assert.ok(deep.diagnostics.every((d) => !String(d.message).includes(token)));
    const blobUri = await client.open('src/blob.ts', 'typescript', `\u0000const TOKEN = "${token}";\n`);
    const blob = await client.waitFor('diagnostics for blob.ts', () => client.diagnosticsAt(blobUri, 1));
    assert.equal(blob.diagnostics.length, 1);
    assert.equal(blob.diagnostics[0].code, 'CG005');
    assert.equal(blob.diagnostics[0].severity, DiagnosticSeverity.Warning);
    assert.equal(blob.diagnostics[0].message, 'Not analysed, because it is a binary file');
  });

  it('shuts down cleanly', async () => {
    assert.equal(await client.stop(), 0);
  });
});

/** The diagnostics of a document, pulled. */
async function pullItems(client: TestClient, uri: string): Promise<Diagnostic[]> {
  return (
    (await client.connection.sendRequest(DocumentDiagnosticRequest.type, {
      textDocument: { uri },
    })) as FullDocumentDiagnosticReport
  ).items;
}

describe('language server over stdio, pull diagnostics and settings', () => {
  let ws: ReturnType<typeof copyOfExamples>;
  let client: TestClient;
  let enabled = true;
  /** How many settings the server asked the client for. */
  let asked = 0;
  before(async () => {
    ws = copyOfExamples();
    client = await TestClient.start({
      folder: ws.dir,
      pull: true,
      configuration: () => {
        asked++;
        return { enable: enabled };
      },
    });
  });
  after(() => ws.remove());

  const pull = (uri: string) => pullItems(client, uri);

  it('answers textDocument/diagnostic', async () => {
    const uri = await client.open('src/train.py', 'python');
    const items = await pull(uri);
    assert.deepEqual(
      items.map((d) => [d.code, d.range.start.line]),
      [
        ['CG101', 8],
        ['CG101', 9],
      ],
    );
    assert.equal(client.published.length, 0, 'a pull client must not be pushed diagnostics');
  });

  it('offers the quick fix for a diagnostic sent back without its data (clients without dataSupport)', async () => {
    const uri = client.uri('src/train.py');
    const [first] = await pull(uri);
    const { data: _dropped, source: _alsoDropped, ...bare } = first;
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: bare.range,
      context: { diagnostics: [bare] },
    })) as CodeAction[];
    assert.equal(actions[0]?.title, 'Wrap in redact()');
  });

  it('a settings notification with no setting changed (VS Code sends two as it starts) refreshes nothing', async () => {
    assert.equal((await pull(client.uri('src/train.py'))).length, 2);
    const before = client.refreshRequests;
    const askedBefore = asked;
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    // The server asks for the settings again, finds them unchanged; then a real change.
    await client.waitFor('the settings asked again', () => asked > askedBefore || undefined);
    enabled = false;
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    await client.waitFor('a refresh request', () => client.refreshRequests > before || undefined);
    assert.deepEqual(await pull(client.uri('src/train.py')), []);
    assert.equal(client.refreshRequests, before + 1, 'only the notification that changed a setting refreshed');
    enabled = true;
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    await client.waitFor('a second refresh request', () => client.refreshRequests > before + 1 || undefined);
    assert.equal((await pull(client.uri('src/train.py'))).length, 2);
  });

  it('re-reads per-resource settings when they change, and asks the client to refresh', async () => {
    const before = client.refreshRequests;
    enabled = false;
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    await client.waitFor('a refresh request', () => client.refreshRequests > before || undefined);
    assert.deepEqual(await pull(client.uri('src/train.py')), []);
    enabled = true;
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    await client.waitFor('a second refresh request', () => client.refreshRequests > before + 1 || undefined);
    assert.equal((await pull(client.uri('src/train.py'))).length, 2);
  });

  it('shuts down cleanly', async () => {
    assert.equal(await client.stop(), 0);
  });
});

describe('folder settings sent with initialize', () => {
  let ws: ReturnType<typeof copyOfExamples>;
  let client: TestClient;
  /** The resources the server asked the client's settings of, in order. */
  const asked: (string | undefined)[] = [];
  before(async () => {
    ws = copyOfExamples();
    client = await TestClient.start({
      folder: ws.dir,
      pull: true,
      configuration: (scope) => {
        asked.push(scope);
        return { enable: true };
      },
      // The client read `enable: false` for the folder as it started the server.
      initializationOptions: {
        folderSettings: [{ folder: pathToFileURL(ws.dir).href, settings: { enable: false, governanceManifest: '' } }],
      },
    });
  });
  after(async () => {
    await client.stop();
    ws.remove();
  });

  const pull = (uri: string) => pullItems(client, uri);

  it("answers the folder's files with them, with no settings round trip, and asks once settings change", async () => {
    const uri = await client.open('src/train.py', 'python');
    assert.deepEqual(await pull(uri), [], 'the start-up settings (enable: false) are in force');
    assert.ok(
      !asked.some((scope) => scope?.startsWith(pathToFileURL(ws.dir).href)),
      `the server asked the client for settings it had: ${asked.join(', ')}`,
    );
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    await client.waitFor('a refresh request', () => client.refreshRequests > 0 || undefined);
    assert.equal((await pull(uri)).length, 2, "once settings change, the client's current ones (enable: true) apply");
    assert.ok(asked.includes(uri), 'and they were asked of the client');
  });
});
