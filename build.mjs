// Bundles the extension client, the language server and the CLI with esbuild, and copies the
// tree-sitter WASM files they load next to the bundles.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
mkdirSync('dist', { recursive: true });

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // Node 20: newer targets make esbuild emit APIs (e.g. Uint8Array.fromBase64) it lacks.
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // The WASM lookup's require.resolve fallback only runs from unbundled sources (tests).
  logOverride: { 'require-resolve-not-external': 'silent' },
};

await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js' }),
  build({
    ...common,
    entryPoints: ['server/src/cli/main.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
  }),
  build({ ...common, entryPoints: ['server/src/cli/worker.ts'], outfile: 'dist/worker.js' }),
  // The lineage graph webview runs in the editor's browser sandbox: no Node, no module loader.
  build({
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    entryPoints: ['client/webview/graph.ts'],
    outfile: 'dist/lineage-view.js',
  }),
]);
copyFileSync('client/webview/graph.css', 'dist/lineage-view.css');

/**
 * The grammars the language adapters name, read from the core itself, so that a new adapter's
 * grammar ships without anyone remembering to list it here.
 */
async function adapterGrammars() {
  const probe = await build({
    ...common,
    sourcemap: false,
    minify: false,
    write: false,
    stdin: {
      contents: `const { ADAPTERS } = require('./server/src/core/engine');
module.exports = [...new Set(ADAPTERS.flatMap((a) => a.grammars))];`,
      resolveDir: '.',
      loader: 'ts',
    },
  });
  const mod = { exports: {} };
  new Function('module', 'exports', 'require', probe.outputFiles[0].text)(mod, mod.exports, require);
  return mod.exports;
}

const wasm = [
  [path.dirname(require.resolve('web-tree-sitter/web-tree-sitter.wasm')), 'web-tree-sitter.wasm'],
  ...(await adapterGrammars()).map((g) => [
    path.join(path.dirname(require.resolve('@vscode/tree-sitter-wasm/package.json')), 'wasm'),
    `tree-sitter-${g}.wasm`,
  ]),
];
for (const [dir, file] of wasm) copyFileSync(path.join(dir, file), path.join('dist', file));
