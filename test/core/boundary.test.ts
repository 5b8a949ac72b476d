import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { it } from 'node:test';
import { REPO } from '../support/paths';

const CORE = path.join(REPO, 'server', 'src', 'core');
/** The core analyses text it is given: no editor, no protocol, no disk, no network, no processes. */
const FORBIDDEN = /^(vscode|vscode-languageserver.*|vscode-languageclient.*|vscode-jsonrpc|(node:)?(fs|fs\/promises|child_process|net|http|https|http2|dgram|dns|tls|worker_threads|cluster|vm))$/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

it('the analysis core imports nothing from the editor, the protocol or the operating system', () => {
  const offenders: string[] = [];
  for (const file of sources(CORE)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from\s+|require\(\s*|import\s*\(\s*)['"]([^'"]+)['"]/g)) {
      if (FORBIDDEN.test(m[1])) offenders.push(`${path.relative(REPO, file)} imports ${m[1]}`);
    }
  }
  assert.ok(sources(CORE).length > 10, 'the core sources were not found');
  assert.deepEqual(offenders, []);
});
