import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { DEFAULT_SETTINGS, type Engine, type SourceFile } from '../../server/src/core';
import { engine } from '../support/engine';
import { assertExpectations } from '../support/expectations';
import { FIXTURES } from '../support/paths';

/** Fixtures are checked on a fixed day, so waiver expiry does not depend on the calendar. */
const SETTINGS = { ...DEFAULT_SETTINGS, today: '2026-11-28' };

/** Files below `dir`, as paths relative to it. */
function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? listFiles(path.join(dir, d.name), `${prefix}${d.name}/`) : [`${prefix}${d.name}`],
  );
}

let e: Engine;
before(async () => {
  e = await engine();
});

function read(dir: string, name: string): SourceFile {
  return { path: `${dir}/${name}`, text: readFileSync(path.join(FIXTURES, dir, name), 'utf8') };
}

/** Every file of a fixture folder is checked against its inline expectations. */
function fixtureFolder(dir: string): void {
  describe(`fixtures in test/fixtures/${dir}`, () => {
    const names = listFiles(path.join(FIXTURES, dir)).filter((n) => n !== 'governance.yaml');
    for (const name of names) {
      it(name, () => {
        const files = listFiles(path.join(FIXTURES, dir))
          .filter((n) => n === 'governance.yaml' || n === name)
          .map((n) => read(dir, n));
        const result = e.analyze(files, SETTINGS);
        const file = files.find((f) => f.path.endsWith(name))!;
        assertExpectations(
          file.path,
          file.text,
          result.findings.filter((f) => f.path === file.path),
        );
      });
    }
  });
}

fixtureFolder('cg101');
fixtureFolder('cg101-default');
fixtureFolder('sinks');
fixtureFolder('literals');
fixtureFolder('prompts');
fixtureFolder('waivers');
fixtureFolder('records');
fixtureFolder('flow');
fixtureFolder('flow-custom');

/** A folder analysed as one workspace (cross-file checks need every file); each file's expectations hold. */
function workspaceFolder(dir: string): void {
  describe(`workspace fixture test/fixtures/${dir}`, () => {
    it('every file matches its inline expectations', () => {
      const files = listFiles(path.join(FIXTURES, dir)).map((n) => read(dir, n));
      const result = e.analyze(files, SETTINGS);
      for (const file of files)
        assertExpectations(
          file.path,
          file.text,
          result.findings.filter((f) => f.path === file.path),
        );
    });
  });
}

workspaceFolder('workspace-manifests');
workspaceFolder('workspace-policies');
workspaceFolder('workspace-formats');
workspaceFolder('workspace-hub');
workspaceFolder('lineage-cycle');
workspaceFolder('workspace-domains');
workspaceFolder('flow-imports');

describe('fixtures in test/fixtures/manifests', () => {
  for (const name of listFiles(path.join(FIXTURES, 'manifests'))) {
    it(name, () => {
      const file = read('manifests', name);
      const result = e.governance(file);
      assertExpectations(file.path, file.text, result.findings);
    });
  }
});
