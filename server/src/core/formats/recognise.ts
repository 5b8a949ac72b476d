import type { ConfigFormat } from './model';

const key = (name: string) => new RegExp(`^\\s*["']?${name}["']?\\s*:`, 'm');
const anyKey = (names: string[]) => new RegExp(`^\\s*["']?(?:${names.join('|')})["']?\\s*:`, 'm');

const AXOLOTL = anyKey([
  'adapter',
  'sequence_len',
  'micro_batch_size',
  'lora_target_modules',
  'sample_packing',
  'pad_to_sequence_len',
  'wandb_project',
  'special_tokens',
]);
const LLAMA_FACTORY = anyKey([
  'finetuning_type',
  'template',
  'dataset_dir',
  'cutoff_len',
  'export_hub_model_id',
  'lora_target',
]);
const TRAINING_ARGS = anyKey([
  'per_device_train_batch_size',
  'num_train_epochs',
  'gradient_accumulation_steps',
  'use_peft',
  'learning_rate',
  'push_to_hub',
  'report_to',
  'max_steps',
]);
const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1).toLowerCase();
}

/** The front matter of a Markdown file: its end offset (before the closing `---`), or undefined. */
export function frontMatterEnd(text: string): number | undefined {
  const m = FRONT_MATTER.exec(text);
  return m ? 4 + m[1].length + (text.startsWith('---\r\n') ? 1 : 0) : undefined;
}

/**
 * Which known format a file is, recognised by its content (key names), not only by its name:
 * teams keep configs under any name. Cheap: a few regular expressions, no parse.
 */
export function configFormatOf(path: string, text: string): ConfigFormat | undefined {
  const name = baseName(path);
  if (name.endsWith('.md')) {
    const end = frontMatterEnd(text);
    return end !== undefined && anyKey(['base_model', 'datasets', 'model-index']).test(text.slice(0, end))
      ? 'model-card'
      : undefined;
  }
  if (!/\.(ya?ml|json)$/.test(name)) return undefined;
  // CrownGuard's own manifests are not third-party formats.
  if (/^\s*["']?apiVersion["']?\s*:\s*["']?crownguard\//m.test(text)) return undefined;
  if (
    name === 'dvc.yaml' ||
    name === 'dvc.yml' ||
    (key('stages').test(text) && key('cmd').test(text) && anyKey(['deps', 'outs']).test(text))
  )
    return 'dvc';
  if (key('base_model').test(text) && (AXOLOTL.test(text) || key('datasets').test(text))) return 'axolotl';
  if (
    key('model_name_or_path').test(text) &&
    LLAMA_FACTORY.test(text) &&
    (key('stage').test(text) || key('finetuning_type').test(text) || key('dataset').test(text))
  )
    return 'llama-factory';
  if ((key('output_dir').test(text) || key('model_name_or_path').test(text)) && TRAINING_ARGS.test(text)) return 'trl';
  return undefined;
}
