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

  it('a file that is not a config has no lens', async () => {
    const uri = await client.open('governance.yaml', 'yaml');
    const lenses = (await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) as CodeLens[];
    assert.deepEqual(lenses, []);
  });
});
