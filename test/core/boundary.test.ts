import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as ts from 'typescript';
import { REPO } from '../support/paths';

const CORE = path.join(REPO, 'server', 'src', 'core');
const CORE_TSCONFIG = path.join(CORE, 'tsconfig.json');
/** Packages the core may never import, whatever the compiler lets through. */
const FORBIDDEN_PACKAGE = /^(vscode|vscode-languageserver.*|vscode-languageclient.*|vscode-jsonrpc)$/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/**
 * Compiles the core as its own project (server/src/core/tsconfig.json: no Node types, rootDir is
 * the core), with `extra` files added in memory, and returns the errors.
 */
function compileCore(extra: Record<string, string> = {}): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    CORE_TSCONFIG,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')),
    },
  );
  assert.ok(config, 'the core tsconfig could not be read');
  const host = ts.createCompilerHost(config.options);
  const virtual = new Map(Object.entries(extra).map(([rel, text]) => [path.join(CORE, rel), text]));
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) => {
    const text = virtual.get(path.resolve(name));
    return text !== undefined ? ts.createSourceFile(name, text, lang) : getSourceFile(name, lang, ...rest);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => virtual.has(path.resolve(name)) || fileExists(name);
  const program = ts.createProgram({
    rootNames: [...config.fileNames, ...virtual.keys()],
    options: config.options,
    host,
  });
  return ts
    .getPreEmitDiagnostics(program)
    .map(
      (d) =>
        `${d.file ? path.relative(REPO, d.file.fileName) : ''} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`,
    );
}

/** Files added in memory to prove that the compiler enforces the boundary: each must fail. */
const PROBES: Record<string, string> = {
  'probe-node.ts': "import { readFileSync } from 'node:fs'; export const probe = readFileSync;",
  'probe-host.ts': "import * as host from '../host/read'; export const probe = host;",
  'probe-lsp.ts': "import * as lsp from '../lsp/convert'; export const probe = lsp;",
  'probe-cli.ts': "import * as cli from '../cli/check'; export const probe = cli;",
};

describe('the analysis core is pure: no editor, protocol, disk, network or processes', () => {
  // One compilation (the slow part) serves both checks below.
  const errors = compileCore(PROBES);
  const inProbes = (e: string) => Object.keys(PROBES).some((p) => e.startsWith(path.join('server', 'src', 'core', p)));

  it('compiles as its own project, without Node types', () => {
    // A probe's import drags the imported file in; its errors are the probe's, not the core's.
    assert.deepEqual(
      errors.filter((e) => e.startsWith(path.join('server', 'src', 'core')) && !inProbes(e)),
      [],
    );
  });

  for (const probe of Object.keys(PROBES)) {
    it(`${probe}: an import of ${PROBES[probe].match(/from '([^']+)'/)![1]} is a compile error`, () => {
      const own = errors.filter(
        (e) => e.startsWith(path.join('server', 'src', 'core', probe)) && /TS(2307|6059)/.test(e),
      );
      assert.ok(own.length > 0, `no compile error for ${probe}: ${errors.join('\n') || 'none at all'}`);
    });
  }

  it('imports no editor or protocol package, and no relative path out of the core', () => {
    const offenders: string[] = [];
    const files = sources(CORE);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from\s+|require\(\s*|import\s*\(\s*)['"]([^'"]+)['"]/g)) {
        const spec = m[1];
        // The published JSON Schemas are data the core reads, not code.
        const target = path.resolve(path.dirname(file), spec);
        const data = path.dirname(target) === path.join(REPO, 'schemas') && spec.endsWith('.schema.json');
        const escapes = spec.startsWith('.') && path.relative(CORE, target).startsWith('..') && !data;
        if (FORBIDDEN_PACKAGE.test(spec) || escapes) offenders.push(`${path.relative(REPO, file)} imports ${spec}`);
      }
    }
    assert.ok(files.length > 10, 'the core sources were not found');
    assert.deepEqual(offenders, []);
  });
});
