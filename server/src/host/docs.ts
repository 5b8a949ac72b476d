import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { rulePagePath } from '../core';

/**
 * The folder holding `docs/` and `package.json`: one level above the bundle in dist/, or the
 * repository root when running from compiled sources (out/server/src/host).
 */
let root: string | undefined;
export function packageRoot(): string {
  if (root) return root;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'docs'))) return (root = dir);
    if (path.dirname(dir) === dir) return (root = path.resolve(__dirname, '..'));
  }
}

/** Rule page URLs by rule id: every diagnostic carries one, and building a file URL is not free. */
const ruleDocUrls = new Map<string, string>();

/** The rule's page as shipped with the package, as a URL editors and SARIF viewers can open. */
export function ruleDocUrl(ruleId: string): string {
  let url = ruleDocUrls.get(ruleId);
  if (url === undefined)
    ruleDocUrls.set(ruleId, (url = pathToFileURL(path.join(packageRoot(), rulePagePath(ruleId))).href));
  return url;
}

/** The rule page's Markdown, for SARIF's `help`; empty if the page is missing. */
export function ruleDocText(ruleId: string): string {
  try {
    return readFileSync(path.join(packageRoot(), rulePagePath(ruleId)), 'utf8');
  } catch {
    return '';
  }
}

export function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

/**
 * The `producer` of exported lineage events, a URI as the OpenLineage schema requires. With a
 * `repository.url` in package.json it is that repository at this version's tag; CrownGuard's
 * package names none, so it is the package's own purl with its version
 * (`pkg:npm/crownguard@0.1.0`): stable, ours, and pointing at no host we do not own.
 */
export function producerUri(): string {
  const version = packageVersion();
  try {
    const pkg = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as {
      name?: string;
      repository?: string | { url?: string };
    };
    const url = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
    if (url && /^https:\/\//.test(url)) return `${url.replace(/^git\+/, '').replace(/\.git$/, '')}/tree/v${version}`;
    return `pkg:npm/${pkg.name ?? 'crownguard'}@${version}`;
  } catch {
    return `pkg:npm/crownguard@${version}`;
  }
}
