// Generates a workspace of governance, pipeline, release and fine-tuning-config manifests for
// the manifest and lineage benchmarks: `manifests` files and about ten lineage nodes per file.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ASSETS = 50;
const STAGES = 8;
const TYPES = ['ingest', 'transform', 'redact', 'transform', 'fine-tune', 'evaluate', 'register', 'deploy'];

/** Writes the workspace into `dir`; returns the relative paths of the pipelines, releases and configs. */
export function writeManifestWorkspace(dir, manifests) {
  const gov = [
    'apiVersion: crownguard/v1',
    'kind: Governance',
    'tiers:',
    '  - id: internal',
    '  - id: confidential',
    '  - id: restricted',
    '    crownJewel: true',
    'assets:',
  ];
  for (let a = 0; a < ASSETS; a++) {
    gov.push(
      `  - id: asset-${a}`,
      `    tier: ${a % 2 ? 'restricted' : 'confidential'}`,
      `    locations: [s3://bench-data/asset-${a}/**]`,
      `    allowedUses: [lora-finetune]`,
    );
  }
  writeFileSync(path.join(dir, 'governance.yaml'), gov.join('\n') + '\n');
  for (const sub of ['pipelines', 'models', 'configs']) mkdirSync(path.join(dir, sub), { recursive: true });
  const pipelines = Math.round(manifests * 0.6);
  const releases = Math.round(manifests * 0.2);
  const configs = manifests - pipelines - releases;
  const files = { pipelines: [], releases: [], configs: [] };
  for (let p = 0; p < pipelines; p++) {
    const lines = ['apiVersion: crownguard/v1', 'kind: Pipeline', 'metadata:', `  name: pipe-${p}`, 'stages:'];
    for (let s = 0; s < STAGES; s++) {
      // Pipelines chain in groups of ten: the first stage also reads the previous pipeline's result.
      const inputs =
        s === 0 ? [`asset-${p % ASSETS}`, ...(p % 10 ? [`p${p - 1}-s${STAGES - 1}`] : [])] : [`p${p}-s${s - 1}`];
      const type = TYPES[s];
      lines.push(
        `  - id: s${s}`,
        `    type: ${type}`,
        `    inputs: [${inputs.join(', ')}]`,
        `    outputs: [p${p}-s${s}]`,
      );
      if (type === 'redact') lines.push('    removes: [email, phone]');
      if (type === 'fine-tune')
        lines.push(
          '    method: lora',
          '    privacy:',
          '      differentialPrivacy: { epsilon: 8 }',
          '    approvals:',
          '      - { by: privacy-office, role: privacy, date: "2026-11-01" }',
        );
      if (['ingest', 'transform', 'fine-tune', 'evaluate'].includes(type))
        lines.push('    compute: { confidential: true }');
    }
    const rel = `pipelines/pipe-${p}.pipeline.yaml`;
    writeFileSync(path.join(dir, rel), lines.join('\n') + '\n');
    files.pipelines.push(rel);
  }
  for (let r = 0; r < releases; r++) {
    const p = r % pipelines;
    const lines = [
      'apiVersion: crownguard/v1',
      'kind: ModelRelease',
      `name: p${p}-s${STAGES - 4}`,
      `version: "1.${r}.0"`,
      'status: candidate',
      'baseModel: acme/base-7b',
      `pipeline: pipe-${p}`,
      `datasets: [p${p}-s3]`,
      'hyperparameters: { lora_r: 16 }',
      'evaluation:',
      `  - { metric: exact_match, value: 0.7, dataset: p${p}-s5 }`,
      'approvals:',
      '  - { by: privacy-office, role: privacy, date: "2026-11-01" }',
      'deployments:',
      `  - { target: gateway-${r}, visibility: internal }`,
    ];
    const rel = `models/release-${r}.model.yaml`;
    writeFileSync(path.join(dir, rel), lines.join('\n') + '\n');
    files.releases.push(rel);
  }
  for (let c = 0; c < configs; c++) {
    const lines = [
      'base_model: acme/base-7b',
      'adapter: lora',
      'datasets:',
      `  - path: s3://bench-data/asset-${c % ASSETS}/train-${c}.jsonl`,
      '    type: chat_template',
      'micro_batch_size: 2',
      `output_dir: ./outputs/run-${c}`,
      `hub_model_id: acme/run-${c}`,
      'hub_private_repo: true',
    ];
    const rel = `configs/run-${c}.yaml`;
    writeFileSync(path.join(dir, rel), lines.join('\n') + '\n');
    files.configs.push(rel);
  }
  return files;
}
