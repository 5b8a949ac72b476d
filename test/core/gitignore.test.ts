import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import ignore from 'ignore';
import { IgnoreRules } from '../../server/src/host/gitignore';

/** Ordinary patterns, one ignore file each: the meaning the matcher must keep. */
const PATTERNS = [
  '*.log',
  'build/',
  '/build',
  '/build/',
  'doc/*.txt',
  'doc/**/*.pdf',
  '**/logs',
  '**/logs/debug.log',
  'logs/**',
  'a/**/b',
  '**',
  '/**',
  '*',
  'foo?',
  'foo*',
  '*foo',
  'f*o*o',
  '[abc].py',
  '[!a]*.md',
  '[^a]*.md',
  '[a-c]x',
  '[[:digit:]]*.csv',
  '[]a]x',
  '[abc',
  '\\#file',
  '\\!keep',
  '\\*star',
  'a\\?b',
  '# a comment',
  '',
  '   ',
  'trailing   ',
  'space\\ ',
  'Secret.TXT',
  'src/gen',
  'src/gen/',
  'src/*/x.py',
  'src/**',
  '**/*.py',
  'a**b',
  '***/x',
  '*.log\n!keep.log',
  'logs/\n!logs/keep.log',
  'logs/*\n!logs/keep.log',
  'build\n!build/',
  '*.py\n!src/**/*.py',
  '/*\n!/src\n/src/*\n!/src/keep',
  'doc/\n!doc/',
  'x\n\n# c\n!x',
  '\uFEFF*.md',
  // Patterns compared as plain strings: a name, a folder from the top, one star.
  'Node_Modules',
  '/Dist/Types',
  'BUILD*',
  '*.LOG',
  'x*.log',
  'é*.log',
];

const PATHS = [
  'a.log',
  'x/a.log',
  'x/y/a.log',
  'keep.log',
  'logs/keep.log',
  'logs/debug.log',
  'x/logs/debug.log',
  'logs/',
  'x/logs/',
  'build',
  'build/',
  'build/out.js',
  'x/build/',
  'x/build/out.js',
  'doc/a.txt',
  'doc/x/a.txt',
  'doc/a.pdf',
  'doc/x/y/a.pdf',
  'doc/',
  'a/b',
  'a/x/b',
  'a/x/y/b',
  'a/b/',
  'ab',
  'a/xb',
  'foo',
  'foo1',
  'foo12',
  'xfoo',
  'x/foo',
  'fxoxo',
  'a.py',
  'b.py',
  'd.py',
  'src/a.py',
  'src/x/a.py',
  'src/x/x.py',
  'src/gen',
  'src/gen/',
  'src/gen/a.py',
  'src/keep',
  'src/other',
  'other',
  'readme.md',
  'areadme.md',
  'bx',
  'dx',
  '1.csv',
  'a.csv',
  ']x',
  'ax',
  '[abc',
  '#file',
  '!keep',
  '*star',
  'xstar',
  'a?b',
  'axb',
  'trailing',
  'space ',
  'space',
  'secret.txt',
  'x/Secret.TXT',
  'x',
  'x/',
  'y/x',
  'aab',
  'a/c/b',
  'q/r/s/t.md',
  'node_modules/a.js',
  'x/NODE_MODULES/a.js',
  'dist/types/a.d.ts',
  'x/dist/types',
  'dist/typesx',
  'Build.log',
  'xa.log',
  'x.log',
  'x/X.LOG',
  'é/a.log',
  'x/éa.log',
  'éa.log',
  'É/BUILD1/z',
];

describe('ignore files: conformance with the `ignore` package on ordinary patterns', () => {
  it('agrees on every pattern and path of the grid', () => {
    const disagreements: string[] = [];
    let compared = 0;
    let ignored = 0;
    for (const pattern of PATTERNS) {
      const ours = new IgnoreRules().add(pattern);
      const theirs = ignore().add(pattern);
      for (const p of PATHS) {
        compared++;
        const want = theirs.ignores(p);
        if (want) ignored++;
        if (ours.ignores(p) !== want) disagreements.push(`${JSON.stringify(pattern)} ${p}: ignore says ${want}`);
      }
    }
    assert.deepEqual(disagreements, []);
    assert.equal(compared, PATTERNS.length * PATHS.length);
    // The grid is only a comparison if both answers are common in it.
    assert.ok(ignored > 300 && compared - ignored > 300, `${ignored} of ${compared} ignored`);
  });
});

describe('ignore files: hostile patterns are matched in linear time', () => {
  const deep = Array.from({ length: 40 }, (_, i) => `d${i}`).join('/');
  const hostile = [
    `a/${'**/'.repeat(30)}x`,
    `${'**/'.repeat(40)}z`,
    `${'*a'.repeat(30)}*b`,
    `${'?*'.repeat(40)}q`,
    `a/${'**/*a*/'.repeat(20)}x`,
  ];
  for (const pattern of hostile) {
    it(`${pattern.slice(0, 40)}… against long paths`, () => {
      const rules = new IgnoreRules().add(pattern);
      const started = performance.now();
      for (const p of [`a/${deep}/y`, `${'a'.repeat(2000)}`, `a/${'a/'.repeat(200)}c`, `${deep}/${'a'.repeat(300)}c`])
        rules.ignores(p);
      const ms = performance.now() - started;
      assert.ok(ms < 500, `took ${ms.toFixed(0)} ms`);
    });
  }

  it('still matches what the hostile pattern means', () => {
    assert.equal(new IgnoreRules().add(`a/${'**/'.repeat(30)}x`).ignores(`a/${deep}/x`), true);
    assert.equal(new IgnoreRules().add(`a/${'**/'.repeat(30)}x`).ignores(`a/${deep}/y`), false);
    assert.equal(new IgnoreRules().add(`${'*a'.repeat(10)}*b`).ignores(`${'xa'.repeat(10)}b`), true);
    assert.equal(new IgnoreRules().add(`${'*a'.repeat(10)}*b`).ignores(`${'xa'.repeat(9)}b`), false);
  });
});
