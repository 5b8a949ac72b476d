import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { type Engine } from '../../server/src/core';
import { Catalog } from '../../server/src/core/sensitivity/catalog';
import { engine } from '../support/engine';

// The prefilter decides which code is parsed and walked at all: a text it lets through costs a
// parse, one it stops costs nothing. It may let through more than the analysers report, never
// a name they would classify.
let e: Engine;
let catalog: Catalog;
before(async () => {
  e = await engine();
  catalog = new Catalog(e.governance(undefined).governance);
});

describe('the prefilter reads a name as code spells it', () => {
  const passes = [
    'id_token',
    'idToken',
    'IdToken',
    'ID_TOKEN',
    'idtoken',
    'id-token',
    'id__token',
    'self.api_key',
    'getApiKey()',
    'record.ssn',
    'USER_SSN = 1',
    'row["Date of Birth"]',
    'row.get("date of birth")',
    `{'customer date of birth': x}`,
    'headers["X-Api-Key"]',
  ];
  for (const text of passes)
    it(`passes ${JSON.stringify(text)}`, () => assert.equal(catalog.prefilter.test(text), true));

  const stops = [
    // Two names side by side are not one name made of both.
    'def f(id, token):',
    'const session = {token};',
    'return session {token',
    'class A { private key: string; }',
    '  private key: Buffer',
    'api key',
    'access, key',
    // A word does not start inside another one.
    'settings = load()',
  ];
  for (const text of stops)
    it(`stops ${JSON.stringify(text)}`, () => assert.equal(catalog.prefilter.test(text), false));

  it('what it passes by name, the catalog classifies', () => {
    for (const name of ['id_token', 'idToken', 'ID_TOKEN', 'idtoken', 'id-token', 'Date of Birth'])
      assert.ok(catalog.classify(name), name);
  });

  it('a TypeScript class with a `private key` member and a `(id, token)` parameter list is not parsed for names', () => {
    const text =
      'export class Cache {\n  private key: string;\n  load(id, token) {\n    console.log(id, token);\n  }\n}\n';
    assert.equal(catalog.prefilter.test(text), false);
    assert.deepEqual(e.analyze([{ path: 'cache.ts', text }]).findings, []);
  });
});
