import { renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { applyEdits, combineFixes } from '../core';
import type { CheckResult } from './check';

/**
 * `check --fix`: applies each file's safe fixes (the same ones "fix all" applies in the editor)
 * and writes the file through a temporary file and a rename, so an interrupted run never
 * leaves a half-written file behind.
 */
export function applySafeFixes(result: CheckResult, cwd: string): { files: number; findings: number } {
  const byFile = new Map<string, typeof result.findings>();
  for (const f of result.findings) {
    const list = byFile.get(f.path);
    if (list) list.push(f);
    else byFile.set(f.path, [f]);
  }
  let files = 0;
  let findings = 0;
  for (const [file, list] of byFile) {
    const text = result.texts.get(file);
    const edits = combineFixes(list);
    if (text === undefined || edits.length === 0) continue;
    const target = path.resolve(cwd, file);
    const temp = `${target}.crownguard-${process.pid}.tmp`;
    writeFileSync(temp, applyEdits(text, edits));
    renameSync(temp, target);
    files++;
    findings += list.filter((f) => !f.waiver && f.fixes.some((x) => x.preferred && x.safe)).length;
  }
  return { files, findings };
}
