// Precision on real repositories: `crownguard check` with no governance manifest, as a new user
// runs it, on public fine-tuning and LLM-application repositories pinned by commit. Every
// finding at warning level or higher is matched against bench/real-repos.labels.json, where a
// person has labelled it true or false with a one-line reason, so the figure printed is precision
// and not a count. A finding with no label is printed as "unlabelled" and is not counted as true.
//
// The repositories are never copied into this one, and CI has no network: the benchmark reads
// them from a folder it is given, one sub-folder per repository named as below, each either a
// git checkout at the pinned commit or an extracted archive with a `.crownguard-bench-commit`
// file holding the commit.
//
//   node bench/real-repos.mjs --repos /tmp/repos          # the full benchmark
//   node bench/real-repos.mjs --repos /tmp/a --repos /tmp/b   # repositories spread over several folders
//   node bench/real-repos.mjs --smoke                     # CI: a small generated folder
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const cli = path.join(root, 'dist', 'cli.js');

/** The repositories and the commits every label refers to. */
export const REPOS = [
  { name: 'axolotl', source: 'axolotl-ai-cloud/axolotl', commit: '067b021c8b87a9e5e380b9173c704cf7340e30f5' },
  { name: 'LLaMA-Factory', source: 'hiyouga/LLaMA-Factory', commit: 'ff6d4d12eeb035d6ce06805a5733dd7b29f2ac30' },
  {
    name: 'alignment-handbook',
    source: 'huggingface/alignment-handbook',
    commit: '925acdfe4b2b4e38c3dabd1851bc418f0b656351',
  },
  { name: 'trl', source: 'huggingface/trl', commit: 'f2cd57710ae345ea6428ae95363267fcf38a3dc8' },
  { name: 'peft', source: 'huggingface/peft', commit: '5d602fdbff04c33c1c4de55cda9d4ae1d7cb7e40' },
  {
    name: 'example-get-started',
    source: 'iterative/example-get-started',
    commit: '06ea48980a34ef57041c9b905cafcb40d9c3ddbc',
  },
  { name: 'langchainjs', source: 'langchain-ai/langchainjs', commit: '62fc484b2a0d1ec5b8bebff4a8a0efe6300ada72' },
  { name: 'FastChat', source: 'lm-sys/FastChat', commit: '0e6d3e4beaab66f4d3f93db72541a4abab8af28d' },
  { name: 'unsloth', source: 'unslothai/unsloth', commit: '015bdef0d94a241bcd94eec7a405b1700632180d' },
  // Held out: measured only after the detectors were tuned on the repositories above.
  { name: 'OpenRLHF', source: 'OpenRLHF/OpenRLHF', commit: '3c3be6234e0cb353e76bb8019947db9dfe99fca7' },
  { name: 'litgpt', source: 'Lightning-AI/litgpt', commit: '26857050fe3ff627cd714fe92f5838f51a3d5efa' },
  {
    name: 'DeepSpeedExamples',
    source: 'microsoft/DeepSpeedExamples',
    commit: '83757d9c937daabd1089a08051061706cb73900d',
  },
  { name: 'langgraphjs', source: 'langchain-ai/langgraphjs', commit: 'f8bdf16d4fe23a79e945ea5dc6f86bbf09abb77d' },
  {
    name: 'anthropic-cookbook',
    source: 'anthropics/anthropic-cookbook',
    commit: '4b36a1e1f64361397f4cbe4fbc7cdace338f16f8',
  },
];

const MARKER = '.crownguard-bench-commit';
const SEVERE = new Set(['error', 'warning']);

const { values } = parseArgs({
  options: {
    repos: { type: 'string', multiple: true },
    labels: { type: 'string', default: path.join(here, 'real-repos.labels.json') },
    smoke: { type: 'boolean', default: false },
    jobs: { type: 'string', default: '1' },
    'show-unlabelled': { type: 'boolean', default: false },
  },
});

/** The commit a folder holds: git's word for a checkout, else the marker file's. */
function commitOf(dir) {
  if (existsSync(path.join(dir, '.git'))) {
    const r = spawnSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' });
    if (r.status === 0) return r.stdout.trim();
  }
  const marker = path.join(dir, MARKER);
  return existsSync(marker) ? readFileSync(marker, 'utf8').trim() : undefined;
}

function countFiles(dir) {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === '.git' || e.name === 'node_modules') continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) n += countFiles(p);
    else if (e.isFile() && e.name !== MARKER) n++;
  }
  return n;
}

/** Findings of one repository, with paths relative to it and 1-based lines. */
function scan(dir) {
  const out = execFileSync(
    process.execPath,
    [cli, 'check', '--format', 'json', '--fail-on', 'none', '--jobs', values.jobs, '.'],
    {
      cwd: dir,
      encoding: 'utf8',
      maxBuffer: 512 * 1024 * 1024,
    },
  );
  const json = JSON.parse(out);
  return {
    findings: json.findings.map((f) => ({ ...f, path: f.path.replace(/\\/g, '/').replace(/^\.\//, '') })),
    checked: json.summary?.filesChecked ?? 0,
  };
}

/** Labels by `repo path rule line`; each says true or false, and why. */
function loadLabels(file) {
  const data = JSON.parse(readFileSync(file, 'utf8'));
  const map = new Map();
  for (const l of data.labels) map.set(`${l.repo}\u0000${l.path}\u0000${l.rule}\u0000${l.line}`, l);
  return map;
}

function generateSmoke() {
  const dir = mkdtempSync(path.join(tmpdir(), 'crownguard-real-repos-'));
  const repo = path.join(dir, 'smoke-repo');
  mkdirSync(path.join(repo, 'src'), { recursive: true });
  mkdirSync(path.join(repo, 'results'), { recursive: true });
  writeFileSync(path.join(repo, MARKER), '0000000000000000000000000000000000000000\n');
  // Floats whose digits pass Luhn, a test card in a test, and one real-looking leak to label.
  writeFileSync(
    path.join(repo, 'results', 'metrics.json'),
    JSON.stringify({ loss: 0.642424464225769, grad_norm: 129.46177673339844, snr: 28.533172607421875 }, null, 2),
  );
  writeFileSync(
    path.join(repo, 'src', 'app.py'),
    'import logging\nlogger = logging.getLogger(__name__)\n\ndef login(password):\n    logger.info("login %s", password)\n',
  );
  return {
    dir,
    repos: [{ name: 'smoke-repo', source: 'generated', commit: '0000000000000000000000000000000000000000' }],
    labels: new Map([
      ['smoke-repo\u0000src/app.py\u0000CG101\u00005', { verdict: true, reason: 'a password logged in clear' }],
    ]),
  };
}

function main() {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  let dirs = (values.repos ?? []).map((d) => path.resolve(d));
  let repos = REPOS;
  let labels;
  let cleanup;
  if (values.smoke) {
    const smoke = generateSmoke();
    ({ repos, labels } = smoke);
    dirs = [smoke.dir];
    cleanup = smoke.dir;
  } else {
    if (dirs.length === 0)
      throw new Error('give --repos DIR (one sub-folder per repository, named as in REPOS), or --smoke');
    labels = loadLabels(values.labels);
  }
  const perRule = new Map();
  const rule = (id) => perRule.get(id) ?? perRule.set(id, { findings: 0, true: 0, false: 0, unlabelled: 0 }).get(id);
  const unlabelled = [];
  const falses = [];
  let files = 0;
  let scanned = 0;
  console.log('repository              commit                                    files  warning+');
  for (const r of repos) {
    const isDir = (p) => existsSync(p) && statSync(p).isDirectory();
    const folder = dirs.map((d) => path.join(d, r.name)).find(isDir);
    if (!folder) {
      console.log(`${r.name.padEnd(23)} missing (fetch ${r.source} at ${r.commit})`);
      continue;
    }
    const commit = commitOf(folder);
    if (commit !== r.commit) {
      console.log(`${r.name.padEnd(23)} at ${commit ?? 'an unknown commit'}, not the pinned ${r.commit}: skipped`);
      continue;
    }
    const n = countFiles(folder);
    const { findings } = scan(folder);
    const severe = findings.filter((f) => SEVERE.has(f.severity));
    files += n;
    scanned++;
    console.log(`${r.name.padEnd(23)} ${commit}  ${String(n).padStart(5)}  ${String(severe.length).padStart(8)}`);
    for (const f of severe) {
      const s = rule(f.ruleId);
      s.findings++;
      const label = labels.get(`${r.name}\u0000${f.path}\u0000${f.ruleId}\u0000${f.startLine}`);
      if (!label) {
        s.unlabelled++;
        unlabelled.push(`${r.name}/${f.path}:${f.startLine} ${f.ruleId} ${f.severity} ${f.message}`);
      } else if (label.verdict === true) s.true++;
      else {
        s.false++;
        falses.push(`${r.name}/${f.path}:${f.startLine} ${f.ruleId}: ${label.reason}`);
      }
    }
  }
  const per1000 = (n) => (files === 0 ? '-' : ((1000 * n) / files).toFixed(2));
  console.log(`\n${scanned} repositories, ${files} files\n`);
  console.log('rule    findings  per 1,000 files  true  false  unlabelled  precision');
  let total = { findings: 0, true: 0, false: 0, unlabelled: 0 };
  for (const [id, s] of [...perRule].sort()) {
    total = {
      findings: total.findings + s.findings,
      true: total.true + s.true,
      false: total.false + s.false,
      unlabelled: total.unlabelled + s.unlabelled,
    };
    // Unlabelled findings count against precision: they are not known to be true.
    const precision = s.findings ? `${((100 * s.true) / s.findings).toFixed(1)}%` : '-';
    console.log(
      `${id.padEnd(7)} ${String(s.findings).padStart(8)}  ${per1000(s.findings).padStart(15)}  ${String(s.true).padStart(4)}  ${String(s.false).padStart(5)}  ${String(s.unlabelled).padStart(10)}  ${precision.padStart(9)}`,
    );
  }
  const precision = total.findings ? `${((100 * total.true) / total.findings).toFixed(1)}%` : '-';
  console.log(
    `${'all'.padEnd(7)} ${String(total.findings).padStart(8)}  ${per1000(total.findings).padStart(15)}  ${String(total.true).padStart(4)}  ${String(total.false).padStart(5)}  ${String(total.unlabelled).padStart(10)}  ${precision.padStart(9)}`,
  );
  console.log(
    `\nfalse positives per 5,000 files: ${files ? ((5000 * total.false) / files).toFixed(2) : '-'} (unlabelled: ${total.unlabelled})`,
  );
  if (falses.length) console.log(`\nfalse:\n  ${falses.join('\n  ')}`);
  if (unlabelled.length)
    console.log(
      `\nunlabelled:\n  ${unlabelled.slice(0, values['show-unlabelled'] ? unlabelled.length : 50).join('\n  ')}`,
    );
  if (cleanup) rmSync(cleanup, { recursive: true, force: true });
  if (values.smoke && (scanned !== 1 || total.findings !== 1 || total.true !== 1)) {
    console.error('smoke run: expected exactly the one labelled finding in the generated folder');
    process.exit(1);
  }
}

main();
