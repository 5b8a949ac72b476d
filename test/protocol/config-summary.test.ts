import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CodeLensRequest, HoverRequest, type CodeLens, type Hover } from 'vscode-languageserver-protocol/node';
import { TestClient } from '../support/lsp-client';
import { FIXTURES } from '../support/paths';

describe('what was recognised in a config, shown in the editor', () => {
  let dir: string;
  let client: TestClient;
  before(async () => {
    dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'crownguard-summary-')));
    cpSync(path.join(FIXTURES, 'workspace-hub'), dir, { recursive: true });
    client = await TestClient.start({ folder: dir, pull: true });
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a code lens above the config says its format, method, datasets and push', async () => {
    const uri = await client.open('axolotl/qlora.yml', 'yaml');
    const lenses = (await client.connection.sendRequest(CodeLensRequest.type, {
      textDocument: { uri },
    })) as CodeLens[];
    assert.deepEqual(
      lenses.map((l) => [l.range.start.line, l.command?.title]),
      [
        [
          0,
          'Axolotl config - QLoRA - 2 datasets (1 crown-jewel: customer-chats) - pushes privately to acme/llama-chats-qlora',
        ],
      ],
    );
  });

  it('the hover on the first line gives the same line and the facts behind it', async () => {
    const uri = await client.open('recipes/dpo/config_qlora.yaml', 'yaml');
    const hover = (await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: { line: 0, character: 3 },
    })) as Hover;
    const text = (hover.contents as { value: string }).value;
    assert.match(
      text,
      /^\*\*TRL recipe - QLoRA - 1 dataset \(1 crown-jewel: feedback\) - pushes privately to acme\/chat-dpo-qlora\*\*/,
    );
    // The base model is the SFT stage's org-less push, completed by the manifest's hub namespace.
    assert.match(text, /Base model `hf:\/\/acme\/chat-sft-full`: tier restricted, crown-jewel/);
  });

  it('the hover on a placeholder value says it is an unknown value filled in later, not a path, id or method', async () => {
    const text = [
      'base_model: NousResearch/Meta-Llama-3-8B',
      'adapter: ${ADAPTER}',
      'datasets:',
      '  - path: <your-hf-dataset-id>',
      '    type: alpaca',
      'hub_model_id: "{{ env.HUB_REPO }}"',
      'micro_batch_size: 1',
      '',
    ].join('\n');
    const uri = await client.open('axolotl/placeholders.yml', 'yaml', text);
    const hoverAt = async (needle: string) => {
      const offset = text.indexOf(needle) + 2;
      const line = text.slice(0, offset).split('\n').length - 1;
      const character = offset - (text.lastIndexOf('\n', offset - 1) + 1);
      const hover = (await client.connection.sendRequest(HoverRequest.type, {
        textDocument: { uri },
        position: { line, character },
      })) as Hover | null;
      assert.ok(hover, `no hover on ${needle}`);
      return { text: (hover.contents as { value: string }).value, range: hover.range! };
    };
    const dataset = await hoverAt('<your-hf-dataset-id>');
    assert.match(dataset.text, /^\*\*Placeholder\*\* `<your-hf-dataset-id>`: an unknown value, filled in later/);
    assert.match(dataset.text, /no path, hub id or method: `datasets\.0\.path` names an unknown dataset/);
    assert.deepEqual(dataset.range, {
      start: { line: 3, character: 10 },
      end: { line: 3, character: 10 + '<your-hf-dataset-id>'.length },
    });
    const method = await hoverAt('${ADAPTER}');
    assert.match(method.text, /`adapter` names an unknown fine-tuning method, so no method policy applies/);
    const push = await hoverAt('{{ env.HUB_REPO }}');
    assert.match(push.text, /`hub_model_id` names an unknown hub repository to push to/);
    // Off the placeholder, a value that is a real id is not called one.
    const base = (await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: { line: 0, character: 20 },
    })) as Hover | null;
    assert.doesNotMatch((base?.contents as { value: string } | undefined)?.value ?? '', /Placeholder/);
  });

  it('a file that is not a config has no lens', async () => {
    const uri = await client.open('governance.yaml', 'yaml');
    const lenses = (await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) as CodeLens[];
    assert.deepEqual(lenses, []);
  });
});
