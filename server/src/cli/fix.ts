import { lstatSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { applyEdits, combineFixes } from '../core';
import { realFolder } from '../host/confine';
import type { CheckResult } from './check';

/**
 * `check --fix`: applies each file's safe fixes (the same ones "fix all" applies in the editor)
 * and writes the file through a temporary file and a rename, so an interrupted run never
 * leaves a half-written file behind. A file is written where it really is (a link stays a
 * link), and only when that is inside a checked root: never outside the workspace.
 */
export function applySafeFixes(result: CheckResult, cwd: string): { files: number; findings: number } {
  const byFile = new Map<string, typeof result.findings>();
  for (const f of result.findings) {
    const list = byFile.get(f.path);
    if (list) list.push(f);
    else byFile.set(f.path, [f]);
  }
  const roots = result.roots.flatMap((r) => realFolder(r) ?? []);
  const inside = (real: string) =>
    roots.some((r) => real === r || real.startsWith(r.endsWith(path.sep) ? r : r + path.sep));
  let files = 0;
  let findings = 0;
  for (const [file, list] of byFile) {
    const text = result.texts.get(file);
    const edits = combineFixes(list);
    if (text === undefined || edits.length === 0) continue;
    let target: string;
    try {
      target = realpathSync(path.resolve(cwd, file));
      if (!lstatSync(target).isFile()) continue;
    } catch {
      continue;
    }
    if (!inside(target)) continue;
    const temp = `${target}.crownguard-${process.pid}.tmp`;
    writeFileSync(temp, applyEdits(text, edits));
    renameSync(temp, target);
    files++;
    findings += list.filter((f) => !f.waiver && f.fixes.some((x) => x.preferred && x.safe)).length;
  }
  return { files, findings };
}
