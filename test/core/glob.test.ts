import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileGlob } from '../../server/src/core/sensitivity/glob';
import { testPathGlob } from '../../server/src/core/sensitivity/location';

/** The backtracking translation the matcher replaces: the meaning a glob must keep. */
function reference(pattern: string): RegExp {
  const glob = pattern.replace(/^\.\//, '');
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

describe('asset location globs', () => {
  it('match what the backtracking translation matched', () => {
    const globs = [
      's3://bucket/crm/**',
      './data/*.csv',
      'data/**/x?.json',
      '**',
      '*',
      'a/**/b',
      'a*b*c',
      '**/*.parquet',
      'a.b+(c)',
      'x/**/**/y',
      'a?',
      '',
    ];
    const paths = [
      's3://bucket/crm/',
      's3://bucket/crm/a/b.csv',
      'data/a.csv',
      'data/sub/a.csv',
      'data/x1.json',
      'data/p/q/x1.json',
      'a/b',
      'a/x/b',
      'a/xb',
      'ab',
      'aXbYc',
      'a/b/c',
      'aXb/c',
      'z.parquet',
      'd/z.parquet',
      'a.b+(c)',
      'aab+(c)',
      'x/y',
      'x/1/2/y',
      'a/',
      'a\nb',
      '',
      '/',
    ];
    for (const g of globs) {
      const mine = compileGlob(g);
      const theirs = reference(g);
      for (const p of paths)
        assert.equal(mine.test(p), theirs.test(p), `${JSON.stringify(g)} against ${JSON.stringify(p)}`);
    }
  });

  it('match in linear time however many stars a glob has', () => {
    const glob = compileGlob(`s3://b/${'**/'.repeat(30)}${'*a'.repeat(30)}x`);
    const path = `s3://b/${'a/'.repeat(2500)}${'a'.repeat(5000)}y`;
    const started = performance.now();
    assert.equal(glob.test(path), false);
    // Backtracking takes longer than the age of the universe here; linear matching well under a second.
    assert.ok(performance.now() - started < 5000);
  });
});

describe("the governance manifest's test-data globs", () => {
  it('match a path or a folder above it, and a glob without a slash at any depth', () => {
    const cases: [string, string, boolean][] = [
      ['tests', 'tests/a.py', true],
      ['tests', 'src/tests/a.py', true],
      ['tests', 'tests', true],
      ['tests', 'contests/a.py', false],
      ['**/fixtures/**', 'a/fixtures/b.py', true],
      ['data/*.jsonl', 'data/x.jsonl', true],
      ['data/*.jsonl', 'data/sub/x.jsonl', false],
      ['*.test.py', 'a/b.test.py', true],
      ['./src/qa', 'src/qa/x.py', true],
      ['src/qa', 'x/src/qa/x.py', false],
    ];
    for (const [glob, path, expected] of cases)
      assert.equal(testPathGlob(glob).test(path), expected, `${glob} on ${path}`);
  });

  it('run without backtracking: thirty `**` against a long path answer at once', () => {
    const glob = testPathGlob(`a/${'**/'.repeat(30)}x`);
    const path = `a/${Array.from({ length: 200 }, (_, i) => `d${i}`).join('/')}/y`;
    const started = Date.now();
    assert.equal(glob.test(path), false);
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
  });
});
