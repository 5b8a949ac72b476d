import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import governanceSchema from '../../schemas/governance.schema.json';
import { LANGUAGES } from '../../server/src/core/languages/registry';
import { DOCUMENT_LANGUAGES, DVC_FILE_PATTERN, WATCHED_FILES } from '../../shared/watched-files';
import { REPO } from '../support/paths';

interface ExtensionManifest {
  readonly activationEvents: readonly string[];
  readonly contributes: {
    readonly codeActions: readonly { readonly languages: readonly string[] }[];
    readonly languages: readonly { readonly id: string; readonly filenamePatterns?: readonly string[] }[];
  };
}

const manifest = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as ExtensionManifest;

/** The extensions a `**\/*.{a,b,c}` glob matches, with their dots. */
function globExtensions(glob: string): Set<string> {
  const m = /^\*\*\/\*\.\{([^}]+)\}$/.exec(glob);
  assert.ok(m, `the watched-files glob is no longer of the form **/*.{...}: ${glob}`);
  return new Set(m[1].split(',').map((e) => `.${e}`));
}

// Each language lives in its adapter; everything outside the core that must know the language
// (the schema, the watcher, the client's selector, the extension manifest) is checked against it.
describe('language adapters are the one list of languages', () => {
  it('names every redaction language of the governance schema, and no other', () => {
    const targets = Object.keys(governanceSchema.properties.redaction.properties).sort();
    assert.deepEqual(targets, [...LANGUAGES.map((a) => a.id), 'templates'].sort());
  });

  it('has each redaction stand-in among the adapters', () => {
    const ids = new Set(LANGUAGES.map((a) => a.id));
    for (const a of LANGUAGES) if (a.redactionFallback) assert.ok(ids.has(a.redactionFallback), a.id);
  });

  it('gives no extension to two adapters', () => {
    const all = LANGUAGES.flatMap((a) => a.extensions);
    assert.deepEqual(all, [...new Set(all)]);
  });

  it("has every adapter's extensions watched by the client and the server", () => {
    const watched = globExtensions(WATCHED_FILES);
    for (const a of LANGUAGES)
      for (const e of a.extensions) assert.ok(watched.has(e), `${a.id}: ${e} is missing from WATCHED_FILES`);
  });

  it("has every adapter's language ids in the client's document selector", () => {
    for (const a of LANGUAGES)
      for (const id of a.languageIds)
        assert.ok(DOCUMENT_LANGUAGES.includes(id), `${a.id}: ${id} is missing from DOCUMENT_LANGUAGES`);
  });

  it("has every adapter's language ids in package.json's activation events and code actions", () => {
    const codeActions = new Set(manifest.contributes.codeActions.flatMap((c) => c.languages));
    for (const a of LANGUAGES)
      for (const id of a.languageIds) {
        assert.ok(manifest.activationEvents.includes(`onLanguage:${id}`), `${a.id}: onLanguage:${id} is missing`);
        assert.ok(codeActions.has(id), `${a.id}: ${id} is missing from contributes.codeActions`);
      }
  });

  // VS Code answers a `workspaceContains:` pattern with a search of the whole workspace, which
  // runs while the window and the server start and slows both; a plain name is one file lookup.
  it('activates at start-up by names at a folder root, never by a workspace search', () => {
    const contains = manifest.activationEvents
      .filter((e) => e.startsWith('workspaceContains:'))
      .map((e) => e.slice('workspaceContains:'.length));
    assert.deepEqual([...contains].sort(), ['governance.yaml', 'governance.yml']);
    for (const name of contains) assert.doesNotMatch(name, /[*?{}[\]/\\]/, `workspaceContains:${name} needs a search`);
    // The notebook cells the client selects activate it too.
    assert.ok(manifest.activationEvents.includes('onNotebook:jupyter-notebook'));
  });

  // VS Code knows no language for `.dvc` files: without the manifest's pattern they open as plain
  // text, which the selector's languages do not take.
  it('makes `.dvc` files a selected language, and selects and watches them by name too', () => {
    const ids = manifest.contributes.languages.filter((l) => l.filenamePatterns?.includes('*.dvc')).map((l) => l.id);
    assert.deepEqual(ids, ['yaml']);
    assert.ok(DOCUMENT_LANGUAGES.includes('yaml'));
    assert.equal(DVC_FILE_PATTERN, '**/*.dvc');
    assert.ok(globExtensions(WATCHED_FILES).has('.dvc'));
  });

  it('activates on, and selects, the same documents', () => {
    const activated = manifest.activationEvents.filter((e) => e.startsWith('onLanguage:')).map((e) => e.slice(11));
    assert.deepEqual([...activated].sort(), [...DOCUMENT_LANGUAGES].sort());
  });
});
