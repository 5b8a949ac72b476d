import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { it } from 'node:test';
import { manifestKindOf } from '../../server/src/core';
import { engine } from '../support/engine';
import { EXAMPLES } from '../support/paths';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) =>
    statSync(path.join(dir, n)).isDirectory() ? files(path.join(dir, n)) : [path.join(dir, n)],
  );
}

it('the example manifests validate against their schemas and resolve every reference', async () => {
  const sources = files(EXAMPLES).map((p) => ({ path: path.relative(EXAMPLES, p), text: readFileSync(p, 'utf8') }));
  const kinds = sources
    .map((s) => (s.path === 'governance.yaml' ? 'governance' : manifestKindOf(s.path, s.text)))
    .filter(Boolean)
    .sort();
  assert.deepEqual(kinds, ['governance', 'model', 'pipeline']);
  const result = (await engine()).analyze(sources);
  assert.deepEqual(
    result.findings.filter((f) => /^CG00\d$/.test(f.ruleId)).map((f) => `${f.path} ${f.ruleId} ${f.message}`),
    [],
  );
  assert.equal(result.configurationBroken, false);
});
