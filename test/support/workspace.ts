import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EXAMPLES } from './paths';

/** A fresh copy of examples/ in a temporary folder, so tests may edit it freely. */
export function copyOfExamples(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'crownguard-test-'));
  cpSync(EXAMPLES, dir, { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
