import { parseYaml } from '../governance/load';
import type { SourceFile } from '../types';
import { readDvcStages } from './dvc';
import type { ConfigFormat, LoadedConfig } from './model';
import { readModelCard } from './model-card';
import { frontMatterEnd } from './recognise';
import { readTrainingConfig } from './training';

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
  if (format === 'dvc')
    return {
      format,
      path: file.path,
      findings: parsed.findings,
      doc: parsed.doc,
      stages: parsed.doc && parsed.value ? readDvcStages(parsed.doc) : [],
    };
  const training =
    parsed.doc && parsed.value !== undefined ? readTrainingConfig(format, parsed.doc, parsed.value) : undefined;
  return { format, path: file.path, findings: parsed.findings, doc: parsed.doc, training };
}
