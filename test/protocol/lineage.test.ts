import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import {
  DefinitionRequest,
  HoverRequest,
  ReferencesRequest,
  WorkspaceSymbolRequest,
  type Hover,
  type Location,
  type SymbolInformation,
} from 'vscode-languageserver-protocol/node';
import {
  LineageNotifications,
  LineageRequests,
  type ExplainHop,
  type ExplainSource,
  type LineageGraphInfo,
  type LineageNodeInfo,
} from '../../shared/lineage-protocol';
import { TestClient } from '../support/lsp-client';
import { copyOfExamples } from '../support/workspace';

describe('lineage requests over the protocol', () => {
  let ws: ReturnType<typeof copyOfExamples>;
  let client: TestClient;
  let changes = 0;
  before(async () => {
    ws = copyOfExamples();
    client = await TestClient.start({ folder: ws.dir, pull: true });
    client.onNotification(LineageNotifications.didChange, () => changes++);
  });
  after(async () => {
    await client.stop();
    ws.remove();
  });

  const send = <R>(method: string, params: object) => client.connection.sendRequest(method, params) as Promise<R>;

  it('lists every node with kind, tier and where it is declared', async () => {
    const { nodes } = await send<{ nodes: LineageNodeInfo[] }>(LineageRequests.nodes, {});
    const asset = nodes.find((n) => n.id === 'customer-profiles')!;
    assert.equal(asset.kind, 'asset');
    assert.equal(asset.tier, 'restricted');
    assert.equal(asset.crownJewel, true);
    assert.equal(asset.location.uri, client.uri('governance.yaml'));
    const line = readFileSync(`${ws.dir}/governance.yaml`, 'utf8')
      .split('\n')
      .findIndex((l) => l.includes('- id: customer-profiles'));
    assert.equal(asset.location.range.start.line, line);
    assert.ok(nodes.some((n) => n.id === 'configs/axolotl-support-bot.yaml' && n.kind === 'training-run'));
  });

  it('answers upstream, downstream with a depth, a path, models carrying an asset, and explain', async () => {
    const up = await send<LineageGraphInfo>(LineageRequests.upstream, { id: 'support-bot-lora@1.2.0' });
    assert.ok(
      up.nodes.some((n) => n.id === 'customer-profiles'),
      'the release derives from the CRM table',
    );
    const down = await send<LineageGraphInfo>(LineageRequests.downstream, { id: 'customer-profiles', depth: 2 });
    assert.deepEqual(down.nodes.map((n) => n.id).sort(), ['customer-profiles', 'raw-joined', 'support-bot/ingest']);
    const p = await send<LineageGraphInfo | null>(LineageRequests.path, {
      from: 'support-tickets',
      to: 'hf://acme/support-bot-lora',
    });
    assert.deepEqual(
      p?.nodes.map((n) => n.id),
      [
        'support-tickets',
        'support-bot/ingest',
        'raw-joined',
        'support-bot/redact-pii',
        'sft-train',
        'support-bot/finetune',
        'configs/axolotl-support-bot.yaml',
        'hf://acme/support-bot-lora',
      ],
    );
    const models = await send<{ nodes: LineageNodeInfo[] }>(LineageRequests.modelsCarrying, {
      id: 'customer-profiles',
    });
    // The training run's output folder holds its checkpoints: a model too.
    assert.deepEqual(models.nodes.map((n) => n.id).sort(), [
      'configs/axolotl-support-bot.yaml#outputs/support-bot-lora',
      'hf://acme/support-bot-lora',
      'support-bot-lora',
      'support-bot-lora@1.2.0',
      'support-bot-lora@1.2.0->internal-support-gateway',
    ]);
    const { hops } = await send<{ hops: ExplainHop[] }>(LineageRequests.explain, { id: 'raw-joined' });
    assert.deepEqual(
      hops.map((h) => [h.id, h.reason]),
      [
        ['raw-joined', 'output'],
        ['support-bot/ingest', 'input'],
        ['customer-profiles', 'declared'],
      ],
    );
    assert.equal(hops[2].location.uri, client.uri('governance.yaml'));
    assert.deepEqual(await send(LineageRequests.upstream, { id: 'no-such-node' }), { nodes: [], edges: [] });
  });

  it('finds the node under the cursor, and every node as a workspace symbol', async () => {
    const uri = await client.open('pipelines/support-bot.pipeline.yaml', 'yaml');
    const lines = readFileSync(`${ws.dir}/pipelines/support-bot.pipeline.yaml`, 'utf8').split('\n');
    const at = (needle: string) => {
      const line = lines.findIndex((l) => l.includes(needle));
      return { line, character: lines[line].indexOf(needle) + 1 };
    };
    assert.deepEqual(await send(LineageRequests.nodeAt, { textDocument: { uri }, position: at('customer-profiles') }), {
      id: 'customer-profiles',
    });
    assert.deepEqual(await send(LineageRequests.nodeAt, { textDocument: { uri }, position: at('redact-pii') }), {
      id: 'support-bot/redact-pii',
    });
    assert.deepEqual(await send(LineageRequests.nodeAt, { textDocument: { uri }, position: at('configs/axolotl') }), {
      id: 'configs/axolotl-support-bot.yaml',
    });
    const symbols = (await client.connection.sendRequest(WorkspaceSymbolRequest.type, {
      query: 'support-bot/',
    })) as SymbolInformation[];
    assert.deepEqual(symbols.map((s) => s.name).sort(), [
      's3://acme-data/sft/support-bot/train.jsonl',
      'support-bot/finetune',
      'support-bot/ingest',
      'support-bot/redact-pii',
    ]);
  });

  it('navigates lineage references outside manifest ids: a config path, a dataset path, an output folder', async () => {
    const pipeline = await client.open('pipelines/support-bot.pipeline.yaml', 'yaml');
    const pLines = readFileSync(`${ws.dir}/pipelines/support-bot.pipeline.yaml`, 'utf8').split('\n');
    const line = pLines.findIndex((l) => l.includes('config: configs/axolotl'));
    const defs = (await client.connection.sendRequest(DefinitionRequest.type, {
      textDocument: { uri: pipeline },
      position: { line, character: pLines[line].indexOf('configs/') + 3 },
    })) as Location[];
    assert.deepEqual(
      defs.map((d) => d.uri),
      [client.uri('configs/axolotl-support-bot.yaml')],
    );

    const config = await client.open('configs/axolotl-support-bot.yaml', 'yaml');
    const cLines = readFileSync(`${ws.dir}/configs/axolotl-support-bot.yaml`, 'utf8').split('\n');
    const out = cLines.findIndex((l) => l.startsWith('output_dir:'));
    const hover = (await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: config },
      position: { line: out, character: 15 },
    })) as Hover;
    const text = (hover.contents as { value: string }).value;
    assert.match(
      text,
      /^\*\*model\*\* `configs\/axolotl-support-bot\.yaml#outputs\/support-bot-lora` \(output folder \(checkpoints\)\): carries tier \*\*confidential\*\*; declared in `configs\/axolotl-support-bot\.yaml` line \d+/,
    );
    assert.match(text, /Tier from: `configs\/axolotl-support-bot\.yaml` ← `support-bot\/finetune` ← `sft-train`/);
    const refs = (await client.connection.sendRequest(ReferencesRequest.type, {
      textDocument: { uri: config },
      position: { line: out, character: 15 },
      context: { includeDeclaration: true },
    })) as Location[];
    assert.deepEqual(refs.map((r) => r.uri.slice(r.uri.lastIndexOf('/') + 1)).sort(), [
      'axolotl-support-bot.yaml',
      'support-bot.model.yaml',
    ]);
  });

  it('explain names every source of a release, the one that decides its tier, and the redaction that lowered the other', async () => {
    const { sources } = await send<{ sources: ExplainSource[] }>(LineageRequests.explain, {
      id: 'support-bot-lora@1.2.0',
    });
    assert.deepEqual(
      sources.map((s) => [s.id, s.declaredTier, s.tier, s.redactedBy ?? null, s.decides]),
      [
        ['support-tickets', 'confidential', 'confidential', null, true],
        ['customer-profiles', 'restricted', 'confidential', 'support-bot/redact-pii', false],
      ],
    );
    assert.match(sources[0].location.uri, /\/governance\.yaml$/);
  });

  it('follows unsaved edits: a removed redaction stage makes the release crown-jewel, and the client hears of it', async () => {
    const uri = client.uri('pipelines/support-bot.pipeline.yaml');
    const text = readFileSync(`${ws.dir}/pipelines/support-bot.pipeline.yaml`, 'utf8');
    const before = changes;
    // The fine-tune stage now reads the joined, unredacted data.
    await client.change(uri, text.replace('inputs: [sft-train]', 'inputs: [raw-joined]'));
    const { hops } = await send<{ hops: ExplainHop[] }>(LineageRequests.explain, { id: 'support-bot-lora@1.2.0' });
    assert.equal(hops[0].tier, 'restricted');
    assert.equal(hops[hops.length - 1].id, 'customer-profiles');
    await client.waitFor('the lineage didChange notification', () => changes > before);
  });
});
