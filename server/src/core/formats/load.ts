import { parseYaml } from '../governance/load';
import type { SourceFile } from '../types';
import { readDvc } from './dvc';
import { readDvcFile } from './dvc-file';
import { readDatasetRegistry } from './llama-factory';
import type { ConfigFormat, LoadedConfig, TrainingConfig } from './model';
import { readModelCard } from './model-card';
import { Reader, topLevelKeys, type Value } from './reader';
import { frontMatterEnd, isDvcFile } from './recognise';
import { trainingFormat } from './training';

/**
 * Reads a file of a known format. YAML syntax errors are findings like a manifest's; a JSON
 * config is read by the same parser (JSON is YAML), so every value keeps its position.
 */
export function loadConfig(file: SourceFile, format: ConfigFormat): LoadedConfig {
  if (format === 'model-card') {
    // Only the front matter is YAML; it starts with `---`, a YAML document marker.
    const end = frontMatterEnd(file.text) ?? 0;
    const parsed = parseYaml({ path: file.path, text: file.text.slice(0, end) });
    return {
      format,
      path: file.path,
      findings: parsed.findings,
      doc: parsed.doc,
      card: parsed.doc && parsed.value ? readModelCard(file.path, parsed.doc) : undefined,
    };
  }
  const parsed = parseYaml(file);
  const readable = parsed.doc && parsed.value && typeof parsed.value === 'object' && !Array.isArray(parsed.value);
  if (format === 'dvc' && isDvcFile(file.path)) {
    const read =
      parsed.doc && parsed.value !== undefined ? readDvcFile(file.path, file.text, parsed.doc) : { findings: [] };
    return {
      format,
      path: file.path,
      findings: [...parsed.findings, ...read.findings],
      doc: parsed.doc,
      stages: [],
      tracked: read.tracked,
    };
  }
  if (format === 'dvc')
    return {
      format,
      path: file.path,
      findings: parsed.findings,
      doc: parsed.doc,
      ...(parsed.doc && readable ? readDvc(parsed.doc) : { stages: [] }),
    };
  if (format === 'llama-factory-datasets')
    return {
      format,
      path: file.path,
      findings: parsed.findings,
      doc: parsed.doc,
      registry: parsed.doc && readable ? readDatasetRegistry(file.path, parsed.doc) : undefined,
    };
  let training: TrainingConfig | undefined;
  if (parsed.doc && readable) {
    const r = new Reader(parsed.doc, parsed.value as Value);
    training = trainingFormat(format).read(r, topLevelKeys(file.text, /\.json$/i.test(file.path)));
  }
  return { format, path: file.path, findings: parsed.findings, doc: parsed.doc, training };
}
