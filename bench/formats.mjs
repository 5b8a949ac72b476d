// Fine-tuning formats on their tools' own example folders: does CrownGuard read each config as
// its tool does, and does a governance manifest over the repository's real datasets give every
// policy finding the configs' semantics call for, and no other, from any working folder?
//
// For each repository (pinned by commit, read from a folder given on the command line, never
// copied into this one; see bench/real-repos.mjs for the pins), the benchmark
// 1. reads every config the way the tool's source says (the `expected` readers below, written
//    from the tool's source at the pinned commit) and compares method, datasets and push
//    visibility with what CrownGuard's format modules recognised (conformance);
// 2. copies the repository to a temporary folder with bench/formats/<repo>.governance.yaml as
//    its governance.yaml, works out which `finetune-method` and `no-public-model` findings the
//    configs call for, runs `crownguard check` from the repository and from another folder, and
//    prints recall and precision per repository and whether the two runs agree.
//
//   npm run build && npx tsc -p . && node bench/formats.mjs --repos /tmp/precision-repos
//   node bench/formats.mjs --smoke          # CI: our own small workspace (test/fixtures/workspace-hub)
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const cli = path.join(root, 'dist', 'cli.js');
const require = createRequire(import.meta.url);
const { configFormatOf } = require(path.join(root, 'out/server/src/core/formats/recognise.js'));
const { loadConfig } = require(path.join(root, 'out/server/src/core/formats/load.js'));

const { values } = parseArgs({
  options: { repos: { type: 'string' }, smoke: { type: 'boolean', default: false }, list: { type: 'boolean' } },
});

/** Where each repository keeps the configs its users copy, and the commit the readers were written against. */
const REPOS = [
  { name: 'axolotl', commit: '067b021c', folders: ['examples'] },
  { name: 'LLaMA-Factory', commit: 'ff6d4d12', folders: ['examples', 'data'] },
  { name: 'alignment-handbook', commit: '925acdfe', folders: ['recipes'] },
  { name: 'trl', commit: 'f2cd5771', folders: ['examples', 'tests'] },
  { name: 'example-get-started', commit: '06ea4898', folders: ['.'] },
];

const hub = (v) => {
  const m = /^(?:https?:\/\/huggingface\.co\/|hf:\/\/)(?:(?:datasets|models)\/)?([^/]+)\/([^/]+)/.exec(v);
  return m ? `${m[1]}/${m[2]}` : v;
};
const placeholder = (v) => /<[^>]+>|\$\{|\{\{/.test(v);

// The expected readers: each tool's semantics, from its own source at the pinned commit.
const expected = {
  /** axolotl 067b021c: `adapter` lora/qlora else full; `_configure_hub_parameters` pushes privately. */
  axolotl(v) {
    if (!v.base_model) return undefined;
    const a = String(v.adapter ?? '').toLowerCase();
    const datasets = ['datasets', 'test_datasets', 'pretraining_dataset'].flatMap((k) =>
      (Array.isArray(v[k]) ? v[k] : v[k] ? [v[k]] : [])
        .map((d) => (typeof d === 'string' ? d : d?.path))
        .filter(Boolean),
    );
    return {
      method: a === 'qlora' ? 'qlora' : a === 'lora' ? 'lora' : a ? 'adapter' : 'full',
      datasets,
      pushes: [v.hub_model_id, v.push_dataset_to_hub].filter(Boolean).map((t) => ({ target: t, public: false })),
    };
  },
  /** LLaMA-Factory ff6d4d12: hparams (finetuning_type lora by default), data/parser.py, tuner.py export. */
  'LLaMA-Factory'(v, dir) {
    const pushes = [];
    if (v.export_hub_model_id) pushes.push({ target: v.export_hub_model_id, public: true });
    if (v.push_to_hub === true && v.hub_model_id)
      pushes.push({ target: v.hub_model_id, public: v.hub_private_repo !== true });
    if (v.model && !v.model_name_or_path && (v.peft_config !== undefined || v.train_dataset)) {
      const name = v.peft_config?.name;
      const method =
        !name || name === 'freeze'
          ? 'full'
          : name === 'lora'
            ? v.quant_config?.quantization_bit
              ? 'qlora'
              : 'lora'
            : 'adapter';
      const datasets = [v.train_dataset, v.eval_dataset].filter(Boolean);
      // A local `.yaml` is a dataset list (v1/core/data_engine.py): the run trains on each entry's `path`.
      const resolved = datasets.flatMap((d) => {
        const list = path.join(dir, d);
        if (!/\.yaml$/.test(d) || !existsSync(list)) return [{ file: String(d).replace(/^\.\//, '') }];
        return Object.values(parse(readFileSync(list, 'utf8')) ?? {}).map((e) =>
          e.source && e.source !== 'hf_hub' ? { file: e.path } : { hub: e.path },
        );
      });
      return { method, datasets, resolved, pushes };
    }
    if (!v.model_name_or_path || !(v.stage || v.finetuning_type || v.dataset)) return undefined;
    const type = v.finetuning_type ?? 'lora';
    const method = type === 'lora' ? (v.quantization_bit ? 'qlora' : 'lora') : type === 'oft' ? 'adapter' : 'full';
    const registryDir = v.dataset_dir ?? 'data';
    let registry = {};
    try {
      registry = JSON.parse(readFileSync(path.join(dir, registryDir, 'dataset_info.json'), 'utf8'));
    } catch {
      // No registry: every name stays unresolved, as in the tool.
    }
    const names = [v.dataset, v.eval_dataset].filter(Boolean).flatMap((d) =>
      String(d)
        .split(',')
        .map((s) => s.trim()),
    );
    const resolved = names.map((n) => {
      const e = registry[n];
      if (!e) return { name: n };
      if (e.hf_hub_url || e.ms_hub_url || e.om_hub_url)
        return { name: n, hub: e.hf_hub_url ?? e.ms_hub_url ?? e.om_hub_url };
      return { name: n, file: `${registryDir}/${e.file_name ?? e.cloud_file_name ?? e.script_url}` };
    });
    return { method, datasets: names, resolved, pushes };
  },
  /** alignment-handbook 925acdfe / trl f2cd5771: use_peft, dataset_mixture / dataset_mixer, push_to_hub. */
  trl(v) {
    if (!v.model_name_or_path && !v.output_dir) return undefined;
    const method = v.use_peft === true ? (v.load_in_4bit || v.load_in_8bit ? 'qlora' : 'lora') : 'full';
    const datasets = [
      ...['dataset_name', 'train_file', 'validation_file', 'dataset_path', 'train_dataset'].flatMap((k) =>
        typeof v[k] === 'string' ? [v[k]] : [],
      ),
      ...(v.dataset_mixture?.datasets ?? []).map((d) => d.id ?? d.path).filter(Boolean),
      ...Object.keys(v.dataset_mixer ?? {}),
    ];
    const pushes = v.push_to_hub === true ? [{ target: v.hub_model_id, public: v.hub_private_repo !== true }] : [];
    return { method, datasets, pushes, base: v.model_name_or_path };
  },
};
expected['alignment-handbook'] = expected.trl;
expected['workspace-hub'] = (v, dir, rel) =>
  rel.startsWith('axolotl/')
    ? expected.axolotl(v)
    : rel.startsWith('llama-factory/')
      ? expected['LLaMA-Factory'](v, dir)
      : expected.trl(v);

function files(dir, under) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ya?ml|json)$/i.test(e.name)) out.push(path.relative(dir, p).split(path.sep).join('/'));
    }
  };
  for (const u of under) if (existsSync(path.join(dir, u))) walk(path.join(dir, u));
  return out;
}

/** Each YAML or JSON mapping under the repository's folders, its parsed value, and what the tool's own reading expects of it. */
function* configsOf(repo, dir) {
  for (const rel of files(dir, repo.folders)) {
    const text = readFileSync(path.join(dir, rel), 'utf8');
    let v;
    try {
      v = /\.json$/.test(rel) ? JSON.parse(text) : parse(text);
    } catch {
      continue;
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) continue;
    yield { rel, text, v, want: expected[repo.name]?.(v, dir, rel) };
  }
}

/** Conformance: every config the tool would train from, read by CrownGuard as the tool reads it. */
function conformance(repo, dir) {
  let checked = 0;
  const wrong = [];
  for (const { rel, text, v, want } of configsOf(repo, dir)) {
    const format = configFormatOf(rel, text);
    const training = format && format !== 'dvc' && format !== 'model-card' && format !== 'llama-factory-datasets';
    if (!want) {
      // A file the tool would not train from (trl's test references, accelerate configs) is no config.
      if (training && repo.name !== 'example-get-started')
        wrong.push(`${rel}: read as ${format}, but it is not a config`);
      continue;
    }
    checked++;
    if (!training) {
      wrong.push(`${rel}: not recognised`);
      continue;
    }
    const t = loadConfig({ path: rel, text }, format).training;
    const got = {
      method: t.method.value,
      datasets: t.datasets.map((d) => d.value),
      pushes: t.hubPushes.map((p) => p.public),
    };
    const diff = [];
    if (got.method !== want.method && !(want.method === 'full' && placeholder(String(v.adapter ?? ''))))
      diff.push(`method ${got.method} != ${want.method}`);
    if (JSON.stringify(got.datasets) !== JSON.stringify(want.datasets.map(String)))
      diff.push(`datasets ${JSON.stringify(got.datasets)} != ${JSON.stringify(want.datasets)}`);
    if (JSON.stringify(got.pushes) !== JSON.stringify(want.pushes.map((p) => p.public)))
      diff.push(`pushes ${JSON.stringify(got.pushes)} != ${JSON.stringify(want.pushes.map((p) => p.public))}`);
    if (diff.length) wrong.push(`${rel}: ${diff.join('; ')}`);
  }
  return { checked, wrong };
}

/** The policy findings the configs' semantics call for, under the repository's governance manifest. */
function calledFor(repo, dir, governance) {
  const g = parse(governance);
  const namespace = g.hub?.namespace;
  const locations = g.assets.flatMap((a) => a.locations.map((l) => hub(l).toLowerCase()));
  const configs = [];
  for (const { rel, want } of configsOf(repo, dir)) {
    if (want) configs.push({ rel, ...want });
  }
  const full = (t) => (t && !t.includes('/') && namespace ? `${namespace}/${t}` : t);
  const declared = (c) =>
    c.resolved
      ? c.resolved.some((r) => locations.includes((r.hub ? hub(r.hub) : (r.file ?? r.name)).toLowerCase()))
      : c.datasets.some((d) => locations.includes(hub(String(d).replace(/^\.\//, '')).toLowerCase()));
  // Crown-jewel data reaches a config through its datasets, or through a base model another config pushed.
  const jewel = new Set(configs.filter(declared).map((c) => c.rel));
  for (let grew = true; grew;) {
    grew = false;
    const pushed = new Set(configs.filter((c) => jewel.has(c.rel)).flatMap((c) => c.pushes.map((p) => full(p.target))));
    for (const c of configs)
      if (!jewel.has(c.rel) && c.base && pushed.has(c.base)) {
        jewel.add(c.rel);
        grew = true;
      }
  }
  const out = [];
  for (const c of configs) {
    if (!jewel.has(c.rel)) continue;
    if (!['lora', 'qlora', 'adapter'].includes(c.method)) out.push(`${c.rel} finetune-method`);
    for (const p of c.pushes) if (p.public) out.push(`${c.rel} no-public-model`);
  }
  return out.sort();
}

/** The policy findings `crownguard check` reports, started in `cwd` on `targets`, with repository-relative paths. */
function reported(dir, cwd, targets) {
  const r = spawnSync(process.execPath, [cli, 'check', '--format', 'json', '--fail-on', 'none', ...targets], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(r.stderr);
  const findings = JSON.parse(r.stdout).findings;
  const notes = findings.filter((f) => f.ruleId === 'CG005' && f.severity === 'note').length;
  const policies = findings
    .filter((f) => f.ruleId === 'CG401')
    .map(
      (f) =>
        `${path.relative(dir, path.resolve(cwd, f.path)).split(path.sep).join('/')} ${/policy `([^`]+)`/.exec(f.message)[1]}`,
    )
    .sort();
  return { policies, notes };
}

function measure(repo, source, governance) {
  const temp = mkdtempSync(path.join(tmpdir(), 'crownguard-formats-'));
  const dir = path.join(temp, repo.name);
  try {
    cpSync(source, dir, { recursive: true, filter: (p) => !/[/\\](\.git|node_modules)$/.test(p) });
    if (governance !== undefined) writeFileSync(path.join(dir, 'governance.yaml'), governance);
    const g = readFileSync(path.join(dir, 'governance.yaml'), 'utf8');
    const conf = conformance(repo, dir);
    const want = calledFor(repo, dir, g);
    const targets = repo.folders.filter((f) => existsSync(path.join(dir, f)));
    const inside = reported(dir, dir, targets);
    const outside = reported(
      dir,
      temp,
      targets.map((f) => path.join(repo.name, f)),
    );
    const got = inside.policies;
    const remaining = [...got];
    let hits = 0;
    const missed = [];
    for (const w of want) {
      const i = remaining.indexOf(w);
      if (i >= 0) {
        hits++;
        remaining.splice(i, 1);
      } else missed.push(w);
    }
    return {
      repo: repo.name,
      conf,
      want: want.length,
      got: got.length,
      recall: want.length ? hits / want.length : 1,
      precision: got.length ? hits / got.length : 1,
      same: JSON.stringify(inside.policies) === JSON.stringify(outside.policies) && inside.notes === outside.notes,
      notes: inside.notes,
      missed,
      extra: remaining,
    };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

const results = [];
if (values.smoke) {
  results.push(measure({ name: 'workspace-hub', folders: ['.'] }, path.join(root, 'test/fixtures/workspace-hub')));
} else {
  if (!values.repos) throw new Error('--repos FOLDER (one sub-folder per repository), or --smoke');
  for (const repo of REPOS) {
    const source = path.join(values.repos, repo.name);
    if (!existsSync(source) || !statSync(source).isDirectory()) continue;
    results.push(
      measure(repo, source, readFileSync(path.join(here, 'formats', `${repo.name}.governance.yaml`), 'utf8')),
    );
  }
}

const pct = (x) => x.toFixed(2);
console.log(
  'repository            configs  misread  called-for  reported  recall  precision  notes  same-from-elsewhere',
);
for (const r of results)
  console.log(
    `${r.repo.padEnd(22)}${String(r.conf.checked).padStart(7)}${String(r.conf.wrong.length).padStart(9)}${String(r.want).padStart(12)}${String(r.got).padStart(10)}${pct(r.recall).padStart(8)}${pct(r.precision).padStart(11)}${String(r.notes).padStart(7)}  ${r.same ? 'yes' : 'NO'}`,
  );
for (const r of results) {
  for (const w of r.conf.wrong.slice(0, values.list ? Infinity : 10)) console.log(`  ${r.repo} misread: ${w}`);
  for (const m of r.missed) console.log(`  ${r.repo} missed: ${m}`);
  for (const x of r.extra) console.log(`  ${r.repo} not called for: ${x}`);
}
const bad = results.some((r) => r.conf.wrong.length || r.recall < 0.95 || r.precision < 1 || !r.same);
process.exitCode = bad ? 1 : 0;
