import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { WasmLoader } from '../core';

/**
 * Finds the tree-sitter WASM files: next to the bundle when packaged (the build copies them
 * into dist/), otherwise in node_modules when running from compiled sources in tests.
 */
export const loadWasm: WasmLoader = (fileName) => {
  const beside = path.join(__dirname, fileName);
  if (existsSync(beside)) return readFileSync(beside);
  const found =
    fileName === 'web-tree-sitter.wasm'
      ? require.resolve('web-tree-sitter/web-tree-sitter.wasm')
      : path.join(path.dirname(require.resolve('@vscode/tree-sitter-wasm/package.json')), 'wasm', fileName);
  if (!existsSync(found)) throw new Error(`CrownGuard is missing ${fileName}; reinstall it`);
  return readFileSync(found);
};
