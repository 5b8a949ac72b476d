import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { didYouMean, Engine, maskId, maskText, plainText, severityRank, type Severity } from '../core';
import { packageVersion } from '../host/docs';
import { loadWasm } from '../host/wasm';
import { useMaskKeyFromEnvironment } from '../host/mask-key';
import { startServer } from '../lsp/server';
import { applyBaseline, readBaseline, writeBaseline } from './baseline';
import { runCheck, type CheckResult } from './check';
import { formatScanProfile, threadClock } from './profile';
import { runExplain } from './explain';
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

/** One option of a command: what it takes, and the line of help that says so. */
interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** The placeholder shown in help for a string option's value. */
  readonly value?: string;
  readonly default?: string | boolean;
  readonly help: string;
}

interface CommandSpec {
  readonly usage: string;
  readonly summary: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly epilogue?: string;
}

/** Every command's options and help, in one table: the parser and the help text both read it. */
const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  check: {
    usage: 'check [paths...]',
    summary: 'Check files and folders (default: the current folder)',
    options: {
      format: { type: 'string', value: 'text|json|sarif', default: 'text', help: 'Output format (default: text)' },
      'fail-on': {
        type: 'string',
        value: 'error|warning|note|none',
        default: 'warning',
        help: 'Lowest severity that makes the exit code 1 (default: warning)',
      },
      governance: {
        type: 'string',
        value: 'FILE',
        help: 'Governance manifest to use instead of the nearest governance.yaml',
      },
      fix: {
        type: 'boolean',
        default: false,
        help: 'Apply every safe fix (redaction wraps, manifest renames), then report what is left',
      },
      'no-inline-waivers': {
        type: 'boolean',
        default: false,
        help: 'Ignore waivers written in files: report what they would waive',
      },
      baseline: {
        type: 'string',
        value: 'FILE',
        help: 'Report and fail only on findings that are not in this baseline',
      },
      'write-baseline': { type: 'string', value: 'FILE', help: "Record today's findings as the baseline, and exit 0" },
      'changed-since': {
        type: 'string',
        value: 'REF',
        help: 'Check only files changed since the git ref (manifests are always read)',
      },
      jobs: {
        type: 'string',
        value: 'N',
        help: 'Threads to check with, this one included (default: the number of cores)',
      },
      verbose: {
        type: 'boolean',
        default: false,
        help: 'List on stderr every file passed over (empty files are otherwise only counted)',
      },
      'profile-scan': {
        type: 'boolean',
        default: false,
        help: 'Print on stderr where the check spent its time (start-up, listing, files, output)',
      },
    },
    epilogue:
      'Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage or configuration\nerror (a missing or broken governance manifest); 3 internal error.',
  },
  waivers: {
    usage: 'waivers [paths...]',
    summary: 'List every waiver with its rule, policy, reason, expiry and place',
    options: {
      format: { type: 'string', value: 'text|json', default: 'text', help: 'Output format (default: text)' },
      jobs: {
        type: 'string',
        value: 'N',
        help: 'Threads to check with, this one included (default: the number of cores)',
      },
    },
    epilogue: 'Exit codes: 0 no waiver has expired; 1 a waiver has expired; 2 usage error.',
  },
  lineage: {
    usage: 'lineage [id]',
    summary: "The workspace's lineage graph, or one node's upstream and downstream",
    options: {
      upstream: { type: 'boolean', default: false, help: 'Only what the node derives from' },
      downstream: { type: 'boolean', default: false, help: 'Only what derives from the node' },
      depth: { type: 'string', value: 'N', help: 'At most N hops from the node' },
      explain: { type: 'boolean', default: false, help: 'Why the node has its tier: the chain back to a declaration' },
      format: {
        type: 'string',
        value: 'text|json|mermaid|dot|openlineage',
        default: 'text',
        help: 'Output format (default: text)',
      },
      root: { type: 'string', value: 'DIR', help: 'The workspace folder (default: the current folder)' },
      governance: {
        type: 'string',
        value: 'FILE',
        help: 'Governance manifest to use instead of the nearest governance.yaml',
      },
    },
    epilogue:
      'Exit codes: 0 done; 2 usage or configuration error (an unknown id, a missing or broken\ngovernance manifest); 3 internal error.',
  },
  explain: {
    usage: 'explain FILE',
    summary: 'What CrownGuard recognised in a fine-tuning config: format, method, datasets, pushes',
    options: {
      governance: {
        type: 'string',
        value: 'FILE',
        help: 'Governance manifest to use instead of the nearest governance.yaml',
      },
    },
    epilogue: 'Exit codes: 0 done; 2 usage error (no such file, or not a fine-tuning config).',
  },
  lsp: {
    usage: 'lsp --stdio',
    summary: 'Run the language server on stdin/stdout, for any LSP editor',
    options: {
      stdio: { type: 'boolean', default: false, help: 'Talk LSP over stdin and stdout (the only transport)' },
    },
  },
};

function optionLines(options: CommandSpec['options']): string[] {
  const rows = Object.entries(options).map(([name, o]) => [`--${name}${o.value ? ' ' + o.value : ''}`, o.help]);
  rows.push(['-h, --help', 'Show this help']);
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  return rows.map(([flag, help]) => `  ${flag.padEnd(width)}${help}`);
}

function commandHelp(name: string): string {
  const c = COMMANDS[name];
  return [
    `Usage: crownguard ${c.usage} [options]`,
    '',
    c.summary + '.',
    '',
    'Options:',
    ...optionLines(c.options),
    ...(c.epilogue ? ['', c.epilogue] : []),
    '',
  ].join('\n');
}

function generalHelp(): string {
  const width = Math.max(...Object.values(COMMANDS).map((c) => c.usage.length)) + 2;
  return [
    'Usage: crownguard <command> [options]',
    '',
    'Commands:',
    ...Object.values(COMMANDS).map((c) => `  ${c.usage.padEnd(width)}${c.summary}`),
    '',
    'Options:',
    "  -h, --help       Show this help; `crownguard <command> --help` shows a command's options",
    '  -V, --version    Show the version',
    '',
    'Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage or configuration',
    'error; 3 internal error.',
    '',
  ].join('\n');
}

class UsageError extends Error {}

function fail(message: string): never {
  throw new UsageError(message);
}

/** What the parser hands a command: option values by name (defaults filled in) and the rest. */
interface Parsed {
  readonly values: Record<string, string | boolean | undefined>;
  readonly positionals: string[];
}

/**
 * Parses a command's arguments against its table. Our own parser rather than util.parseArgs,
 * whose errors speak of Node's API (with unbalanced quotes) and never suggest the flag meant.
 */
function parse(command: string, args: readonly string[]): Parsed {
  const spec = COMMANDS[command].options;
  const values: Record<string, string | boolean | undefined> = {};
  for (const [name, o] of Object.entries(spec)) values[name] = o.default;
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const name = flag.replace(/^--?/, '');
    const o = flag.startsWith('--') ? spec[name] : undefined;
    if (!o) {
      const guess = didYouMean(name, Object.keys(spec));
      fail(`unknown option '${flag}' for '${command}'${guess ? ` (did you mean '--${guess}'?)` : ''}`);
    }
    if (o.type === 'boolean') {
      if (eq > 0) fail(`option '${flag}' takes no value`);
      values[name] = true;
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : args[i + 1];
    if (value === undefined || (eq < 0 && value.startsWith('--')))
      fail(`option '${flag}' needs a value: ${flag} ${o.value}`);
    if (eq < 0) i++;
    values[name] = value;
  }
  return { values, positionals };
}

function oneOf(value: unknown, allowed: string[], flag: string): string {
  if (typeof value !== 'string' || !allowed.includes(value)) {
    const guess = typeof value === 'string' ? didYouMean(value, allowed) : undefined;
    fail(`unknown ${flag} '${String(value)}'${guess ? ` (did you mean '${guess}'?)` : ''}; use ${allowed.join(', ')}`);
  }
  return value;
}

/** A file that exists, as opposed to a folder or nothing. */
function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

const engine = () => Engine.create(loadWasm);

async function check(args: string[], started: number): Promise<number> {
  const { values, positionals } = parse('check', args);
  const format = oneOf(values.format, ['text', 'json', 'sarif'], '--format');
  const failOn = oneOf(values['fail-on'], ['error', 'warning', 'note', 'none'], '--fail-on') as Severity | 'none';
  const jobs = values.jobs === undefined ? availableParallelism() : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1)
    fail(`--jobs takes a whole number of 1 or more, not '${String(values.jobs)}'`);

  const cwd = process.cwd();
  const governance = values.governance as string | undefined;
  if (governance !== undefined)
    requireGovernance(governance, [
      cwd,
      ...(positionals.length ? positionals : ['.']).map((p) => path.resolve(cwd, p)),
    ]);
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
  const settings = {
    enable: true,
    governanceManifest: (values.governance as string | undefined) ?? '',
    inlineWaivers: !values['no-inline-waivers'],
  };
  const profile = values['profile-scan'] === true;
  const options = { settings, jobs, only, onProgress: progressReporter(process.stderr), profile };
  let result = await runCheck(engine, positionals, cwd, options);
  if (result.missing.length) fail(`no such file or folder: ${result.missing.join(', ')}`);
  if (values.fix) {
    const fixed = applySafeFixes(result, cwd);
    if (fixed.files > 0) {
      process.stderr.write(
        `crownguard: fixed ${fixed.findings} finding${fixed.findings === 1 ? '' : 's'} in ${fixed.files} file${fixed.files === 1 ? '' : 's'}\n`,
      );
      result = await runCheck(engine, positionals, cwd, options);
    }
  }
  if (typeof values['write-baseline'] === 'string') {
    const n = writeBaseline(values['write-baseline'], result.findings);
    process.stderr.write(
      `crownguard: wrote ${n} finding${n === 1 ? '' : 's'} to the baseline ${values['write-baseline']}\n`,
    );
    return EXIT.clean;
  }
  let known = 0;
  if (baseline) {
    const split = applyBaseline(result.findings, baseline);
    known = split.known;
    result = { ...result, findings: split.fresh };
  }

  const output = profile ? threadClock() : 0;
  const regions = new Regions((p) => result.texts.get(p));
  const out =
    format === 'json'
      ? formatJson(result, regions, packageVersion())
      : format === 'sarif'
        ? formatSarif(result, regions, packageVersion(), cwd)
        : formatText(result, regions, performance.now() - started, known);
  process.stdout.write(out);
  if (result.profile)
    process.stderr.write(formatScanProfile(result.profile, threadClock() - output, process.cpuUsage()));
  if (format === 'text') {
    // An empty file (a package's __init__.py) is routine: the summary counts them, --verbose lists them.
    for (const n of result.notes)
      if (values.verbose || !isEmptyFileNote(n.message))
        process.stderr.write(`${maskId(n.path)}: note: ${plainText(maskText(n.message))}\n`);
  }

  if (result.brokenManifests.length) {
    const first = result.findings.find((f) => result.brokenManifests.includes(f.path) && f.severity === 'error');
    const where = maskId(first ? `${first.path}:${regions.of(first).startLine}` : result.brokenManifests[0]);
    const unchecked = first?.ruleId === 'CG001' ? ' (not YAML, so the files it governs were not checked)' : '';
    process.stderr.write(
      `crownguard: configuration error: ${where}: ${first ? plainText(first.message) : 'the governance manifest is invalid'}${unchecked}\n`,
    );
    return EXIT.usage;
  }
  return exitCodeFor(result, failOn);
}

async function waivers(args: string[]): Promise<number> {
  const { values, positionals } = parse('waivers', args);
  const format = oneOf(values.format, ['text', 'json'], '--format');
  const cwd = process.cwd();
  const today = new Date().toISOString().slice(0, 10);
  const result = await runCheck(engine, positionals, cwd, {
    jobs: values.jobs ? Number(values.jobs) : availableParallelism(),
  });
  if (result.missing.length) fail(`no such file or folder: ${result.missing.join(', ')}`);
  process.stdout.write(formatWaivers(result.waivers, format as 'text' | 'json', today));
  return result.waivers.some((w) => w.expires !== undefined && w.expires < today) ? EXIT.findings : EXIT.clean;
}

async function lineage(args: string[]): Promise<number> {
  const { values, positionals } = parse('lineage', args);
  const format = oneOf(
    values.format,
    ['text', 'json', 'mermaid', 'dot', 'openlineage'],
    '--format',
  ) as LineageOptions['format'];
  if (positionals.length > 1) fail('lineage takes at most one node id');
  if (values.upstream && values.downstream) fail('use --upstream or --downstream, not both');
  const depth = values.depth === undefined ? Infinity : Number(values.depth);
  if (!(depth === Infinity || (Number.isInteger(depth) && depth >= 0)))
    fail(`--depth takes a whole number, not '${String(values.depth)}'`);
  const root = path.resolve((values.root as string | undefined) ?? '.');
  if (!existsSync(root)) fail(`no such folder: ${root}`);
  const direction = values.upstream ? 'upstream' : values.downstream ? 'downstream' : 'both';
  let governance = values.governance as string | undefined;
  if (governance !== undefined) governance = requireGovernance(governance, [root, process.cwd()]);
  const r = await runLineage(engine, {
    root,
    id: positionals[0],
    direction,
    depth,
    format,
    explain: values.explain === true,
    governance,
  });
  if (!r.ok) fail(r.message);
  process.stdout.write(r.output);
  return EXIT.clean;
}

async function explain(args: string[]): Promise<number> {
  const { values, positionals } = parse('explain', args);
  if (positionals.length !== 1) fail('explain takes one file');
  const file = path.resolve(positionals[0]);
  if (!isFile(file)) fail(`no such file: ${positionals[0]}`);
  let governance = values.governance as string | undefined;
  if (governance !== undefined) governance = requireGovernance(governance, [process.cwd()]);
  const r = await runExplain(engine, file, governance);
  if (!r.ok) fail(r.message);
  process.stdout.write(r.output);
  return EXIT.clean;
}

/**
 * A `--governance` path that names no file is a usage error: running without the manifest
 * would quietly turn crown-jewel errors into warnings. It may be relative to any of `bases`
 * (the current folder, the checked paths or the lineage root, as the manifest is looked up);
 * the first that holds it wins, and is returned as an absolute path.
 */
function requireGovernance(file: string, bases: readonly string[]): string {
  for (const base of bases) {
    const abs = path.resolve(base, file);
    if (isFile(abs)) return abs;
  }
  fail(`no such governance manifest: ${file}`);
}

function isEmptyFileNote(message: string): boolean {
  return message === 'skipped: empty file';
}

export function exitCodeFor(result: CheckResult, failOn: Severity | 'none'): number {
  if (failOn === 'none') return EXIT.clean;
  return result.findings.some((f) => !f.waiver && severityRank(f.severity) <= severityRank(failOn))
    ? EXIT.findings
    : EXIT.clean;
}

const wantsHelp = (args: readonly string[]) => {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
};

/** `started` is when the process began (ms on the performance clock), so the summary's time is the whole command's. */
export async function main(argv: string[], started = 0): Promise<number> {
  const [command, ...rest] = argv;
  useMaskKeyFromEnvironment();
  try {
    if (command !== undefined && Object.hasOwn(COMMANDS, command) && wantsHelp(rest)) {
      process.stdout.write(commandHelp(command));
      return EXIT.clean;
    }
    switch (command) {
      case 'check':
        return await check(rest, started);
      case 'waivers':
        return await waivers(rest);
      case 'lineage':
        return await lineage(rest);
      case 'explain':
        return await explain(rest);
      case 'lsp':
        // Not parsed strictly: language clients may add their own flags (--clientProcessId=N).
        if (!rest.includes('--stdio')) fail('lsp needs --stdio');
        startServer(createConnection(ProposedFeatures.all, process.stdin, process.stdout));
        return -1; // The server runs until the client says exit.
      case '--version':
      case '-V':
      case '-v':
        process.stdout.write(packageVersion() + '\n');
        return EXIT.clean;
      case 'help':
        if (rest[0] !== undefined && Object.hasOwn(COMMANDS, rest[0])) {
          process.stdout.write(commandHelp(rest[0]));
          return EXIT.clean;
        }
        if (rest[0] !== undefined) fail(`unknown command '${rest[0]}'`);
        process.stdout.write(generalHelp());
        return EXIT.clean;
      case undefined:
      case '--help':
      case '-h':
        process.stdout.write(generalHelp());
        return command === undefined ? EXIT.usage : EXIT.clean;
      default: {
        const guess = command.startsWith('-')
          ? didYouMean(command.replace(/^-+/, ''), ['help', 'version'])
          : didYouMean(command, Object.keys(COMMANDS));
        fail(
          `unknown ${command.startsWith('-') ? 'option' : 'command'} '${command}'${guess ? ` (did you mean '${command.startsWith('-') ? '--' : ''}${guess}'?)` : ''}`,
        );
      }
    }
  } catch (err) {
    if (err instanceof UsageError) {
      const topic =
        command !== undefined && Object.hasOwn(COMMANDS, command)
          ? `crownguard ${command} --help`
          : 'crownguard --help';
      process.stderr.write(`crownguard: ${maskText(err.message)}\nRun '${topic}' for usage.\n`);
      return EXIT.usage;
    }
    throw err;
  }
}

/**
 * A reader that stops early (`crownguard lineage | head`) closes the pipe: that is the reader's
 * choice, not an error, so the command ends quietly instead of with an EPIPE stack trace.
 */
function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

if (require.main === module) {
  endQuietlyOnClosedPipe(process.stdout);
  endQuietlyOnClosedPipe(process.stderr);
  main(process.argv.slice(2), 0).then(
    (code) => {
      if (code >= 0) process.exitCode = code;
    },
    (err) => {
      process.stderr.write(
        `crownguard: internal error: ${maskText(err instanceof Error ? err.message : String(err))}\n`,
      );
      process.exitCode = EXIT.internal;
    },
  );
}
