import * as path from 'node:path';

/** The repository root, from the compiled test's location (out/test/...). */
export const REPO = path.resolve(__dirname, '..', '..', '..');
export const FIXTURES = path.join(REPO, 'test', 'fixtures');
export const EXAMPLES = path.join(REPO, 'examples');
export const CLI = path.join(REPO, 'dist', 'cli.js');
export const SERVER = path.join(REPO, 'dist', 'server.js');
