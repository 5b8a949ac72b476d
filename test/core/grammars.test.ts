import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Engine, type WasmLoader } from '../../server/src/core';
import { LANGUAGES } from '../../server/src/core/languages/registry';
import { loadWasm } from '../../server/src/host/wasm';
import { EXAMPLES, REPO } from '../support/paths';

/** The real loader, recording which WASM files were asked for. */
function recording(): { load: WasmLoader; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    load: (name) => {
      asked.push(name);
      return loadWasm(name);
    },
  };
}

describe('grammars load on demand', () => {
  const governanceText = readFileSync(path.join(EXAMPLES, 'governance.yaml'), 'utf8');
  const python = readFileSync(path.join(EXAMPLES, 'src', 'prepare_data.py'), 'utf8');

  it('starting the engine compiles no grammar; a Python file compiles only the Python one', async () => {
    const { load, asked } = recording();
    const engine = await Engine.create(load);
    assert.deepEqual(asked, ['web-tree-sitter.wasm']);
    const { governance } = engine.governance({ path: 'governance.yaml', text: governanceText });
    const result = engine.analyzeFile({ path: 'src/prepare_data.py', text: python }, governance);
    assert.ok(result.findings.length > 0, 'the example file has findings, so it was parsed');
    assert.deepEqual(asked, ['web-tree-sitter.wasm', 'tree-sitter-python.wasm']);
    // A second file of the same language reuses the compiled grammar.
    engine.analyzeFile({ path: 'src/again.py', text: python }, governance);
    assert.equal(asked.length, 2);
  });

  it('a TypeScript file compiles its grammar the first time one is parsed', async () => {
    const { load, asked } = recording();
    const engine = await Engine.create(load);
    const { governance } = engine.governance({ path: 'governance.yaml', text: governanceText });
    const ts =
      'declare const logger: { info(m: unknown): void };\nexport function f(customer: { ssn: string }) {\n  logger.info(customer.ssn);\n}\n';
    const result = engine.analyzeFile({ path: 'src/leak.ts', text: ts }, governance);
    assert.ok(
      result.findings.some((f) => f.ruleId.startsWith('CG1')),
      'the leak is found',
    );
    assert.deepEqual(asked, ['web-tree-sitter.wasm', 'tree-sitter-typescript.wasm']);
  });
});

it("every language adapter's grammar is shipped next to the bundles", () => {
  const grammars = [...new Set(LANGUAGES.flatMap((a) => a.grammars))];
  assert.ok(grammars.length >= 4);
  const missing = grammars.filter((g) => !existsSync(path.join(REPO, 'dist', `tree-sitter-${g}.wasm`)));
  assert.deepEqual(missing, [], 'build.mjs copies every grammar an adapter names into dist/');
});
