import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { CLI, FIXTURES, REPO } from '../support/paths';

const HUB = path.join(FIXTURES, 'workspace-hub');

function explain(cwd: string, args: string[]) {
  const r = spawnSync(process.execPath, [CLI, 'explain', ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('crownguard explain', () => {
  it('prints what was recognised in a config: format, method, datasets with the crown-jewel ones, pushes', () => {
    const r = explain(HUB, ['axolotl/qlora.yml']);
    assert.equal(r.code, 0, r.stderr);
    const [line, ...details] = r.stdout.trimEnd().split('\n');
    assert.equal(
      line,
      'Axolotl config - QLoRA - 2 datasets (1 crown-jewel: customer-chats) - pushes privately to acme/llama-chats-qlora',
    );
    assert.ok(
      details.some((d) => /Axolotl always creates hub repositories private/.test(d)),
      r.stdout,
    );
  });

  it('resolves as the check does from any folder: registry names, org-less pushes, placeholders', () => {
    const lf = explain(REPO, [path.join(HUB, 'llama-factory', 'full_sft.yaml')]);
    assert.equal(lf.code, 0, lf.stderr);
    assert.equal(
      lf.stdout.split('\n')[0],
      'LLaMA-Factory config - full fine-tuning - 4 datasets (2 crown-jewel: identities, customer-chats; 1 unknown) - pushes publicly to acme/qwen-full',
    );
    assert.match(lf.stdout, /`not_registered`: not resolved \(no entry in `data\/dataset_info.json`\)/);
    const sft = explain(path.join(HUB, 'axolotl'), ['../recipes/sft/config_full.yaml']);
    assert.match(
      sft.stdout.split('\n')[0],
      /^TRL recipe - full fine-tuning - .* - pushes publicly to acme\/chat-sft-full$/,
    );
    const full = explain(HUB, ['axolotl/full.yml']);
    assert.match(full.stdout, /`<your-hf-dataset-id>`: a placeholder, an unknown value/);
  });

  it('a file that is not a fine-tuning config is a usage error', () => {
    const r = explain(HUB, ['governance.yaml']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not a fine-tuning config/);
  });
});
