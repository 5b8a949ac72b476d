import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CodeActionRequest,
  CompletionItemKind,
  CompletionRequest,
  DocumentDiagnosticRequest,
  DocumentLinkRequest,
  HoverRequest,
  InsertTextFormat,
  type CodeAction,
  type CompletionItem,
  type DocumentLink,
  type FullDocumentDiagnosticReport,
  type Hover,
} from 'vscode-languageserver-protocol/node';
import { TestClient } from '../support/lsp-client';
import { copyOfExamples } from '../support/workspace';

describe('editing help in manifests over the protocol', () => {
  let ws: ReturnType<typeof copyOfExamples>;
  let client: TestClient;
  let uri: string;
  let original: string;
  before(async () => {
    ws = copyOfExamples();
    client = await TestClient.start({ folder: ws.dir, pull: true, snippets: true });
    uri = await client.open('pipelines/support-bot.pipeline.yaml', 'yaml');
    original = readFileSync(`${ws.dir}/pipelines/support-bot.pipeline.yaml`, 'utf8');
  });
  after(async () => {
    await client.stop();
    ws.remove();
  });

  /** Puts `text` in the document, the cursor where `$0` is. */
  const edit = async (text: string) => {
    const offset = text.indexOf('$0');
    const clean = text.replace('$0', '');
    await client.change(uri, clean);
    return { text: clean, position: TextDocument.create(uri, 'yaml', 0, clean).positionAt(offset) };
  };
  const complete = async (text: string) => {
    const { position } = await edit(text);
    return (await client.connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri },
      position,
    })) as CompletionItem[];
  };

  it('completes the keys a stage lacks, as snippets with their documentation', async () => {
    const items = await complete(original.replace('    method: lora\n', '    method: lora\n    $0\n'));
    assert.deepEqual(
      items.map((i) => i.label),
      ['removes', 'baseModel', 'approvals', 'retentionDays', 'description', 'domain'],
    );
    const approvals = items.find((i) => i.label === 'approvals')!;
    assert.equal(approvals.kind, CompletionItemKind.Property);
    assert.equal(approvals.insertTextFormat, InsertTextFormat.Snippet);
    assert.equal(
      approvals.textEdit && 'newText' in approvals.textEdit ? approvals.textEdit.newText : '',
      'approvals:\n      - $0',
    );
    assert.match(
      typeof approvals.documentation === 'object' ? approvals.documentation.value : '',
      /^\*\*Approvals\*\* \(`approvals`\)/,
    );
  });

  it('completes the values of an enum', async () => {
    const items = await complete(original.replace('    method: lora\n', '    method: $0\n'));
    assert.deepEqual(
      items.map((i) => `${i.label} ${i.kind}`),
      ['full', 'lora', 'qlora', 'adapter', 'prompt-tuning', 'rag'].map((m) => `${m} ${CompletionItemKind.EnumMember}`),
    );
  });

  it("hovers a key with the schema's documentation, and an id as before", async () => {
    const { position } = await edit(original.replace('    method: lora', '    met$0hod: lora'));
    const hover = (await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position,
    })) as Hover;
    assert.match(
      typeof hover.contents === 'object' && 'value' in hover.contents ? hover.contents.value : '',
      /^\*\*Fine-tuning method\*\* \(`method`\)/,
    );
    assert.deepEqual(hover.range, {
      start: { line: position.line, character: 4 },
      end: { line: position.line, character: 10 },
    });
    const id = await edit(original.replace('inputs: [sft-train]', 'inputs: [sft$0-train]'));
    const idHover = (await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: id.position,
    })) as Hover;
    assert.match(
      typeof idHover.contents === 'object' && 'value' in idHover.contents ? idHover.contents.value : '',
      /^\*\*stage output\*\* `sft-train`/,
    );
  });

  it('links the training config a stage runs, and nothing that does not exist', async () => {
    await client.change(uri, `${original}  - id: other\n    type: fine-tune\n    config: configs/missing.yaml\n`);
    const links = (await client.connection.sendRequest(DocumentLinkRequest.type, {
      textDocument: { uri },
    })) as DocumentLink[];
    assert.deepEqual(
      links.map((l) => [l.range.start.line, l.target]),
      [
        [
          original.split('\n').findIndex((l) => l.includes('config: configs/axolotl-support-bot.yaml')),
          client.uri('configs/axolotl-support-bot.yaml'),
        ],
      ],
    );
  });

  it('offers the privacy-block fix for a policy finding that points at its definition, and the fix clears it', async () => {
    // The fine-tune stage now trains on crown-jewel data, without differential privacy.
    const text = original
      .replace('inputs: [sft-train]', 'inputs: [raw-joined]')
      .replace('    privacy:\n      differentialPrivacy: { epsilon: 8, delta: 1.0e-6 }\n', '');
    const version = await client.change(uri, text);
    const diagnose = async () =>
      (
        (await client.connection.sendRequest(DocumentDiagnosticRequest.type, {
          textDocument: { uri },
        })) as FullDocumentDiagnosticReport
      ).items;
    const dp = (await diagnose()).find((d) => String(d.message).startsWith("Violates policy 'differential-privacy'"));
    assert.ok(dp, 'no differential-privacy finding');
    assert.equal(dp.relatedInformation?.length, 1);
    assert.match(dp.relatedInformation![0].location.uri, /\/docs\/rules\/CG401\.md$/);
    assert.match(dp.relatedInformation![0].message, /built-in policy 'differential-privacy'/);
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: dp.range,
      context: { diagnostics: [dp] },
    })) as CodeAction[];
    const fix = actions.find((a) => a.title.startsWith('Add a privacy block'));
    assert.ok(fix, `no privacy fix among ${actions.map((a) => a.title).join('; ')}`);
    const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'yaml', version, text), fix.edit!.changes![uri]);
    assert.equal(
      fixed,
      text.replace(
        '      payloads: false\n',
        '      payloads: false\n    privacy:\n      differentialPrivacy:\n        epsilon: 8\n',
      ),
    );
    await client.change(uri, fixed);
    assert.equal((await diagnose()).filter((d) => String(d.message).includes("'differential-privacy'")).length, 0);
  });

  it('points a policy the governance manifest overrides at its entry there, unsaved edits included', async () => {
    const governance = readFileSync(`${ws.dir}/governance.yaml`, 'utf8').replace(
      'policies:\n',
      'policies:\n  - id: differential-privacy\n    severity: warning\n',
    );
    const governanceUri = await client.open('governance.yaml', 'yaml', governance);
    await client.change(
      uri,
      original
        .replace('inputs: [sft-train]', 'inputs: [raw-joined]')
        .replace('{ epsilon: 8, delta: 1.0e-6 }', '{ epsilon: 50 }'),
    );
    const items = (
      (await client.connection.sendRequest(DocumentDiagnosticRequest.type, {
        textDocument: { uri },
      })) as FullDocumentDiagnosticReport
    ).items;
    const dp = items.find((d) => String(d.message).startsWith("Violates policy 'differential-privacy'"));
    assert.ok(dp);
    const line = governance.split('\n').indexOf('  - id: differential-privacy');
    assert.deepEqual(dp.relatedInformation, [
      {
        location: {
          uri: governanceUri,
          range: { start: { line, character: 4 }, end: { line: line + 1, character: 21 } },
        },
        message: "policy 'differential-privacy' is declared here",
      },
    ]);
  });
});
