import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import * as path from 'node:path';
import { gitBlobId } from '../host/read';

/**
 * Settings given to every git command, so that nothing configured in the checked-out
 * repository runs: no fsmonitor daemon, no hooks, no external diff, no pager. The commands
 * below are plumbing that never reads work-tree content either, so clean and process
 * filters, diff drivers and textconv (which .gitattributes in the tree would select) have
 * nothing to run on.
 */
export const GIT_SETTINGS = ['-c', 'core.fsmonitor=false', '-c', 'core.hooksPath=/dev/null', '-c', 'diff.external=', '-c', 'core.pager=cat'] as const;

function runGit(cwd: string, args: string[]): string {
  return execFileSync('git', ['--no-pager', ...GIT_SETTINGS, ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GIT_EXTERNAL_DIFF: '', GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' },
    maxBuffer: 256 * 1024 * 1024,
  });
}

function gitError(err: unknown): string {
  return String((err as { stderr?: string }).stderr ?? '').trim().split('\n')[0] || 'git failed';
}

/**
 * The files changed since `ref` (committed, staged, unstaged, and new untracked files), as
 * absolute paths. `ref` must name a commit; git is given its resolved id, never the text.
 *
 * git's own work-tree comparison (`git diff`) would run the repository's clean filters, so
 * this compares without it: the ref's blob ids (`ls-tree`) against ids hashed here from the
 * work-tree bytes. A file whose bytes differ from its blob only by a filter counts as
 * changed, which checks more, never less. Line endings converted on checkout (CRLF) are
 * recognised. Throws an Error with a one-line reason when `ref` is no commit or this is no
 * repository.
 */
export function changedFiles(cwd: string, ref: string): Set<string> {
  let top: string;
  let commit: string;
  let format: string;
  try {
    top = runGit(cwd, ['rev-parse', '--show-toplevel']).trim();
  } catch (err) {
    throw new Error(`--changed-since ${ref}: ${gitError(err)}`);
  }
  try {
    // --end-of-options: a ref that looks like an option (`--output=FILE`) is a ref, and an unknown one.
    commit = runGit(cwd, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]).trim();
    format = runGit(cwd, ['rev-parse', '--show-object-format']).trim();
  } catch {
    throw new Error(`--changed-since ${ref}: not a commit in this repository`);
  }
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commit)) throw new Error(`--changed-since ${ref}: not a commit in this repository`);
  let listed: string;
  let tree: string;
  try {
    listed = runGit(top, ['ls-files', '-z', '--full-name', '--cached', '--others', '--exclude-standard']);
    tree = runGit(top, ['ls-tree', '-r', '-l', '-z', '--full-tree', commit]);
  } catch (err) {
    throw new Error(`--changed-since ${ref}: ${gitError(err)}`);
  }
  const before = new Map<string, { id: string; size: number; link: boolean }>();
  for (const entry of tree.split('\0')) {
    // `<mode> SP <type> SP <id> SP+ <size> TAB <path>`
    const m = /^(\d+) (\w+) ([0-9a-f]+) +(\d+|-)\t(.*)$/s.exec(entry);
    if (m && m[2] === 'blob') before.set(m[5], { id: m[3], size: Number(m[4]), link: m[1] === '120000' });
  }
  const algorithm = format === 'sha256' ? 'sha256' : 'sha1';
  let topReal = top;
  try {
    topReal = realpathSync(top);
  } catch {
    // git named it, so it exists; keep git's spelling.
  }
  const changed = new Set<string>();
  for (const name of new Set(listed.split('\0').filter(Boolean))) {
    const abs = path.resolve(top, name);
    const old = before.get(name);
    if (!old || !sameContent(topReal, name, old, algorithm)) changed.add(abs);
  }
  return changed;
}

/** Whether the work tree still holds the blob `old` at `name`: hashed here, no git filter involved. */
function sameContent(topReal: string, name: string, old: { id: string; size: number; link: boolean }, algorithm: 'sha1' | 'sha256'): boolean {
  const id = gitBlobId(topReal, name, old.link, algorithm, old.size);
  return id !== undefined && (id.hash === old.id || id.crlf === old.id);
}
