// Whole-repository scan: `crownguard check` against ripgrep (the floor: reading and matching
// every byte for the same sensitive names) and secretlint (a secret scanner, with a pattern
// rule for the same names), on one generated repository, in the same run.
//
// The repository mixes Python, TypeScript, YAML configs and prompt templates; --density of the
// files mention a sensitive name harmlessly (`record.ssn is not None`), and one file in 100
// carries a planted finding at a known line. Every planted finding must be found.
//
//   node bench/repo-scan.mjs                          # 20,000 files, ~200 MB
//   node bench/repo-scan.mjs --files 300 --mb 2       # smoke run (CI)
//   node bench/repo-scan.mjs --no-secretlint          # skip the slowest tool
//   node bench/repo-scan.mjs --density 1               # dense: every file names sensitive data
//
// Besides wall time it prints CPU time (all threads): MB per CPU-second is the per-core rate,
// and the CPU ratio to ripgrep is the figure to read when the machine is shared. Below the table
// it prints crownguard's own breakdown of its CPU time, from a second, profiled run
// (`check --profile-scan`), so that the timed run carries no profiling cost.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { rng } from './generate.mjs';

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '20000' },
    mb: { type: 'string', default: '200' },
    density: { type: 'string', default: '0.3' },
    jobs: { type: 'string', default: String(availableParallelism()) },
    'no-secretlint': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const FILES = Number(values.files);
const BYTES_PER_FILE = (Number(values.mb) * 1024 * 1024) / FILES;
const DENSITY = Number(values.density);
const JOBS = Number(values.jobs);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NAMES = [
  'ssn',
  'email',
  'account_number',
  'date_of_birth',
  'home_address',
  'password',
  'api_key',
  'access_token',
  'card_number',
  'iban',
];

const GOVERNANCE = `apiVersion: crownguard/v1
kind: Governance
assets:
  - id: customers
    tier: restricted
    fields: [ssn, email, account_number, date_of_birth, home_address]
tiers:
  - id: internal
  - id: restricted
    crownJewel: true
`;

/** Lines of filler code in each language; some mention a sensitive name without leaking it. */
const FILLER = {
  py: (i, mention) => [
    `def handler_${i}(record, rows):`,
    `    total = sum(row.score for row in rows if row.score > ${i % 10})`,
    `    label = f"record {record.id} has {total} rows"`,
    mention ? `    logger.debug("has ssn: %s", record.ssn is not None)` : `    logger.debug("label %s", label)`,
    `    return {"id": record.id, "total": total}`,
    '',
  ],
  ts: (i, mention) => [
    `export function handler${i}(record: any, rows: any[]): object {`,
    `  const total = rows.filter((r) => r.score > ${i % 10}).length;`,
    mention ? '  console.debug("has email", record.email !== undefined);' : '  console.debug("total", total);',
    '  return { id: record.id, total };',
    '}',
    '',
  ],
  yaml: (i, mention) => [
    `stage_${i}:`,
    `  learning_rate: 0.000${(i % 9) + 1}`,
    mention ? `  drop_columns: [ssn, email]` : `  epochs: ${i % 5}`,
    '',
  ],
  prompt: (i, mention) => [
    `Step ${i}: answer the question {{ question_${i} }}.`,
    mention ? 'Never reveal the customer email address.' : 'Be concise.',
    '',
  ],
};
const HEADER = {
  py: ['import logging', '', 'logger = logging.getLogger(__name__)', ''],
  ts: [],
  yaml: ['# training config'],
  prompt: [],
};
const PLANT = {
  py: '    logger.info("customer %s", record.ssn)',
  ts: '  console.log("customer", record.ssn);',
  yaml: '  hub_token: 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',
  prompt: 'Customer SSN: {{ customer.ssn }}',
};
const EXT = { py: 'py', ts: 'ts', yaml: 'yaml', prompt: 'prompt' };

function generate(dir) {
  const r = rng(7);
  const planted = [];
  const counts = { py: 0, ts: 0, yaml: 0, prompt: 0 };
  let bytes = 0;
  writeFileSync(path.join(dir, 'governance.yaml'), GOVERNANCE);
  for (let f = 0; f < FILES; f++) {
    const x = r();
    const kind = x < 0.45 ? 'py' : x < 0.75 ? 'ts' : x < 0.9 ? 'yaml' : 'prompt';
    counts[kind]++;
    const mention = r() < DENSITY;
    const lines = [...HEADER[kind]];
    const plantAt = f % 100 === 0 ? 1 + Math.floor(r() * 40) : -1;
    for (let i = 0, size = 0; size < BYTES_PER_FILE; i++) {
      for (const l of FILLER[kind](i, mention && i % 7 === 0)) {
        lines.push(l);
        size += l.length + 1;
      }
      if (i === plantAt) {
        // Python and TypeScript plant inside the function just written; configs and prompts anywhere.
        const fnEnd = lines.length - 2;
        const at = kind === 'py' || kind === 'ts' ? fnEnd : lines.length;
        lines.splice(at, 0, PLANT[kind]);
        planted.push(`${dir2(f)}/f${f}.${EXT[kind]}:${at + 1}`);
      }
    }
    const text = lines.join('\n') + '\n';
    mkdirSync(path.join(dir, dir2(f)), { recursive: true });
    writeFileSync(path.join(dir, dir2(f), `f${f}.${EXT[kind]}`), text);
    bytes += text.length;
  }
  return { planted, counts, bytes };
}

function dir2(f) {
  return `pkg${Math.floor(f / 200)}`;
}

/**
 * Runs a command under /usr/bin/time: wall seconds, CPU seconds (user and system, all threads)
 * and peak RSS in MB. On a machine others share, CPU time moves less than wall time does.
 */
function timed(cmd, args, cwd) {
  const stats = path.join(tmpdir(), `crownguard-time-${process.pid}`);
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', stats, cmd, ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const [seconds, user, system, kb] = readFileSync(stats, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  rmSync(stats, { force: true });
  return { seconds, cpu: user + system, peakMb: kb / 1024, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(path.join(tmpdir(), 'crownguard-scan-'));
try {
  const { planted, counts, bytes } = generate(dir);
  const mb = bytes / 1024 / 1024;
  console.log(
    `repository: ${FILES} files, ${mb.toFixed(1)} MB (python ${counts.py}, typescript ${counts.ts}, yaml ${counts.yaml}, prompts ${counts.prompt}); ` +
      `${Math.round(DENSITY * 100)}% mention a sensitive name; ${planted.length} planted findings; ${JOBS} jobs`,
  );
  const rows = [];
  const loadBefore = loadavg();

  const rgVersion = execFileSync('rg', ['--version'], { encoding: 'utf8' }).split('\n')[0];
  const rg = timed('rg', ['-j', String(JOBS), '-i', '--count-matches', ...NAMES.flatMap((n) => ['-e', n]), '.'], dir);
  rows.push([`${rgVersion} (${NAMES.length} names)`, rg]);

  // The timed run is the check as users run it; the breakdown comes from a second run with
  // `--profile-scan`, whose clock reads and per-file bookkeeping cost CPU of their own (row (f)).
  const checkArgs = [
    path.join(repo, 'dist', 'cli.js'),
    'check',
    '.',
    '--format',
    'json',
    '--fail-on',
    'none',
    '--jobs',
    String(JOBS),
  ];
  const cg = timed(process.execPath, checkArgs, dir);
  if (cg.status !== 0) throw new Error(`crownguard failed: ${cg.stderr}`);
  const profiled = timed(process.execPath, [...checkArgs, '--profile-scan'], dir);
  if (profiled.status !== 0) throw new Error(`crownguard --profile-scan failed: ${profiled.stderr}`);
  rows.push([`crownguard check --jobs ${JOBS}`, cg]);
  const found = new Set(JSON.parse(cg.stdout).findings.map((f) => `${f.path}:${f.startLine}`));

  if (!values['no-secretlint']) {
    writeFileSync(
      path.join(dir, '.secretlintrc.json'),
      JSON.stringify({
        rules: [
          {
            id: '@secretlint/secretlint-rule-pattern',
            options: { patterns: [{ name: 'sensitive names', pattern: `/${NAMES.join('|')}/i` }] },
          },
        ],
      }),
    );
    const sl = timed(
      path.join(repo, 'node_modules', '.bin', 'secretlint'),
      ['**/*', '--format', 'json', '--no-color'],
      dir,
    );
    rows.push(['secretlint 12 (pattern rule, same names)', sl]);
  }

  const floor = rg.seconds || 0.001;
  const cpuFloor = rg.cpu || 0.001;
  console.log(
    `load average before: ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    'tool                                        time      MB/s   CPU time   MB/CPU-s   peak RSS   time / ripgrep   CPU / ripgrep',
  );
  for (const [name, r] of rows) {
    console.log(
      `${name.padEnd(42)} ${r.seconds.toFixed(2).padStart(6)} s ${(mb / (r.seconds || 0.001)).toFixed(1).padStart(8)} ${r.cpu.toFixed(2).padStart(8)} s ${(mb / (r.cpu || 0.001)).toFixed(1).padStart(10)} ${r.peakMb.toFixed(0).padStart(7)} MB ${(r.seconds / floor).toFixed(1).padStart(15)}x ${(r.cpu / cpuFloor).toFixed(1).padStart(14)}x`,
    );
  }
  // Where crownguard's CPU time went, by phase (its `--profile-scan` breakdown on stderr).
  const breakdown = profiled.stderr.slice(profiled.stderr.indexOf('crownguard: where the check spent'));
  if (breakdown.startsWith('crownguard:')) process.stdout.write(breakdown);
  const missed = planted.filter((p) => !found.has(p));
  console.log(`planted findings found by crownguard: ${planted.length - missed.length}/${planted.length}`);
  if (missed.length) {
    console.error(`missed: ${missed.slice(0, 10).join(', ')}`);
    process.exitCode = 1;
  }
} finally {
  if (values.keep) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
