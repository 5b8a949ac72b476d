import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EXAMPLES } from './paths';

/** A fresh copy of examples/ in a temporary folder, so tests may edit it freely. */
export function copyOfExamples(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'crownguard-test-'));
  cpSync(EXAMPLES, dir, { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes `files` (relative path -> text) under `dir`, making the folders they need. */
export function writeFiles(dir: string, files: Readonly<Record<string, string>>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
}

/** A hash of every file's path and content under `dir`, to prove a test changed nothing. */
export function hashTree(dir: string): string {
  const h = createHash('sha256');
  const visit = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) visit(p);
      else h.update(path.relative(dir, p)).update('\0').update(readFileSync(p)).update('\0');
    }
  };
  visit(dir);
  return h.digest('hex');
}
