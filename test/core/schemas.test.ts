import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { it } from 'node:test';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { BUILTIN_POLICIES } from '../../server/src/core/policies/pack';
import { REPO } from '../support/paths';

it('the published schemas compile in ajv strict mode', () => {
  // Our one annotation keyword (the editor links paths by it) is declared, as any consumer in strict mode would.
  const strict = addFormats(new Ajv({ strict: true, allErrors: true })).addKeyword({
    keyword: 'x-crownguard-path',
    schemaType: 'string',
  });
  for (const file of readdirSync(path.join(REPO, 'schemas')))
    strict.compile(JSON.parse(readFileSync(path.join(REPO, 'schemas', file), 'utf8')));
});

it('the built-in policies compile in strict mode (fragments of a context, so without type annotations or property lists; unknown keywords still fail)', () => {
  const strict = addFormats(
    new Ajv({ strict: true, strictTypes: false, strictRequired: false, $data: true, allErrors: true }),
    { keywords: true },
  );
  for (const p of BUILTIN_POLICIES) {
    strict.compile(p.when);
    strict.compile(p.require);
  }
});
