import { parseArgs } from 'node:util';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { Engine, severityRank, type Severity } from '../core';
import { packageVersion } from '../host/docs';
import { loadWasm } from '../host/wasm';
import { startServer } from '../lsp/server';
import { runCheck, type CheckResult } from './check';
import { applySafeFixes } from './fix';
import { formatJson } from './formats/json';
import { Regions } from './formats/location';
import { formatSarif } from './formats/sarif';
import { formatText } from './formats/text';

/** Exit codes: the contract CI scripts rely on. */
export const EXIT = { clean: 0, findings: 1, usage: 2, internal: 3 } as const;

const HELP = `Usage: crownguard <command> [options]

Commands:
  check [paths...]   Check files and folders (default: the current folder)
  lsp --stdio        Run the language server on stdin/stdout, for any LSP editor

Options for check:
  --format text|json|sarif          Output format (default: text)
  --fail-on error|warning|note|none Lowest severity that makes the exit code 1 (default: warning)
  --governance FILE                 Governance manifest to use instead of the nearest governance.yaml
  --fix                             Apply every safe fix (redaction wraps, manifest renames), then report what is left
  --no-inline-waivers               Ignore waivers written in files: report what they would waive

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage or configuration
error; 3 internal error.
`;

class UsageError extends Error {}

function fail(message: string): never {
  throw new UsageError(message);
}

async function check(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'text' },
        'fail-on': { type: 'string', default: 'warning' },
        governance: { type: 'string' },
        fix: { type: 'boolean', default: false },
        'no-inline-waivers': { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    fail((err as Error).message);
  }
  const { values, positionals } = parsed;
  const format = values.format as string;
  if (!['text', 'json', 'sarif'].includes(format)) fail(`unknown --format '${format}'; use text, json or sarif`);
  const failOn = values['fail-on'] as string;
  if (!['error', 'warning', 'note', 'none'].includes(failOn)) fail(`unknown --fail-on '${failOn}'; use error, warning, note or none`);

  const started = Date.now();
  const cwd = process.cwd();
  const engine = await Engine.create(loadWasm);
  const settings = { enable: true, governanceManifest: (values.governance as string | undefined) ?? '', inlineWaivers: !values['no-inline-waivers'] };
  let result = runCheck(engine, positionals, cwd, settings);
  if (result.missing.length) fail(`no such file or folder: ${result.missing.join(', ')}`);
  if (values.fix) {
    const fixed = applySafeFixes(result, cwd);
    if (fixed.files > 0) {
      process.stderr.write(`crownguard: fixed ${fixed.findings} finding${fixed.findings === 1 ? '' : 's'} in ${fixed.files} file${fixed.files === 1 ? '' : 's'}\n`);
      result = runCheck(engine, positionals, cwd, settings);
    }
  }

  const regions = new Regions((p) => result.texts.get(p));
  const out =
    format === 'json' ? formatJson(result, regions, packageVersion())
    : format === 'sarif' ? formatSarif(result, regions, packageVersion(), cwd)
    : formatText(result, regions, Date.now() - started);
  process.stdout.write(out);
  if (format === 'text') for (const n of result.notes) process.stderr.write(`${n.path}: note: ${n.message}\n`);

  if (result.brokenManifests.length) {
    const first = result.findings.find((f) => result.brokenManifests.includes(f.path) && f.severity === 'error');
    const where = first ? `${first.path}:${regions.of(first).startLine}` : result.brokenManifests[0];
    process.stderr.write(`crownguard: configuration error: ${where}: ${first?.message ?? 'the governance manifest is invalid'}\n`);
    return EXIT.usage;
  }
  return exitCodeFor(result, failOn as Severity | 'none');
}

export function exitCodeFor(result: CheckResult, failOn: Severity | 'none'): number {
  if (failOn === 'none') return EXIT.clean;
  return result.findings.some((f) => !f.waiver && severityRank(f.severity) <= severityRank(failOn)) ? EXIT.findings : EXIT.clean;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'check':
        return await check(rest);
      case 'lsp': {
        if (!rest.includes('--stdio')) fail('lsp needs --stdio');
        startServer(createConnection(ProposedFeatures.all, process.stdin, process.stdout));
        return -1; // The server runs until the client says exit.
      }
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
      process.stderr.write(`crownguard: ${err.message}\nRun 'crownguard --help' for usage.\n`);
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
      process.stderr.write(`crownguard: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = EXIT.internal;
    },
  );
}
