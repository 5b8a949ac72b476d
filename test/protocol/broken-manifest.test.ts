import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import {
  DocumentDiagnosticRequest,
  HoverRequest,
  type Diagnostic,
  type FullDocumentDiagnosticReport,
  type Hover,
} from 'vscode-languageserver-protocol/node';
import { TestClient } from '../support/lsp-client';
import { copyOfExamples } from '../support/workspace';

describe('a governance manifest that stops parsing while it is typed', () => {
  let ws: ReturnType<typeof copyOfExamples>;
  let client: TestClient;
  let govUri: string;
  let pipelineUri: string;
  let codeUri: string;
  let good: string;
  let pipelineText: string;
  before(async () => {
    ws = copyOfExamples();
    client = await TestClient.start({ folder: ws.dir, pull: true });
    good = readFileSync(`${ws.dir}/governance.yaml`, 'utf8');
    pipelineText = readFileSync(`${ws.dir}/pipelines/support-bot.pipeline.yaml`, 'utf8');
    govUri = await client.open('governance.yaml', 'yaml', good);
    pipelineUri = await client.open('pipelines/support-bot.pipeline.yaml', 'yaml', pipelineText);
    codeUri = await client.open('src/prepare_data.py', 'python');
  });
  after(async () => {
    await client.stop();
    ws.remove();
  });

  const diagnose = async (uri: string) =>
    (
      (await client.connection.sendRequest(DocumentDiagnosticRequest.type, {
        textDocument: { uri },
      })) as FullDocumentDiagnosticReport
    ).items;
  const summary = (items: Diagnostic[]) =>
    items.map((d) => `${d.range.start.line}:${d.range.start.character} ${d.code} ${d.message}`);
  const hoverOn = async (needle: string) => {
    const offset = pipelineText.indexOf(needle);
    const before = pipelineText.slice(0, offset).split('\n');
    const position = { line: before.length - 1, character: before[before.length - 1].length + 1 };
    const h = (await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: pipelineUri },
      position,
    })) as Hover | null;
    return h && typeof h.contents === 'object' && 'value' in h.contents
      ? h.contents.value
      : JSON.stringify(h?.contents);
  };

  it('keeps the last manifest that parsed for every other file, and says so once, at the bracket', async () => {
    const pipelineBefore = summary(await diagnose(pipelineUri));
    const codeBefore = summary(await diagnose(codeUri));
    const hoverBefore = await hoverOn('customer-profiles');
    assert.match(hoverBefore, /^\*\*asset\*\* `customer-profiles`/);
    assert.ok(
      codeBefore.some((d) => d.includes('CG101')),
      codeBefore.join('\n'),
    );

    // Typing the opening bracket of a list, not yet its closing one.
    const broken = good.replace('records: [Customer, CustomerProfile]', 'records: [Customer, CustomerProfile');
    assert.notEqual(broken, good);
    await client.change(govUri, broken);
    const own = await diagnose(govUri);
    const line = broken.split('\n').findIndex((l) => l.includes('records: [Customer, CustomerProfile'));
    const character = broken.split('\n')[line].indexOf('[');
    assert.deepEqual(
      own.map((d) => [d.code, d.range.start.line, d.range.start.character]),
      [['CG001', line, character]],
      'one syntax error, at the bracket that is not closed',
    );
    assert.match(String(own[0].message), /never closed.*last version that did/);
    assert.equal(own.filter((d) => /last version/.test(String(d.message))).length, 1);

    assert.deepEqual(summary(await diagnose(pipelineUri)), pipelineBefore, 'pipeline ids still resolve');
    assert.deepEqual(summary(await diagnose(codeUri)), codeBefore, 'code findings unchanged');
    assert.equal(await hoverOn('customer-profiles'), hoverBefore, 'hover still knows the asset');

    // Closing the bracket puts the new text in force again, with no note left behind.
    await client.change(govUri, good);
    assert.deepEqual(await diagnose(govUri), []);
    assert.deepEqual(summary(await diagnose(pipelineUri)), pipelineBefore);
  });
});
