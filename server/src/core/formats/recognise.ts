import { isDatasetList, isDatasetRegistry } from './llama-factory';
import type { ConfigFormat } from './model';
import { topLevelKeys } from './reader';
import { TRAINING_FORMATS } from './training';

const anyKey = (names: string[]) => new RegExp(`^\\s*["']?(?:${names.join('|')})["']?\\s*:`, 'm');

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
 * A `.dvc` file (`data.xml.dvc`, what `dvc add` / `dvc import` write next to the data). Not
 * anything inside the `.dvc/` folder, which holds DVC's own config and cache.
 */
export function isDvcFile(path: string): boolean {
  const p = path.replace(/\\/g, '/');
  const name = baseName(p);
  return name.endsWith('.dvc') && name !== '.dvc' && !/(^|\/)\.dvc\//.test(p);
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
  if (isDvcFile(path)) return 'dvc';
  if (!/\.(ya?ml|json)$/.test(name)) return undefined;
  // CrownGuard's own manifests are not third-party formats.
  if (/^\s*["']?apiVersion["']?\s*:\s*["']?crownguard\//m.test(text)) return undefined;
  if (isDatasetRegistry(path)) return 'llama-factory-datasets';
  const keys = topLevelKeys(text, name.endsWith('.json'));
  if (
    name === 'dvc.yaml' ||
    name === 'dvc.yml' ||
    (keys.has('stages') && /^\s+cmd\s*:/m.test(text) && /^\s+(deps|outs)\s*:/m.test(text))
  )
    return 'dvc';
  // Each format's module says which top-level keys a trainer of that tool needs.
  const training = TRAINING_FORMATS.find((f) => f.recognise(keys));
  if (training) return training.format;
  if (!name.endsWith('.json') && isDatasetList(keys, text)) return 'llama-factory-datasets';
  return undefined;
}
