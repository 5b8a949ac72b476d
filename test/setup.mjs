#!/usr/bin/env node
// Prepares this machine for `npm test`: the Debian packages the tests run (Neovim, headless
// Chromium, ripgrep, and what code-server's native modules build with) and code-server itself.
// Everything else the tests use ships in npm packages. As root with apt-get, it installs what is
// missing; otherwise it stops before any test runs, naming every missing piece and the one
// command that installs them. `--check` only reports.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the tests need from the system, as Debian packages, each with how to tell it is there. */
export const PIECES = [
  { pkg: 'neovim', why: 'the editor test runs the server in Neovim', present: (p) => p.command('nvim') },
  {
    pkg: 'chromium',
    why: 'the real-VS-Code tests drive the workbench in headless Chromium',
    present: (p) => (p.env.CROWNGUARD_CHROMIUM ? p.file(p.env.CROWNGUARD_CHROMIUM) : p.command('chromium')),
  },
  { pkg: 'ripgrep', why: "code-server's search, and the repository-scan benchmark", present: (p) => p.command('rg') },
  {
    pkg: 'libkrb5-dev',
    why: "code-server's native modules build against it",
    present: (p) => p.file('/usr/include/krb5.h') || p.file('/usr/include/gssapi/gssapi.h'),
  },
  {
    pkg: 'build-essential',
    why: "code-server's native modules are compiled",
    present: (p) => p.command('make') && (p.command('g++') || p.command('c++')),
  },
  { pkg: 'python3', why: 'node-gyp runs it to build native modules', present: (p) => p.command('python3') },
];

/**
 * What to do on a machine as `probe` sees it: install the missing packages (root with apt-get),
 * or stop with a message naming each missing piece and the command that installs them.
 */
export function plan(probe) {
  const missing = PIECES.filter((piece) => !piece.present(probe));
  if (missing.length === 0) return { action: 'ready', missing: [] };
  const pkgs = missing.map((m) => m.pkg);
  if (probe.root && probe.command('apt-get') && !probe.checkOnly) return { action: 'install', missing: pkgs };
  const command = `${probe.root ? '' : 'sudo '}apt-get install -y ${pkgs.join(' ')}`;
  const lines = [
    `npm test needs ${pkgs.length === 1 ? 'a Debian package that is' : `${pkgs.length} Debian packages that are`} not installed:`,
    ...missing.map((m) => `  ${m.pkg.padEnd(16)} ${m.why}`),
    `Install ${pkgs.length === 1 ? 'it' : 'them'} with:`,
    `  ${command}`,
    'then run npm test again (it installs code-server itself, from the npm registry).',
  ];
  return { action: 'stop', missing: pkgs, message: lines.join('\n') + '\n', command };
}

function systemProbe(checkOnly) {
  return {
    env: process.env,
    root: typeof process.getuid === 'function' && process.getuid() === 0,
    checkOnly,
    command: (name) => spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0,
    file: (p) => existsSync(p),
  };
}

function run(cmd, args, env = process.env) {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  if (r.status !== 0) {
    console.error(`test set-up: '${cmd} ${args.join(' ')}' failed (exit ${r.status})`);
    process.exit(1);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const checkOnly = process.argv.includes('--check');
  const p = plan(systemProbe(checkOnly));
  if (p.action === 'stop') {
    process.stderr.write(p.message);
    process.exit(1);
  }
  if (p.action === 'install') {
    console.log(`test set-up: installing ${p.missing.join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    run('apt-get', ['update', '-qq'], env);
    run('apt-get', ['install', '-y', '-qq', ...p.missing], env);
    const still = plan(systemProbe(true));
    if (still.action !== 'ready') {
      process.stderr.write(still.message);
      process.exit(1);
    }
  }
  if (!checkOnly) {
    // code-server (a real VS Code) for the real-editor tests: from the npm registry, once.
    run(process.execPath, [
      path.join(path.dirname(fileURLToPath(import.meta.url)), 'vscode', 'install-code-server.mjs'),
    ]);
  }
}
