import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import type { Engine, SourceFile } from '../../server/src/core';
import { engine } from '../support/engine';
import { assertExpectations } from '../support/expectations';
import { FIXTURES } from '../support/paths';

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
    const names = readdirSync(path.join(FIXTURES, dir)).filter((n) => n.endsWith('.py'));
    for (const name of names) {
      it(name, () => {
        const files = readdirSync(path.join(FIXTURES, dir))
          .filter((n) => n === 'governance.yaml' || n === name)
          .map((n) => read(dir, n));
        const result = e.analyze(files);
        const file = files.find((f) => f.path.endsWith(name))!;
        assertExpectations(file.path, file.text, result.findings.filter((f) => f.path === file.path));
      });
    }
  });
}

fixtureFolder('cg101');
fixtureFolder('cg101-default');

describe('fixtures in test/fixtures/manifests', () => {
  for (const name of readdirSync(path.join(FIXTURES, 'manifests'))) {
    it(name, () => {
      const file = read('manifests', name);
      const result = e.governance(file);
      assertExpectations(file.path, file.text, result.findings);
    });
  }
});
