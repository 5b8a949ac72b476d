import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { seededRandom, type Engine } from '../../server/src/core';
import { ANNOTATION_MARKER } from '../../server/src/core/annotation-marker';
import { BUILTIN_NAMES } from '../../server/src/core/sensitivity/builtin';
import { Catalog, nameAnchor, namesPattern } from '../../server/src/core/sensitivity/catalog';
import { LITERAL_ANCHORS, scanLiterals } from '../../server/src/core/sensitivity/literals';
import { anchoredPrefilter } from '../../server/src/core/sensitivity/prefilter';
import { splitWords } from '../../server/src/core/sensitivity/words';
import { sampleSets } from '../quality/samples';
import { EXAMPLES } from '../support/paths';
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

describe('the prefilter tries at a position only the names that can start there', () => {
  // The plain form of the same test: one alternative per name, each word in its three
  // spellings, the first after a non-letter (lower case) or a non-capital (capitals).
  const spelt = (w: string) => `(?:${w}|${w[0].toUpperCase()}${w.slice(1)}|${w.toUpperCase()})`;
  const flat = (words: readonly string[]) => {
    const first = `(?:(?<![A-Za-z])${words[0]}|${words[0][0].toUpperCase()}${words[0].slice(1)}|(?<![A-Z])${words[0].toUpperCase()})`;
    const later = words.slice(1).map(spelt);
    const glued = [first, ...later].join('[_.-]{0,2}');
    if (later.length === 0) return glued;
    const length = words.reduce((n, w) => n + w.length, words.length - 1);
    const spaced = `${[first, ...later].join(' ')}(?:(?<=["'\`][\\w .-]{0,40}[^]{${length}})|(?=[\\w .-]{0,40}["'\`]))`;
    return `(?:${glued}|${spaced})`;
  };
  // The built-in names, and names a manifest may declare: digits, one letter, a shared first word.
  const names = [
    ...BUILTIN_NAMES.map((b) => b.words),
    ['2fa', 'code'],
    ['x'],
    ['account', 'id'],
    ['date', 'of', 'birth', 'place'],
  ];
  const grouped = new RegExp(namesPattern(names).join('|'));
  const plain = new RegExp(names.map(flat).join('|'));

  it('matches exactly the texts the plain alternation matches (20,000 generated texts)', () => {
    const r = seededRandom(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
    const words = [...new Set(names.flat()), 'less', 'setting', 'tokens', 'Key', 'idx', 'my'];
    const glue = ['', '', '_', '__', '___', '.', '-', ' ', '  ', ', ', ': ', '{', '"', "'", '`', '\n', 'a', 'Z', '9'];
    const spell = (w: string) =>
      pick([w, w.toUpperCase(), w[0].toUpperCase() + w.slice(1), w.slice(0, -1), w + pick(['s', 'S', '_'])]);
    let matched = 0;
    for (let n = 0; n < 20_000; n++) {
      let text = '';
      const parts = 1 + Math.floor(r() * 6);
      for (let i = 0; i < parts; i++) text += pick(glue) + spell(pick(words));
      text += pick(glue);
      assert.equal(grouped.test(text), plain.test(text), JSON.stringify(text));
      if (plain.test(text)) matched++;
    }
    // Both answers must be common, or the comparison says little.
    assert.ok(matched > 4_000 && matched < 16_000, `${matched} of 20,000 matched`);
  });
});

describe('the prefilter finds its anchors and answers exactly what its expression does', () => {
  // A manifest that uses every kind of alternative: fields of several words whose longest word
  // is not the first, a one-letter field, a record type, asset locations and flow sources.
  const MANIFEST = `apiVersion: crownguard/v1
kind: Governance
assets:
  - id: customers
    tier: restricted
    fields: [ssn, date_of_birth_place, card_holder_name, x, code_2fa]
    records: [CustomerProfile]
    locations: ["s3://acme-pii/customers/*", "data/raw/Émile/*"]
sensitiveIdentifiers:
  - name: tax_id
    category: government-id
    tier: restricted
flow:
  sources:
    - call: crm.fetch_person
      field: ssn
    - attribute: vault.master_secret
      field: ssn
tiers:
  - id: internal
  - id: restricted
    crownJewel: true
`;
  const r = seededRandom(11);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const words = [
    ...new Set(BUILTIN_NAMES.flatMap((b) => b.words)),
    'date',
    'of',
    'birth',
    'place',
    'card',
    'holder',
    'name',
    'x',
    '2fa',
    'code',
    'customer',
    'profile',
    'fetch_person',
    'master_secret',
    's3://acme-pii/cust',
    'data/raw/Émile',
    'getpass',
    'process.env',
    'os.environ',
    'user.name',
    'owner.displayName',
    'setting',
    'less',
    'tokens',
  ];
  const glue = ['', '', '_', '__', '___', '.', '-', ' ', '  ', ', ', '"', "'", '`', '\n', 'a', 'Z', '9', 'é', '😀'];
  const spell = (w: string) =>
    pick([w, w.toUpperCase(), w[0].toUpperCase() + w.slice(1), w.slice(0, -1), w.slice(1), w + pick(['s', '_'])]);
  const generated = (from: readonly string[]) =>
    Array.from({ length: 20_000 }, () => {
      let text = '';
      const parts = 1 + Math.floor(r() * 7);
      for (let i = 0; i < parts; i++) text += pick(glue) + spell(pick(from));
      return text + pick(glue);
    });
  const texts = generated(words);

  it('under the built-in names and under a manifest of every kind of alternative (20,000 texts each)', () => {
    const manifest = e.governance({ path: 'governance.yaml', text: MANIFEST });
    assert.deepEqual(manifest.findings, []);
    for (const governance of [e.governance(undefined).governance, manifest.governance]) {
      const c = new Catalog(governance);
      const expression = c.prefilterExpression;
      let matched = 0;
      for (const text of texts) {
        const expected = expression.test(text);
        assert.equal(c.prefilter.test(text), expected, JSON.stringify(text));
        if (expected) matched++;
      }
      assert.ok(matched > 4_000 && matched < 16_000, `${matched} of 20,000 matched`);
      // The texts joined into one: the scan goes on past the anchors the expression turns down.
      const joined = texts.slice(0, 300).join(' ; ');
      assert.equal(c.prefilter.test(joined), expression.test(joined));
      assert.equal(c.prefilter.test('def f(id, token): pass\n'.repeat(500)), false);
    }
  });

  it("one pass over a file gives the prefilter's answer and the secret detectors' anchors (20,000 texts each)", () => {
    // The texts mix the names with the detectors' anchors and real secrets (the detectors' own
    // samples), in every case, glued as above.
    const secrets = sampleSets()
      .filter((s) => s.rule === 'CG201')
      .flatMap((s) => s.samples.filter((x) => x.positive).map((x) => x.text));
    // The annotation marker as written and in other cases, which the automaton also stops at.
    const anchorsOf = [...LITERAL_ANCHORS, ANNOTATION_MARKER].flatMap((a) => [a, a.toUpperCase()]);
    const mixed = generated([...words, ...anchorsOf, ...secrets.slice(0, 40)]);
    const asciiFold = (t: string) => t.replace(/[A-Z]/g, (c) => c.toLowerCase());
    const manifest = e.governance({ path: 'governance.yaml', text: MANIFEST }).governance;
    let held = 0;
    let found = 0;
    let annotated = 0;
    for (const governance of [e.governance(undefined).governance, manifest]) {
      const c = new Catalog(governance);
      const expression = c.prefilterExpression;
      for (const text of mixed) {
        const pass = c.firstPass(text);
        assert.equal(pass.named, expression.test(text), JSON.stringify(text));
        assert.ok(pass.holds, 'the pass looked for the anchors');
        const folded = asciiFold(text);
        // The anchors are ASCII: held exactly where the text, ASCII letters folded, holds them.
        assert.deepEqual(
          [...pass.holds],
          LITERAL_ANCHORS.map((a) => Number(folded.includes(a))),
          JSON.stringify(text),
        );
        assert.equal(pass.annotated, text.includes(ANNOTATION_MARKER), JSON.stringify(text));
        annotated += Number(pass.annotated);
        held += pass.holds.reduce((n, h) => n + h, 0);
        // What the literal scan finds with the pass's anchors is what it finds looking itself.
        const own = scanLiterals(text, ['secret']);
        assert.deepEqual(scanLiterals(text, ['secret'], { anchorsHeld: pass.holds }), own, JSON.stringify(text));
        found += own.length;
      }
    }
    // A prefilter built without other texts says it did not look for them, rather than that none is held.
    const alone = anchoredPrefilter(namesPattern([['ssn']]).join('|'), [nameAnchor(['ssn'])]);
    assert.deepEqual(alone.firstPass('ghp_ ssn'), { named: true, holds: undefined });
    assert.ok(held > 40_000 && found > 4_000, `${held} anchors held, ${found} secrets found`);
    assert.ok(annotated > 200, `${annotated} texts annotated`);
  });

  it('a name is found from its longest word wherever that word is (the comparison can fail)', () => {
    const names = [['date', 'of', 'birth'], ['card', 'holder', 'name'], ['id', 'token'], ['ssn']];
    const source = namesPattern(names).join('|');
    const expression = new RegExp(source);
    const anchored = anchoredPrefilter(source, names.map(nameAnchor));
    // Anchors that forget the glue a later word may follow: names glued with separators are missed.
    const careless = anchoredPrefilter(
      source,
      names.map((n) => ({ ...nameAnchor(n), max: nameAnchor(n).min })),
    );
    let missed = 0;
    for (const text of generated([...names.flat(), 'less', 'setting'])) {
      assert.equal(anchored.test(text), expression.test(text), JSON.stringify(text));
      if (careless.test(text) !== expression.test(text)) missed++;
    }
    assert.ok(missed > 10, `the careless anchors missed ${missed} texts`);
    assert.equal(anchored.test('x = row["Date Of Birth"]'), true);
    assert.equal(anchored.test('card__holder__name = 1'), true);
    assert.equal(careless.test('card__holder__name = 1'), false);
  });

  it("where an anchor carries the alternatives holding it, only those are tried there, and the answer is the expression's", () => {
    // `token` is the longest word of both `id token` and `api token`: one expression for the two.
    const names = [['id', 'token'], ['api', 'token'], ['ssn'], ['date', 'of', 'birth']];
    const source = namesPattern(names).join('|');
    const expression = new RegExp(source);
    const sourceOf = (text: string) => namesPattern(names.filter((n) => nameAnchor(n).text === text)).join('|');
    const anchored = anchoredPrefilter(
      source,
      names.map((n) => ({ ...nameAnchor(n), source: sourceOf(nameAnchor(n).text) })),
    );
    // Expressions that leave out a name holding their anchor (`token` tried as `id token` only): `api token` is missed.
    const firstHolding = (text: string) => names.find((n) => nameAnchor(n).text === text)!;
    const careless = anchoredPrefilter(
      source,
      names.map((n) => ({ ...nameAnchor(n), source: namesPattern([firstHolding(nameAnchor(n).text)]).join('|') })),
    );
    let missed = 0;
    for (const text of generated([...names.flat(), 'less', 'setting'])) {
      assert.equal(anchored.test(text), expression.test(text), JSON.stringify(text));
      assert.equal(anchored.firstPass(text).named, expression.test(text), JSON.stringify(text));
      if (careless.test(text) !== expression.test(text)) missed++;
    }
    assert.ok(missed > 10, `the careless expressions missed ${missed} texts`);
  });
});

describe('what the catalog classifies, the prefilter lets through', () => {
  // The scan skips the files the prefilter stops. A name the catalog classifies but the
  // prefilter does not read as a name would be a finding only in files admitted for something
  // else: `cv_c` (the words of `cvc` cut in two), `api_ key` (two separators), `SsN`.
  const r = seededRandom(23);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const cases: ((w: string) => string)[] = [
    (w) => w,
    (w) => w,
    (w) => w[0].toUpperCase() + w.slice(1),
    (w) => w.toUpperCase(),
    (w) => [...w].map((c) => (r() < 0.5 ? c.toUpperCase() : c)).join(''),
  ];
  const glue = ['', '', '_', '_', '-', '.', '__', ' ', '_ ', ' _', '  ', '-_', ':', '/'];
  /** A spelling of a name's words: each in some case, some cut in two, with glue between and maybe words around. */
  const spelling = (words: readonly string[]): string => {
    const pieces = words.flatMap((w) => {
      if (w.length < 2 || r() > 0.15) return [w];
      const at = 1 + Math.floor(r() * (w.length - 1));
      return [w.slice(0, at), w.slice(at)];
    });
    if (r() < 0.3) pieces.unshift(pick(['customer', 'my', 'user', 'x', 'raw']));
    if (r() < 0.2) pieces.push(pick(['value', 'str', 'v2', 'list']));
    return pieces.map((p) => pick(cases)(p)).reduce((name, p, i) => (i === 0 ? p : name + pick(glue) + p));
  };

  it("on 60,000 generated spellings of the built-in names and of a manifest's fields", () => {
    const manifest = e.governance({
      path: 'governance.yaml',
      text: readFileSync(path.join(EXAMPLES, 'governance.yaml'), 'utf8'),
    });
    assert.deepEqual(manifest.findings, []);
    for (const governance of [e.governance(undefined).governance, manifest.governance]) {
      const c = new Catalog(governance);
      const names = [
        ...BUILTIN_NAMES.map((b) => b.words),
        ...governance.assets.flatMap((a) => a.fields.map((f) => splitWords(f))),
        ...governance.identifiers.map((i) => splitWords(i.name)),
      ];
      let classified = 0;
      for (let i = 0; i < 30_000; i++) {
        const name = spelling(pick(names));
        if (!c.classify(name)) continue;
        classified++;
        // Between quotes, as a key is written: words with a space between are a name only there.
        assert.ok(c.prefilter.test(`"${name}"`), `${JSON.stringify(name)} is classified but the prefilter stops it`);
      }
      assert.ok(classified > 5_000, `${classified} of 30,000 classified`);
    }
  });

  it('names it cannot read as one are not classified; their plain spellings are', () => {
    for (const name of ['cv_c', 'api_ key', 'SsN', 'date of_ birth'])
      assert.equal(catalog.classify(name), undefined, name);
    for (const name of ['cvc', 'api_key', 'apiKey', 'SSN', 'userSsn', 'creditCard', 'cardnumber', 'date of birth'])
      assert.ok(catalog.classify(name), name);
  });
});
