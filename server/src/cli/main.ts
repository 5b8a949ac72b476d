import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { Engine, maskId, maskText, severityRank, type Severity } from '../core';
import { packageVersion } from '../host/docs';
import { loadWasm } from '../host/wasm';
import { useMaskKeyFromEnvironment } from '../host/mask-key';
import { startServer } from '../lsp/server';
import { applyBaseline, readBaseline, writeBaseline } from './baseline';
import { runCheck, type CheckResult } from './check';
import { runLineage, type LineageOptions } from './lineage';
import { applySafeFixes } from './fix';
import { formatJson } from './formats/json';
import { Regions } from './formats/location';
import { formatSarif } from './formats/sarif';
import { formatText } from './formats/text';
import { formatWaivers } from './formats/waivers';
import { changedFiles } from './git';
import { progressReporter } from './progress';

/** Exit codes: the contract CI scripts rely on. */
export const EXIT = { clean: 0, findings: 1, usage: 2, internal: 3 } as const;

const HELP = `Usage: crownguard <command> [options]

Commands:
  check [paths...]     Check files and folders (default: the current folder)
  waivers [paths...]   List every waiver with its rule, policy, reason, expiry and place
  lineage [id]         The workspace's lineage graph, or one node's upstream and downstream
  lsp --stdio          Run the language server on stdin/stdout, for any LSP editor

Options for check:
  --format text|json|sarif          Output format (default: text)
  --fail-on error|warning|note|none Lowest severity that makes the exit code 1 (default: warning)
  --governance FILE                 Governance manifest to use instead of the nearest governance.yaml
  --fix                             Apply every safe fix (redaction wraps, manifest renames), then report what is left
  --no-inline-waivers               Ignore waivers written in files: report what they would waive
  --baseline FILE                   Report and fail only on findings that are not in this baseline
  --write-baseline FILE             Record today's findings as the baseline, and exit 0
  --changed-since REF               Check only files changed since the git ref (manifests are always read)
  --jobs N                          Worker threads (default: the number of cores)

Options for waivers:
  --format text|json                Output format (default: text); exit code 1 when a waiver has expired

Options for lineage:
  --upstream | --downstream         Only one direction from the node (default: both)
  --depth N                         At most N hops from the node
  --explain                         Why the node has its tier: the chain back to a declaration
  --format text|json|mermaid|dot|openlineage   Output format (default: text)
  --root DIR                        The workspace folder (default: the current folder)
  --governance FILE                 Governance manifest to use instead of the nearest governance.yaml

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage or configuration
error; 3 internal error.
`;

class UsageError extends Error {}

function fail(message: string): never {
  throw new UsageError(message);
}

function parse(args: string[], options: NonNullable<ParseArgsConfig['options']>) {
  try {
    return parseArgs({ args, allowPositionals: true, options });
  } catch (err) {
    fail((err as Error).message);
  }
}

function oneOf(value: unknown, allowed: string[], flag: string): string {
  if (typeof value !== 'string' || !allowed.includes(value)) fail(`unknown ${flag} '${String(value)}'; use ${allowed.join(', ')}`);
  return value;
}

const engine = () => Engine.create(loadWasm);

async function check(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    format: { type: 'string', default: 'text' },
    'fail-on': { type: 'string', default: 'warning' },
    governance: { type: 'string' },
    fix: { type: 'boolean', default: false },
    'no-inline-waivers': { type: 'boolean', default: false },
    baseline: { type: 'string' },
    'write-baseline': { type: 'string' },
    'changed-since': { type: 'string' },
    jobs: { type: 'string' },
  });
  const format = oneOf(values.format, ['text', 'json', 'sarif'], '--format');
  const failOn = oneOf(values['fail-on'], ['error', 'warning', 'note', 'none'], '--fail-on') as Severity | 'none';
  const jobs = values.jobs === undefined ? availableParallelism() : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) fail(`--jobs takes a whole number of 1 or more, not '${String(values.jobs)}'`);

  const started = Date.now();
  const cwd = process.cwd();
  let only: Set<string> | undefined;
  if (typeof values['changed-since'] === 'string') {
    try {
      only = changedFiles(cwd, values['changed-since']);
    } catch (err) {
      fail((err as Error).message);
    }
  }
  let baseline: Map<string, number> | undefined;
  if (typeof values.baseline === 'string') {
    try {
      baseline = readBaseline(values.baseline);
    } catch (err) {
      fail((err as Error).message);
    }
  }
  const settings = { enable: true, governanceManifest: (values.governance as string | undefined) ?? '', inlineWaivers: !values['no-inline-waivers'] };
  const options = { settings, jobs, only, onProgress: progressReporter(process.stderr) };
  let result = await runCheck(engine, positionals, cwd, options);
  if (result.missing.length) fail(`no such file or folder: ${result.missing.join(', ')}`);
  if (values.fix) {
    const fixed = applySafeFixes(result, cwd);
    if (fixed.files > 0) {
      process.stderr.write(`crownguard: fixed ${fixed.findings} finding${fixed.findings === 1 ? '' : 's'} in ${fixed.files} file${fixed.files === 1 ? '' : 's'}\n`);
      result = await runCheck(engine, positionals, cwd, options);
    }
  }
  if (typeof values['write-baseline'] === 'string') {
    const n = writeBaseline(values['write-baseline'], result.findings);
    process.stderr.write(`crownguard: wrote ${n} finding${n === 1 ? '' : 's'} to the baseline ${values['write-baseline']}\n`);
    return EXIT.clean;
  }
  let known = 0;
  if (baseline) {
    const split = applyBaseline(result.findings, baseline);
    known = split.known;
    result = { ...result, findings: split.fresh };
  }

  const regions = new Regions((p) => result.texts.get(p));
  const out =
    format === 'json' ? formatJson(result, regions, packageVersion())
    : format === 'sarif' ? formatSarif(result, regions, packageVersion(), cwd)
    : formatText(result, regions, Date.now() - started, known);
  process.stdout.write(out);
  if (format === 'text') for (const n of result.notes) process.stderr.write(`${maskId(n.path)}: note: ${maskText(n.message)}\n`);

  if (result.brokenManifests.length) {
    const first = result.findings.find((f) => result.brokenManifests.includes(f.path) && f.severity === 'error');
    const where = maskId(first ? `${first.path}:${regions.of(first).startLine}` : result.brokenManifests[0]);
    process.stderr.write(`crownguard: configuration error: ${where}: ${first?.message ?? 'the governance manifest is invalid'}\n`);
    return EXIT.usage;
  }
  return exitCodeFor(result, failOn);
}

async function waivers(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { format: { type: 'string', default: 'text' }, jobs: { type: 'string' } });
  const format = oneOf(values.format, ['text', 'json'], '--format');
  const cwd = process.cwd();
  const today = new Date().toISOString().slice(0, 10);
  const result = await runCheck(engine, positionals, cwd, { jobs: values.jobs ? Number(values.jobs) : availableParallelism() });
  if (result.missing.length) fail(`no such file or folder: ${result.missing.join(', ')}`);
  process.stdout.write(formatWaivers(result.waivers, format as 'text' | 'json', today));
  return result.waivers.some((w) => w.expires !== undefined && w.expires < today) ? EXIT.findings : EXIT.clean;
}

async function lineage(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    upstream: { type: 'boolean', default: false },
    downstream: { type: 'boolean', default: false },
    depth: { type: 'string' },
    explain: { type: 'boolean', default: false },
    format: { type: 'string', default: 'text' },
    root: { type: 'string' },
    governance: { type: 'string' },
  });
  const format = oneOf(values.format, ['text', 'json', 'mermaid', 'dot', 'openlineage'], '--format') as LineageOptions['format'];
  if (positionals.length > 1) fail('lineage takes at most one node id');
  if (values.upstream && values.downstream) fail('use --upstream or --downstream, not both');
  const depth = values.depth === undefined ? Infinity : Number(values.depth);
  if (!(depth === Infinity || (Number.isInteger(depth) && depth >= 0))) fail(`--depth takes a whole number, not '${String(values.depth)}'`);
  const root = path.resolve((values.root as string | undefined) ?? '.');
  if (!existsSync(root)) fail(`no such folder: ${root}`);
  const direction = values.upstream ? 'upstream' : values.downstream ? 'downstream' : 'both';
  const r = await runLineage(engine, { root, id: positionals[0], direction, depth, format, explain: values.explain === true, governance: values.governance as string | undefined });
  if (!r.ok) fail(r.message);
  process.stdout.write(r.output);
  return EXIT.clean;
}

export function exitCodeFor(result: CheckResult, failOn: Severity | 'none'): number {
  if (failOn === 'none') return EXIT.clean;
  return result.findings.some((f) => !f.waiver && severityRank(f.severity) <= severityRank(failOn)) ? EXIT.findings : EXIT.clean;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  useMaskKeyFromEnvironment();
  try {
    switch (command) {
      case 'check':
        return await check(rest);
      case 'waivers':
        return await waivers(rest);
      case 'lineage':
        return await lineage(rest);
      case 'lsp':
        if (!rest.includes('--stdio')) fail('lsp needs --stdio');
        startServer(createConnection(ProposedFeatures.all, process.stdin, process.stdout));
        return -1; // The server runs until the client says exit.
      case '--version':
      case '-v':
        process.stdout.write(packageVersion() + '\n');
        return EXIT.clean;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        process.stdout.write(HELP);
        return command === undefined ? EXIT.usage : EXIT.clean;
      default:
        fail(`unknown command '${command}'`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`crownguard: ${maskText(err.message)}\nRun 'crownguard --help' for usage.\n`);
      return EXIT.usage;
    }
    throw err;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code >= 0) process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`crownguard: internal error: ${maskText(err instanceof Error ? err.message : String(err))}\n`);
      process.exitCode = EXIT.internal;
    },
  );
}
