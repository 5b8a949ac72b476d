// Jupyter notebooks on real material: `crownguard check` (no governance manifest, as a new user
// runs it) on every .ipynb of a folder, with the time it takes and every finding matched against
// bench/notebooks.labels.json, where a person labelled each one true or false with a reason. The
// figure printed is precision over labelled findings; an unlabelled finding is shown and not
// counted as true. CG005 sampling notes are counted apart: they say what was read, not a leak.
//
// The notebooks are never copied into this repository, and CI has no network: the benchmark
// reads them from a folder it is given (a checkout of a repository named in the labels, at its
// pinned commit); labels name the folder's base name as `repo`.
//
//   node bench/notebooks.mjs --folder /tmp/notebooks   # unslothai/notebooks at the pin
//   node bench/notebooks.mjs --smoke                           # CI: a small generated folder
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, '..', 'dist', 'cli.js');

const { values } = parseArgs({
  options: {
    folder: { type: 'string' },
    smoke: { type: 'boolean', default: false },
    labels: { type: 'string', default: path.join(here, 'notebooks.labels.json') },
  },
});

/** A small folder of notebooks we wrote: one printed token, one leak across cells, one clean. */
function smokeFolder() {
  const dir = mkdtempSync(path.join(tmpdir(), 'crownguard-bench-nb-'));
  const nb = (cells) =>
    JSON.stringify({ cells, metadata: { language_info: { name: 'python' } }, nbformat: 4, nbformat_minor: 5 });
  const code = (source, outputs = []) => ({ cell_type: 'code', metadata: {}, outputs, source, execution_count: 1 });
  writeFileSync(
    path.join(dir, 'leak.ipynb'),
    nb([code(['%pip install x\n', 'password = get_password()\n']), code(['print(password)\n'])]),
  );
  writeFileSync(
    path.join(dir, 'printed.ipynb'),
    nb([
      code(
        ['print(token)\n'],
        [{ output_type: 'stream', name: 'stdout', text: ['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\n'] }],
      ),
    ]),
  );
  writeFileSync(path.join(dir, 'clean.ipynb'), nb([code(['import torch\n', 'print(torch.__version__)\n'])]));
  return dir;
}

function notebooksIn(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === '.git' ? [] : notebooksIn(p);
    return e.name.endsWith('.ipynb') ? [p] : [];
  });
}

const folder = values.smoke ? smokeFolder() : values.folder;
if (!folder) {
  console.error('usage: node bench/notebooks.mjs --folder DIR | --smoke');
  process.exit(2);
}
const files = notebooksIn(folder)
  .map((f) => path.relative(folder, f).split(path.sep).join('/'))
  .sort();
const bytes = files.reduce((n, f) => n + statSync(path.join(folder, f)).size, 0);
const started = performance.now();
const run = spawnSync(process.execPath, [cli, 'check', ...files, '--format', 'json', '--fail-on', 'none'], {
  cwd: folder,
  encoding: 'utf8',
  maxBuffer: 1 << 28,
});
const seconds = (performance.now() - started) / 1000;
if (run.status !== 0) {
  console.error(run.stderr);
  process.exit(1);
}
const findings = JSON.parse(run.stdout).findings;
const labels = values.smoke ? [] : JSON.parse(readFileSync(values.labels, 'utf8')).labels;
const repo = path.basename(path.resolve(folder));
const key = (x) => `${x.repo}\u0000${x.path}\u0000${x.rule}\u0000${x.cell ?? ''}\u0000${x.where}`;
const where = (f) => (f.cell?.output ? 'output' : f.cell ? `line ${f.cell.line}` : `line ${f.startLine}`);
const labelled = new Map(labels.map((l) => [key(l), l]));
let truePositives = 0;
let falsePositives = 0;
const unlabelled = [];
const sampled = findings.filter((f) => f.ruleId === 'CG005' && f.severity === 'note');
for (const f of findings) {
  if (f.ruleId === 'CG005' && f.severity === 'note') continue;
  const label = labelled.get(key({ repo, path: f.path, rule: f.ruleId, cell: f.cell?.number, where: where(f) }));
  if (!label) unlabelled.push(f);
  else if (label.verdict) truePositives++;
  else falsePositives++;
}
const rows = [
  ['notebooks', files.length],
  ['MiB', (bytes / 1024 / 1024).toFixed(1)],
  ['seconds (one process)', seconds.toFixed(1)],
  ['files/s', (files.length / seconds).toFixed(1)],
  ['MiB/s', (bytes / 1024 / 1024 / seconds).toFixed(1)],
  ['findings (besides sampling notes)', findings.length - sampled.length],
  ['  true', truePositives],
  ['  false', falsePositives],
  ['  unlabelled', unlabelled.length],
  [
    'precision',
    truePositives + falsePositives ? `${((100 * truePositives) / (truePositives + falsePositives)).toFixed(0)}%` : '-',
  ],
  ['notebooks with outputs sampled (CG005 note)', sampled.length],
];
const width = Math.max(...rows.map(([k]) => k.length));
for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
for (const f of unlabelled)
  console.log(`unlabelled: ${f.path} ${f.ruleId} ${f.severity} cell ${f.cell?.number ?? '-'} ${where(f)}`);
if (values.smoke) {
  rmSync(folder, { recursive: true, force: true });
  // The smoke folder's three notebooks: the leak across cells and the printed token, nothing in the clean one.
  const rules = findings.map((f) => `${f.path} ${f.ruleId}`).sort();
  if (JSON.stringify(rules) !== JSON.stringify(['leak.ipynb CG101', 'printed.ipynb CG201'])) {
    console.error(`unexpected smoke findings: ${rules.join(', ')}`);
    process.exit(1);
  }
}
