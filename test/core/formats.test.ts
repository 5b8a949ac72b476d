import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configFormatOf } from '../../server/src/core/formats/recognise';
import { loadConfig } from '../../server/src/core/formats/load';
import { engine } from '../support/engine';

/** What a format's mapping must find, written next to the file it is read from. */
describe('known formats are recognised by content and mapped', () => {
  it('a TRL / TrainingArguments config in JSON, under a name that says nothing', () => {
    const text = JSON.stringify(
      {
        model_name_or_path: 'Qwen/Qwen2.5-1.5B',
        dataset_name: 'gs://acme-data/crm/tickets/train.jsonl',
        output_dir: 'outputs/run-7',
        per_device_train_batch_size: 8,
        use_peft: true,
        load_in_4bit: true,
        push_to_hub: true,
        hub_model_id: 'acme/run-7',
        report_to: ['wandb', 'none'],
        wandb_project: 'tickets',
        log_completions: true,
        hub_token: 'hf_not_a_real_token_but_long_enough',
      },
      null,
      2,
    );
    assert.equal(configFormatOf('runs/run-7.json', text), 'trl');
    const c = loadConfig({ path: 'runs/run-7.json', text }, 'trl');
    assert.ok(c.format === 'trl' && c.training);
    const t = c.training;
    assert.deepEqual(
      t.datasets.map((d) => d.value),
      ['gs://acme-data/crm/tickets/train.jsonl'],
    );
    assert.equal(t.method.value, 'qlora'); // use_peft + load_in_4bit
    assert.deepEqual(
      t.hubPushes.map((p) => [p.what, p.target, p.public]),
      [['model', 'acme/run-7', true]],
    ); // hub_private_repo unset: public
    assert.deepEqual(
      t.trackers.map((x) => x.value),
      ['wandb'],
    );
    assert.deepEqual(
      t.sampleLogging.map((x) => x.value),
      ['log_completions'],
    );
    assert.deepEqual(
      t.secrets.map((x) => x.value),
      ['hub_token'],
    );
    // Spans point into the JSON text at the value, inside its quotes.
    assert.equal(
      text.slice(t.datasets[0].span.offset, t.datasets[0].span.offset + t.datasets[0].span.length),
      'gs://acme-data/crm/tickets/train.jsonl',
    );
  });

  it('Axolotl: an empty adapter is full fine-tuning; a private push; a dataset pushed too', () => {
    const text = [
      'base_model: mistralai/Mistral-7B-v0.3',
      'adapter:',
      'datasets:',
      '  - path: ./data/chats.jsonl',
      '    type: sharegpt',
      'push_dataset_to_hub: acme/chats-prepared',
      'hub_model_id: acme/m7',
      'hub_private_repo: true',
      'micro_batch_size: 1',
    ].join('\n');
    assert.equal(configFormatOf('cfg/whatever.yml', text), 'axolotl');
    const c = loadConfig({ path: 'cfg/whatever.yml', text }, 'axolotl');
    assert.ok(c.format === 'axolotl' && c.training);
    assert.equal(c.training.method.value, 'full');
    assert.match(c.training.method.why, /empty/);
    assert.deepEqual(
      c.training.hubPushes.map((p) => [p.what, p.target, p.public]),
      [
        ['model', 'acme/m7', false],
        ['dataset', 'acme/chats-prepared', false],
      ],
    );
  });

  it('LLaMA-Factory: comma-separated datasets each at its own offset; freeze counts as full; QLoRA by quantization', () => {
    const text =
      'model_name_or_path: meta-llama/Llama-3.1-8B\nstage: sft\nfinetuning_type: freeze\ndataset: identity, tickets_sft\ntemplate: llama3\n';
    assert.equal(configFormatOf('examples/train_lora/x.yaml', text), 'llama-factory');
    const c = loadConfig({ path: 'x.yaml', text }, 'llama-factory');
    assert.ok(c.format === 'llama-factory' && c.training);
    assert.equal(c.training.method.value, 'full');
    assert.deepEqual(
      c.training.datasets.map((d) => text.slice(d.span.offset, d.span.offset + d.span.length)),
      ['identity', 'tickets_sft'],
    );
    const q = loadConfig(
      { path: 'x.yaml', text: text.replace('freeze', 'lora') + 'quantization_bit: 4\n' },
      'llama-factory',
    );
    assert.ok(q.format === 'llama-factory' && q.training);
    assert.equal(q.training.method.value, 'qlora');
  });

  it('DVC: deps and outs, including `- path: {options}` entries; a model card front matter', () => {
    const dvc =
      'stages:\n  train:\n    cmd: python train.py\n    deps:\n      - data/raw\n    outs:\n      - models/m.pkl:\n          cache: false\n';
    assert.equal(configFormatOf('pipelines/any-name.yaml', dvc), 'dvc');
    const d = loadConfig({ path: 'dvc.yaml', text: dvc }, 'dvc');
    assert.ok(d.format === 'dvc');
    assert.deepEqual(
      d.stages.map((s) => [s.name, s.deps.map((x) => x.value), s.outs.map((x) => x.value)]),
      [['train', ['data/raw'], ['models/m.pkl']]],
    );
    const card = '---\nbase_model: [a/b, c/d]\ndatasets:\n  - acme/x\n---\n# Title\n';
    assert.equal(configFormatOf('m/README.md', card), 'model-card');
    const m = loadConfig({ path: 'm/README.md', text: card }, 'model-card');
    assert.ok(m.format === 'model-card' && m.card);
    assert.deepEqual(
      [m.card.name.value, m.card.baseModels.map((b) => b.value), m.card.datasets.map((x) => x.value)],
      ['m', ['a/b', 'c/d'], ['acme/x']],
    );
  });

  it('reports a token under a credential key once, without its value', async () => {
    const e = await engine();
    const token = ['hf', 'AbCdEfGhIjKlMnOpQrStUvWxYz012345'].join('_');
    const text = `base_model: a/b\nadapter: lora\ndatasets:\n  - path: data/x.jsonl\nhub_token: ${token}\n`;
    const findings = e.analyze([{ path: 'train.yaml', text }]).findings.filter((f) => f.ruleId === 'CG201');
    assert.equal(findings.length, 1, JSON.stringify(findings.map((f) => f.message)));
    assert.ok(!JSON.stringify(findings).includes(token));
  });

  it('leaves alone what is not one of them', () => {
    assert.equal(configFormatOf('docker-compose.yaml', 'services:\n  web:\n    image: nginx\n'), undefined);
    assert.equal(configFormatOf('README.md', '# Title\n\nNo front matter.\n'), undefined);
    assert.equal(
      configFormatOf('p.pipeline.yaml', 'apiVersion: crownguard/v1\nkind: Pipeline\nstages: []\n'),
      undefined,
    );
    assert.equal(configFormatOf('package.json', '{"name": "x", "scripts": {"learning_rate": 1}}'), undefined);
  });
});
