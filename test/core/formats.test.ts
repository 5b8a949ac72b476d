import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configFormatOf } from '../../server/src/core/formats/recognise';
import { hubRepo, isPlaceholder, pushTarget } from '../../server/src/core/formats/hub';
import { loadConfig } from '../../server/src/core/formats/load';
import { isTrainingConfig } from '../../server/src/core/formats/model';
import { TRAINING_FORMATS } from '../../server/src/core/formats/training';
import { applyEdits } from '../../server/src/core';
import { setKey } from '../../server/src/core/yaml/edit';
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

describe('each format is recognised by the keys its trainer needs, and read as its tool reads it', () => {
  it("trl's test reference JSONs keep the training arguments under config.args: not a config", () => {
    const text = JSON.stringify(
      { config: { name: 'sft_default', args: { model_name_or_path: 'Qwen/Qwen2.5-0.5B', max_steps: '50' } } },
      null,
      2,
    );
    assert.equal(configFormatOf('tests/invariant/references/sft.json', text), undefined);
  });

  it('LLaMA-Factory v1 (model, peft_config, quant_config, train_dataset) is LLaMA-Factory, and QLoRA', () => {
    const text = [
      'model: Qwen/Qwen3-0.6B',
      'peft_config:',
      '  name: lora',
      'quant_config:',
      '  quantization_bit: 4',
      'train_dataset: data/v1_sft_demo.yaml',
      'output_dir: outputs/q',
      'learning_rate: 1.0e-4',
    ].join('\n');
    assert.equal(configFormatOf('examples/v1/q.yaml', text), 'llama-factory');
    const c = loadConfig({ path: 'examples/v1/q.yaml', text }, 'llama-factory');
    assert.ok(c.format === 'llama-factory' && c.training);
    assert.equal(c.training.method.value, 'qlora');
    assert.deepEqual(
      c.training.datasets.map((d) => [d.value, d.via]),
      [['data/v1_sft_demo.yaml', 'path']],
    );
  });

  it('hub ids are one id in every form; an org-less push takes the namespace; placeholders are no id', () => {
    for (const form of [
      'org/name',
      'hf://org/name',
      'hf://datasets/org/name',
      'https://huggingface.co/datasets/org/name',
      'https://huggingface.co/datasets/org/name/resolve/main/train.jsonl',
    ])
      assert.equal(hubRepo(form), 'org/name', form);
    assert.equal(hubRepo('data/train.jsonl'), undefined);
    assert.equal(hubRepo('<your-hf-dataset-id>'), undefined);
    assert.equal(pushTarget('zephyr-7b-sft-full', 'alignment-handbook'), 'alignment-handbook/zephyr-7b-sft-full');
    assert.equal(pushTarget('acme/m', 'alignment-handbook'), 'acme/m');
    assert.ok(isPlaceholder('${ADAPTER}') && isPlaceholder('{{ env.DATASET }}') && !isPlaceholder('lora'));
  });

  it('Axolotl pushes privately whatever hub_private_repo says (_configure_hub_parameters)', () => {
    const text = ['base_model: m/x', 'adapter: lora', 'hub_model_id: acme/x', 'hub_private_repo: false'].join('\n');
    const c = loadConfig({ path: 'a.yml', text }, 'axolotl');
    assert.ok(c.format === 'axolotl' && c.training);
    assert.deepEqual(
      c.training.hubPushes.map((p) => p.public),
      [false],
    );
  });

  it('alignment-handbook recipes: each dataset_mixture id and each dataset_mixer key, at its own span', () => {
    const text = [
      'model_name_or_path: m/x',
      'dataset_mixture:',
      '  datasets:',
      '    - id: HuggingFaceH4/ultrachat_200k',
      '      split: train_sft',
      'dataset_mixer:',
      '  HuggingFaceH4/ultrafeedback_binarized: 1.0',
      'learning_rate: 2.0e-5',
    ].join('\n');
    assert.equal(configFormatOf('recipes/x.yaml', text), 'trl');
    const c = loadConfig({ path: 'recipes/x.yaml', text }, 'trl');
    assert.ok(c.format === 'trl' && c.training);
    assert.equal(c.training.label, 'TRL recipe');
    for (const d of c.training.datasets)
      assert.equal(text.slice(d.span.offset, d.span.offset + d.span.length), d.value);
    assert.deepEqual(
      c.training.datasets.map((d) => d.repo),
      ['HuggingFaceH4/ultrachat_200k', 'HuggingFaceH4/ultrafeedback_binarized'],
    );
  });
});

describe("each format's quick-fix settings are its own", () => {
  // A config of each format that trains every weight and pushes publicly where the format can.
  const FULL: Record<string, [string, string]> = {
    axolotl: ['a.yml', 'base_model: m/x\ndatasets:\n  - path: s3://b/d.jsonl\nhub_model_id: acme/x\n'],
    'llama-factory': [
      'lf.yaml',
      'model_name_or_path: m/x\nstage: sft\nfinetuning_type: full\ndataset: d\ntemplate: qwen\npush_to_hub: true\nhub_model_id: acme/x\n',
    ],
    trl: ['t.yaml', 'model_name_or_path: m/x\nlearning_rate: 1.0e-5\npush_to_hub: true\nhub_model_id: acme/x\n'],
  };

  /** The config with `key: value` set as the quick fix sets it. */
  const written = (text: string, c: { doc?: import('yaml').Document }, key: string, value: string | boolean) =>
    applyEdits(text, [setKey(text, c.doc!, [], key, value)!]);

  it('the setting a format offers for a method, written into its config, makes its reader see that method', () => {
    for (const f of TRAINING_FORMATS) {
      const [path, text] = FULL[f.format];
      const c = loadConfig({ path, text }, f.format);
      assert.ok(isTrainingConfig(c), f.format);
      assert.equal(c.training.method.value, 'full', f.format);
      const offered = (['lora', 'qlora'] as const).filter((m) => {
        const s = f.methodSetting(c.training, m);
        if (!s) return false;
        const again = loadConfig({ path, text: written(text, c, s.key, s.value) }, f.format);
        assert.ok(isTrainingConfig(again));
        assert.equal(again.training.method.value, m, `${f.format}: \`${s.key}: ${String(s.value)}\``);
        return true;
      });
      assert.deepEqual(offered, f.format === 'axolotl' ? ['lora', 'qlora'] : ['lora'], f.format);
    }
  });

  it('the setting a format offers for a public push, written into its config, makes its reader see it private', () => {
    for (const f of TRAINING_FORMATS) {
      const [path, text] = FULL[f.format];
      const c = loadConfig({ path, text }, f.format);
      assert.ok(isTrainingConfig(c));
      for (const p of c.training.hubPushes) {
        const s = f.privateSetting(c.training, p);
        // Axolotl's pushes are private already: there is nothing to set.
        assert.equal(s === undefined, !p.public, f.format);
        if (!s) continue;
        const again = loadConfig({ path, text: written(text, c, s.key, s.value) }, f.format);
        assert.ok(isTrainingConfig(again));
        assert.deepEqual(
          again.training.hubPushes.map((x) => x.public),
          [false],
          f.format,
        );
      }
    }
  });
});

describe("a push's repository, read from the config's own organisation keys (transformers 4.57.6)", () => {
  const target = (path: string, lines: string[], format: 'trl' | 'llama-factory' | 'axolotl' = 'trl') => {
    const c = loadConfig({ path, text: lines.join('\n') + '\n' }, format);
    assert.ok(isTrainingConfig(c));
    return c.training.hubPushes.map((p) => [p.target ?? null, p.at.join('.'), p.public]);
  };
  const TRL = ['model_name_or_path: m/x', 'learning_rate: 1.0e-5', 'push_to_hub: true'];

  it('push_to_hub_organization names the owner of a repository named after the output folder, over hub_model_id', () => {
    assert.deepEqual(
      target('t.yaml', [
        ...TRL,
        'push_to_hub_organization: acme',
        'hub_model_id: other/x',
        'output_dir: data/chat-sft/',
      ]),
      [['acme/chat-sft', 'push_to_hub_organization', true]],
    );
    assert.deepEqual(target('t.yaml', [...TRL, 'push_to_hub_model_id: chat-sft', 'push_to_hub_organization: acme']), [
      ['acme/chat-sft', 'push_to_hub_model_id', true],
    ]);
    // Without an organisation the repository is the pushing account's: the governance namespace completes it.
    assert.deepEqual(target('t.yaml', [...TRL, 'push_to_hub_model_id: chat-sft', 'hub_private_repo: true']), [
      ['chat-sft', 'push_to_hub_model_id', false],
    ]);
    // The same TrainingArguments are under a classic LLaMA-Factory config.
    assert.deepEqual(
      target(
        'lf.yaml',
        [
          'model_name_or_path: m/x',
          'stage: sft',
          'finetuning_type: lora',
          'dataset: d',
          'template: qwen',
          'push_to_hub: true',
          'push_to_hub_organization: acme',
          'output_dir: saves/qwen-lora',
        ],
        'llama-factory',
      ),
      [['acme/qwen-lora', 'push_to_hub_organization', true]],
    );
  });

  it('with no repository named, the output folder names it (trainer_output by default); Axolotl has no organisation key', () => {
    assert.deepEqual(target('t.yaml', [...TRL, 'output_dir: runs/run-7']), [['run-7', 'push_to_hub', true]]);
    assert.deepEqual(target('t.yaml', TRL), [['trainer_output', 'push_to_hub', true]]);
    assert.deepEqual(target('t.yaml', [...TRL, 'output_dir: ${OUT}']), [[null, 'push_to_hub', true]]);
    assert.deepEqual(
      target(
        'a.yml',
        ['base_model: m/x', 'adapter: lora', 'hub_model_id: chat', 'push_to_hub_organization: acme'],
        'axolotl',
      ),
      [['chat', 'hub_model_id', false]],
    );
  });

  it('an SFT push named by its organisation key is the base model of the DPO stage that trains from it', async () => {
    const e = await engine();
    const files = [
      {
        path: 'governance.yaml',
        text: 'apiVersion: crownguard/v1\nkind: Governance\nassets:\n  - id: chats\n    tier: restricted\n    locations: [hf://acme/chats]\n',
      },
      {
        path: 'recipes/sft.yaml',
        text: 'model_name_or_path: m/x\ndataset_name: acme/chats\nlearning_rate: 2.0e-5\npush_to_hub: true\npush_to_hub_organization: acme\noutput_dir: data/chat-sft\n',
      },
      {
        path: 'recipes/dpo.yaml',
        text: 'model_name_or_path: acme/chat-sft\ndataset_name: acme/prefs\nlearning_rate: 5.0e-7\nuse_peft: true\n',
      },
    ];
    const graph = e.lineage(files, e.governance(files[0]));
    assert.ok(
      graph.into('recipes/dpo.yaml').some((x) => x.relation === 'base-model' && x.from === 'hf://acme/chat-sft'),
    );
    assert.ok(graph.outOf('recipes/sft.yaml').some((x) => x.relation === 'pushes' && x.to === 'hf://acme/chat-sft'));
    assert.equal(graph.node('recipes/dpo.yaml')?.tier, 'restricted');
  });
});

describe('datasets as each tool finds them, and the shape of the graph they make', () => {
  it("TRL's own mixture form (`dataset_mixture.datasets[].path`) is read like the handbook's `id`", () => {
    const text =
      'model_name_or_path: m/x\nlearning_rate: 1.0e-5\ndataset_mixture:\n  datasets:\n    - path: trl-lib/tldr\n      split: train\n    - path: data/local.jsonl\n';
    const c = loadConfig({ path: 'examples/x.yaml', text }, 'trl');
    assert.ok(isTrainingConfig(c));
    assert.deepEqual(
      c.training.datasets.map((d) => [d.value, d.via, d.repo ?? d.base]),
      [
        ['trl-lib/tldr', 'hub', 'trl-lib/tldr'],
        ['data/local.jsonl', 'path', ''],
      ],
    );
  });

  it('LLaMA-Factory: names resolve through the registry in `dataset_dir`; `ONLINE` makes each a hub id', () => {
    const lf = (extra: string) =>
      loadConfig(
        { path: 'examples/train.yaml', text: `model_name_or_path: m/x\nstage: sft\ndataset: a,b\n${extra}` },
        'llama-factory',
      );
    const custom = lf('dataset_dir: my_data/\n');
    assert.ok(isTrainingConfig(custom));
    assert.deepEqual(
      custom.training.datasets.map((d) => [d.value, d.via, d.registry]),
      [
        ['a', 'registry', 'my_data/dataset_info.json'],
        ['b', 'registry', 'my_data/dataset_info.json'],
      ],
    );
    const plain = lf('');
    assert.ok(isTrainingConfig(plain));
    assert.equal(plain.training.datasets[0].registry, 'data/dataset_info.json');
    const online = lf('dataset_dir: ONLINE\n');
    assert.ok(isTrainingConfig(online));
    assert.deepEqual(
      online.training.datasets.map((d) => d.via),
      ['path', 'path'],
    );
    const hub = loadConfig(
      {
        path: 'examples/train.yaml',
        text: 'model_name_or_path: m/x\nstage: sft\ndataset: org/a\ndataset_dir: ONLINE\n',
      },
      'llama-factory',
    );
    assert.ok(isTrainingConfig(hub));
    assert.deepEqual(
      hub.training.datasets.map((d) => [d.via, d.repo]),
      [['hub', 'org/a']],
    );
    // `ms_hub_url` alone is a hub id too; `file_name` is joined to the registry's folder.
    const reg = loadConfig(
      {
        path: 'data/dataset_info.json',
        text: '{"a": {"ms_hub_url": "AI-ModelScope/a"}, "b": {"file_name": "b.json"}}',
      },
      'llama-factory-datasets',
    );
    assert.ok(reg.format === 'llama-factory-datasets' && reg.registry);
    assert.deepEqual(
      reg.registry.entries.map((x) => [x.name, x.source?.via, x.source?.repo ?? x.source?.base]),
      [
        ['a', 'hub', 'AI-ModelScope/a'],
        ['b', 'path', 'data'],
      ],
    );
  });

  it('an output folder is a model of its config: configs that all write `outputs/out` stay apart', async () => {
    const e = await engine();
    const files = ['a', 'b', 'c'].map((n) => ({
      path: `examples/${n}.yml`,
      text: 'base_model: m/x\nadapter: lora\ndatasets:\n  - path: tatsu-lab/alpaca\noutput_dir: ./outputs/out\n',
    }));
    const graph = e.lineage(files, e.governance(undefined));
    const outs = graph.all().filter((n) => n.id.endsWith('#outputs/out'));
    assert.deepEqual(outs.map((n) => [n.id, n.kind]).sort(), [
      ['examples/a.yml#outputs/out', 'model'],
      ['examples/b.yml#outputs/out', 'model'],
      ['examples/c.yml#outputs/out', 'model'],
    ]);
    assert.ok(!graph.all().some((n) => n.id === 'outputs/out' || n.id === 'examples/outputs/out'));
  });

  it('DVC `artifacts:` say whether a path holds a model or a dataset; other types are not guessed', async () => {
    const e = await engine();
    const text = [
      'stages:',
      '  train:',
      '    cmd: python train.py',
      '    deps:',
      '      - data/prepared',
      '    outs:',
      '      - model.pkl',
      'artifacts:',
      '  text-classifier:',
      '    path: model.pkl',
      '    type: model',
      '  prepared:',
      '    path: data/prepared',
      '    type: dataset',
      '  notes:',
      '    path: notes.md',
      '    type: doc',
      '',
    ].join('\n');
    const graph = e.lineage([{ path: 'dvc.yaml', text }], e.governance(undefined));
    const kind = (id: string) => graph.all().find((n) => n.id === id)?.kind;
    assert.equal(kind('model.pkl'), 'model');
    assert.equal(kind('data/prepared'), 'dataset');
    assert.equal(kind('notes.md'), undefined);
    assert.ok(graph.outOf('dvc:train').some((x) => x.to === 'model.pkl' && x.relation === 'output'));
  });
});
