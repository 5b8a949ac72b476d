import * as path from 'node:path';
import { maskId, summariseConfig, type Engine } from '../core';
import { nearestGovernanceManifest } from '../host/discover';
import { readWorkspace } from '../host/workspace-files';

export type ExplainOutcome = { ok: true; output: string } | { ok: false; message: string };

/**
 * `crownguard explain FILE`: what CrownGuard recognised in a fine-tuning config, the line an
 * editor shows above it and the facts behind it, for CI logs. The workspace is the governance
 * manifest's folder (the nearest at or above the file, or `--governance`), whatever folder the
 * command runs in, so the datasets resolve as they do in `check`.
 */
export async function runExplain(
  makeEngine: () => Promise<Engine>,
  file: string,
  governance?: string,
): Promise<ExplainOutcome> {
  const abs = path.resolve(file);
  const settings = { enable: true, governanceManifest: '' };
  const manifest = governance ?? nearestGovernanceManifest(abs, settings);
  const root = manifest ? path.dirname(manifest) : path.dirname(abs);
  const engine = await makeEngine();
  const ws = readWorkspace(root, settings, undefined, manifest);
  const rel = path.relative(root, abs).split(path.sep).join('/');
  const own = ws.files.find((f) => f.path === rel);
  if (!own) return { ok: false, message: `${maskId(file)} is not a file the check reads (ignored, or not text)` };
  const summary = summariseConfig(own, engine.lineage(ws.files, engine.governance(ws.governance)));
  if (!summary)
    return {
      ok: false,
      message: `${maskId(file)} is not a fine-tuning config CrownGuard recognises (Axolotl, LLaMA-Factory, TRL)`,
    };
  return { ok: true, output: [summary.line, ...summary.details.map((d) => `  ${d}`)].join('\n') + '\n' };
}
