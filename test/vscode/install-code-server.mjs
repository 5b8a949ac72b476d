#!/usr/bin/env node
// Installs code-server 4.100.3 (a real VS Code 1.100.3 workbench with a Node extension host)
// into .vscode-test/, the git-ignored cache the end-to-end tests run it from. Idempotent: a
// finished install is reused. It needs only the npm registry and a few Debian packages
// (ripgrep, libkrb5-dev, build-essential, python3); see docs/testing.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cache = path.join(root, '.vscode-test');
const prefix = path.join(cache, `code-server-${CODE_SERVER_VERSION}`);
const marker = path.join(prefix, '.installed');
const entry = path.join(prefix, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

if (existsSync(marker) && existsSync(entry)) {
  console.log(`code-server ${CODE_SERVER_VERSION} is installed in ${path.relative(root, prefix)}`);
  process.exit(0);
}

const rg = which('rg');
const missing = [
  !rg && 'ripgrep',
  !which('make') && 'build-essential',
  !which('python3') && 'python3',
  !existsSync('/usr/include/krb5.h') && !existsSync('/usr/include/gssapi/gssapi.h') && 'libkrb5-dev',
].filter(Boolean);
if (missing.length > 0) {
  console.error(
    `Installing code-server needs these Debian packages: ${missing.join(' ')} (apt-get install -y ${missing.join(' ')}).`,
  );
  process.exit(1);
}

rmSync(prefix, { recursive: true, force: true });
const tmp = path.join(cache, 'tmp');
mkdirSync(tmp, { recursive: true });
mkdirSync(prefix, { recursive: true });
writeFileSync(path.join(prefix, 'package.json'), JSON.stringify({ name: 'code-server-cache', private: true }, null, 2));

// code-server's bundled @vscode/ripgrep downloads rg from GitHub in its postinstall, looking
// first in its download cache: put Debian's rg there so the install never leaves the registry.
const rgCache = path.join(tmp, 'vscode-ripgrep-cache-1.15.11');
mkdirSync(rgCache, { recursive: true });
execFileSync('tar', [
  'czf',
  path.join(rgCache, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz'),
  '-C',
  path.dirname(rg),
  path.basename(rg),
]);

const env = {
  ...process.env,
  TMPDIR: tmp,
  // Its postinstall refuses to run as root otherwise.
  npm_config_unsafe_perm: 'true',
  // Node's headers are installed with Node; otherwise node-gyp downloads them.
  npm_config_nodedir: process.env.npm_config_nodedir || '/usr',
  // A postinstall step runs `npx node-gyp`.
  npm_config_yes: 'true',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
};
console.log(
  `Installing code-server ${CODE_SERVER_VERSION} into ${path.relative(root, prefix)} (a few minutes on a fresh machine)...`,
);
const started = Date.now();
const r = spawnSync(
  'npm',
  ['install', '--no-save', '--no-package-lock', '--loglevel=error', `code-server@${CODE_SERVER_VERSION}`],
  { cwd: prefix, env, stdio: 'inherit' },
);
if (r.status !== 0 || !existsSync(entry)) {
  console.error(`Installing code-server failed (npm exit ${r.status}).`);
  process.exit(1);
}
// The workbench's search needs rg where the package expects it.
const rgBin = path.join(
  prefix,
  'node_modules',
  'code-server',
  'lib',
  'vscode',
  'node_modules',
  '@vscode',
  'ripgrep',
  'bin',
  'rg',
);
if (!existsSync(rgBin)) console.warn(`note: ${path.relative(root, rgBin)} is missing; workspace search will not work`);
const version = JSON.parse(
  readFileSync(path.join(prefix, 'node_modules', 'code-server', 'package.json'), 'utf8'),
).version;
writeFileSync(marker, `${version}\n`);
console.log(`code-server ${version} installed in ${Math.round((Date.now() - started) / 1000)} s`);
