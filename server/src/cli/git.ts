import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

/**
 * The files changed since `ref` (committed, staged, unstaged, and new untracked files), as
 * absolute paths. git runs with the repository's own hooks, fsmonitor and external diff and
 * textconv drivers switched off, so nothing configured in the checked-out repository runs.
 * Throws an Error with git's one-line reason when `ref` is unknown or this is no repository.
 */
export function changedFiles(cwd: string, ref: string): Set<string> {
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'core.fsmonitor=false', '-c', 'core.hooksPath=/dev/null', '-c', 'diff.external=', ...args], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, GIT_EXTERNAL_DIFF: '', GIT_PAGER: 'cat' },
    });
  try {
    const top = git('rev-parse', '--show-toplevel').trim();
    const changed = git('diff', '--name-only', '--no-ext-diff', '--no-textconv', '-z', ref, '--').split('\0');
    const untracked = git('ls-files', '--others', '--exclude-standard', '-z').split('\0');
    // diff names paths from the repository's top; ls-files from the current folder.
    return new Set([...changed.filter(Boolean).map((p) => path.resolve(top, p)), ...untracked.filter(Boolean).map((p) => path.resolve(cwd, p))]);
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? '').trim().split('\n')[0];
    throw new Error(`--changed-since ${ref}: ${stderr || 'git failed'}`);
  }
}
