import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import {
  CompletionRequest,
  DefinitionRequest,
  DocumentSymbolRequest,
  type DocumentSymbol,
  HoverRequest,
  ReferencesRequest,
  type CompletionItem,
  type Hover,
  type Location,
} from 'vscode-languageserver-protocol/node';
import { TestClient } from '../support/lsp-client';
import { copyOfExamples } from '../support/workspace';

describe('navigation in manifests', () => {
  let ws: ReturnType<typeof copyOfExamples>;
  let client: TestClient;
  let pipelineUri: string;
  let pipeline: string[];
  before(async () => {
    ws = copyOfExamples();
    client = await TestClient.start({ folder: ws.dir, pull: true });
    pipelineUri = await client.open('pipelines/support-bot.pipeline.yaml', 'yaml');
    pipeline = readFileSync(`${ws.dir}/pipelines/support-bot.pipeline.yaml`, 'utf8').split('\n');
  });
  after(async () => {
    await client.stop();
    ws.remove();
  });

  /** The position of the `nth` occurrence of `needle` in the pipeline. */
  const at = (needle: string, nth = 1) => {
    let seen = 0;
    for (const [line, text] of pipeline.entries()) {
      for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1))
        if (++seen === nth) return { line, character: i + 1 };
    }
    throw new Error(`${needle} not in the pipeline`);
  };
  const governanceLine = (needle: string) =>
    readFileSync(`${ws.dir}/governance.yaml`, 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(needle));

  it('goes from an input to the asset declared in the governance manifest', async () => {
    const locations = (await client.connection.sendRequest(DefinitionRequest.type, {
      textDocument: { uri: pipelineUri },
      position: at('customer-profiles'),
    })) as Location[];
    assert.deepEqual(
      locations.map((l) => [l.uri, l.range.start.line]),
      [[client.uri('governance.yaml'), governanceLine('- id: customer-profiles')]],
    );
  });

  it('finds every use of an id across files', async () => {
    const locations = (await client.connection.sendRequest(ReferencesRequest.type, {
      textDocument: { uri: pipelineUri },
      position: at('sft-train'),
      context: { includeDeclaration: true },
    })) as Location[];
    const model = readFileSync(`${ws.dir}/models/support-bot.model.yaml`, 'utf8').split('\n');
    assert.deepEqual(
      locations.map((l) => [l.uri.slice(l.uri.lastIndexOf('/') + 1), l.range.start.line]).sort(),
      [
        ['support-bot.model.yaml', model.findIndex((l) => l.startsWith('datasets: [sft-train]'))],
        ['support-bot.model.yaml', model.findIndex((l) => l.includes('dataset: sft-train'))],
        ['support-bot.pipeline.yaml', at('sft-train', 1).line],
        ['support-bot.pipeline.yaml', at('sft-train', 2).line],
      ].sort(),
    );
  });

  it('completes ids where an id belongs, and schema values where a value does', async () => {
    const lines = [...pipeline];
    const stage = lines.findIndex((l) => l.includes('- id: finetune'));
    lines.splice(stage, 0, '  - id: extra', '    type: fin', '    inputs: [cust', '    outputs:', '      - x');
    const text = lines.join('\n');
    const version = await client.change(pipelineUri, text);
    assert.ok(version > 1);
    const complete = async (line: number) => {
      const items = (await client.connection.sendRequest(CompletionRequest.type, {
        textDocument: { uri: pipelineUri },
        position: { line, character: lines[line].length },
      })) as CompletionItem[];
      return items.map((i) => `${i.label} (${i.detail})`);
    };
    assert.deepEqual(await complete(stage + 1), ['fine-tune (type value)']);
    assert.deepEqual(await complete(stage + 2), ['customer-profiles (asset, tier restricted)']);
    await client.change(pipelineUri, pipeline.join('\n'));
  });

  it('outlines a manifest: its sections, and the ids of the items under them', async () => {
    const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, {
      textDocument: { uri: pipelineUri },
    })) as DocumentSymbol[];
    assert.deepEqual(
      symbols.map((s) => [s.name, (s.children ?? []).map((c) => c.name)]),
      [
        ['apiVersion', []],
        ['kind', []],
        ['metadata', []],
        ['stages', ['ingest', 'redact-pii', 'finetune']],
      ],
    );
  });

  it('hovers show what a dataset carries and where it comes from, through a redacting stage', async () => {
    const hover = async (needle: string, nth = 1) => {
      const h = (await client.connection.sendRequest(HoverRequest.type, {
        textDocument: { uri: pipelineUri },
        position: at(needle, nth),
      })) as Hover | null;
      return h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '';
    };
    assert.match(
      await hover('raw-joined'),
      /^\*\*stage output\*\* `raw-joined`: carries tier \*\*restricted\*\* \(crown-jewel, from `customer-profiles`\); declared in `pipelines\/support-bot\.pipeline\.yaml` line 10\n\nTier from: `support-bot\/ingest` ← `customer-profiles` \(declared restricted in `governance\.yaml`\)\n\nSources:\n- `customer-profiles` \(restricted\): decides the tier\n- `support-tickets` \(confidential\)$/,
    );
    assert.match(
      await hover('sft-train'),
      /Tier from: `support-bot\/redact-pii` \(redacting stage\) ← `raw-joined` ← `support-bot\/ingest` ← `customer-profiles`/,
    );
    // After redaction the confidential source decides the tier; the restricted one is named as lowered.
    assert.match(
      await hover('sft-train'),
      /\n\nSources:\n- `support-tickets` \(confidential\): decides the tier\n- `customer-profiles` \(restricted, lowered to confidential by the redacting stage `support-bot\/redact-pii`\)$/,
    );
    assert.match(
      await hover('sft-train'),
      /^\*\*stage output\*\* `sft-train`: carries tier \*\*confidential\*\*; declared in/,
    );
    assert.match(
      await hover('customer-profiles'),
      /^\*\*asset\*\* `customer-profiles` \(table, owner data-platform\): tier \*\*restricted\*\* \(crown-jewel\); declared in `governance\.yaml` line \d+$/,
    );
  });
});
