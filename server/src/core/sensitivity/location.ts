import { compileGlob, type Glob } from './glob';
/**
 * What kind of file a path is, by the conventions projects use: tests and their fixtures,
 * examples and demo data, documentation, and package metadata. Literal personal data in a test
 * or an example is almost always synthetic, and the e-mail addresses in package metadata are
 * published on purpose, so the literal rules weigh findings by where they are.
 */

export type FileRole = 'test' | 'example' | 'docs' | 'metadata' | 'source';

/** Folders whose files are tests or test data (pytest, jest, vitest, Go, Rust conventions). */
const TEST_DIRS = new Set([
  'test',
  'tests',
  '__tests__',
  'spec',
  'specs',
  'testing',
  'fixtures',
  '__fixtures__',
  'fixture',
  'testdata',
  'test_data',
  'test-data',
  '__mocks__',
  'mocks',
  'e2e',
  'benchmarks',
  'bench',
]);
const TEST_FILES =
  /^(test_.*\.py|.*_test\.(py|go|rs)|conftest\.py|.*\.(test|spec|e2e|int\.test|unit\.test)\.[cm]?[jt]sx?|.*\.test-d\.ts)$/i;
const EXAMPLE_DIRS = new Set([
  'examples',
  'example',
  'demo',
  'demos',
  'samples',
  'sample',
  'cookbook',
  'cookbooks',
  'tutorials',
  'tutorial',
  'notebooks',
  'recipes',
  'playground',
]);
const EXAMPLE_FILES = /(^|[_.-])(demo|example|examples|sample|samples|mock|dummy|toy)([_.-]|$)/i;
const DOCS_DIRS = new Set(['docs', 'doc', 'documentation', 'website', 'site']);
const DOCS_FILES = /\.(md|mdx|rst|adoc|txt|ipynb)$|^(readme|changelog|changes|history|contributing|faq)(\.|$)/i;
/** Files that name the project's authors and maintainers on purpose. */
const METADATA_FILES =
  /^(pyproject\.toml|setup\.py|setup\.cfg|package\.json|citation\.cff|codeowners|authors(\.\w+)?|maintainers(\.\w+)?|contributors(\.\w+)?|\.mailmap|notice(\.\w+)?|licen[cs]e(\.\w+)?|copying(\.\w+)?|cargo\.toml|[\w-]+\.gemspec|\.all-contributorsrc|funding\.yml|security\.md|code_of_conduct\.md)$/i;

/**
 * A test-data glob as written in the governance manifest (`**`, `*`, `?`). It matches a path or
 * any folder above it, and a glob without a slash matches at any depth, like a .gitignore line.
 * Globs come from the workspace, so they run on the non-backtracking matcher (see glob.ts).
 */
export function testPathGlob(glob: string): Glob {
  const g = glob.replace(/\\/g, '/').replace(/^\.\//, '');
  const itself = compileGlob(g);
  const below = compileGlob(`${g}/**`);
  const at = (path: string) => itself.test(path) || below.test(path);
  if (g.includes('/')) return { source: glob, test: at };
  // Without a slash: from the start of any segment.
  return {
    source: glob,
    test: (path) => at(path) || [...path.matchAll(/\//g)].some((m) => at(path.slice(m.index + 1))),
  };
}

/**
 * The role of the file at `path`. `testPaths` are the governance manifest's own globs for
 * test data, matched against the path relative to the manifest's folder when `root` is given.
 */
export function fileRole(path: string, testPaths: readonly Glob[] = [], root?: string): FileRole {
  let p = path.replace(/\\/g, '/').replace(/^file:\/\//, '');
  const base = root?.replace(/\\/g, '/').replace(/^file:\/\//, '');
  if (base && p.startsWith(base)) p = p.slice(base.length).replace(/^\/+/, '');
  const parts = p.split('/').filter((s) => s !== '' && s !== '.' && s !== '..');
  const name = parts[parts.length - 1] ?? '';
  const dirs = parts.slice(0, -1).map((d) => d.toLowerCase());
  if (testPaths.some((r) => r.test(parts.join('/')))) return 'test';
  if (METADATA_FILES.test(name)) return 'metadata';
  if (TEST_FILES.test(name) || dirs.some((d) => TEST_DIRS.has(d))) return 'test';
  if (dirs.some((d) => EXAMPLE_DIRS.has(d)) || EXAMPLE_FILES.test(name.replace(/\.[^.]+$/, ''))) return 'example';
  if (DOCS_FILES.test(name) || dirs.some((d) => DOCS_DIRS.has(d))) return 'docs';
  return 'source';
}
