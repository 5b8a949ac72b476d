import { execFileSync } from 'node:child_process';
import { lstatSync, realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { gitBlobId, MAX_FILE_BYTES } from '../host/read';

/**
 * Settings given to every git command, so that nothing configured in the checked-out
 * repository runs: no fsmonitor daemon, no hooks, no external diff, no pager. The commands
 * below are plumbing that never reads work-tree content either, so clean and process
 * filters, diff drivers and textconv (which .gitattributes in the tree would select) have
 * nothing to run on.
 */
export const GIT_SETTINGS = [
  '-c',
  'core.fsmonitor=false',
  '-c',
  'core.hooksPath=/dev/null',
  '-c',
  'diff.external=',
  '-c',
  'core.pager=cat',
] as const;

function runGit(cwd: string, args: string[]): string {
  return execFileSync('git', ['--no-pager', ...GIT_SETTINGS, ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GIT_EXTERNAL_DIFF: '', GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' },
    maxBuffer: 1024 * 1024 * 1024,
  });
}

function gitError(err: unknown): string {
  return (
    String((err as { stderr?: string }).stderr ?? '')
      .trim()
      .split('\n')[0] || 'git failed'
  );
}

/** An index entry: its blob id, and the work-tree file's size and times when it was staged. */
interface IndexEntry {
  readonly id: string;
  readonly stage: string;
  readonly link: boolean;
  /** `ctime` and `mtime` as `seconds:nanoseconds`, and `size`, when git printed them. */
  readonly stat?: { ctime: string; mtime: string; size: string };
}

/** The value of `name: value` in a block of `--debug` lines, up to the next space. */
function debugField(block: string, name: string): string | undefined {
  const at = block.indexOf(` ${name}: `);
  if (at < 0) return undefined;
  const from = at + name.length + 3;
  let to = from;
  while (to < block.length && block.charCodeAt(to) > 32) to++;
  const value = block.slice(from, to);
  return /^\d+(:\d+)?$/.test(value) ? value : undefined;
}

/**
 * Parses `git ls-files -z -s --debug`: each entry `<mode> <id> <stage>\t<path>`, NUL, then its
 * cache data on lines that start with two spaces, before the next entry. Anything not
 * recognised leaves an entry without `stat`, and such a file is hashed.
 */
function parseIndex(out: string): Map<string, IndexEntry> {
  const entries = new Map<string, IndexEntry>();
  let pending: { name: string; entry: Omit<IndexEntry, 'stat'> } | undefined;
  for (const token of out.split('\0')) {
    // The debug lines end where a line does not start with two spaces: the next entry.
    let split = 0;
    while (token.startsWith('  ', split)) {
      const nl = token.indexOf('\n', split);
      if (nl < 0) break;
      split = nl + 1;
    }
    if (pending) {
      const block = token.slice(0, split);
      const ctime = debugField(block, 'ctime');
      const mtime = debugField(block, 'mtime');
      const size = debugField(block, 'size');
      entries.set(pending.name, {
        ...pending.entry,
        stat: ctime && mtime && size ? { ctime, mtime, size } : undefined,
      });
    }
    const e = ENTRY.exec(token.slice(split));
    pending = e ? { name: e[4], entry: { id: e[2], stage: e[3], link: e[1] === '120000' } } : undefined;
  }
  return entries;
}

const ENTRY = /^(\d+) ([0-9a-f]+) (\d)\t([\s\S]+)$/;
const SECOND = 1_000_000_000n;
/** `seconds:nanoseconds` as nanoseconds. */
const nanos = (t: string) => {
  const [sec, nsec] = t.split(':');
  return BigInt(sec) * SECOND + BigInt(nsec ?? 0);
};

/**
 * The files changed since `ref` (committed, staged, unstaged, and new untracked files), as
 * absolute paths. `ref` must name a commit; git is given its resolved id, never the text.
 *
 * git's own work-tree comparison (`git diff`, `git status`) would run the repository's clean
 * filters, so this compares without it: the ref's blob ids (`ls-tree`) against the index's,
 * and a work-tree file against its index entry by size and times, as git itself does; a file
 * whose times changed is hashed here from its bytes, with no filter. A file whose bytes differ
 * from its blob only because a filter rewrites them counts as changed, which checks more, never
 * less; line ends converted to CRLF on checkout are recognised. Throws an Error with a one-line
 * reason when `ref` is no commit or this is no repository.
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
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commit))
    throw new Error(`--changed-since ${ref}: not a commit in this repository`);
  let index: Map<string, IndexEntry>;
  let untracked: string[];
  let tree: string;
  let indexFile: string;
  try {
    indexFile = path.resolve(top, runGit(top, ['rev-parse', '--git-path', 'index']).trim());
    index = parseIndex(runGit(top, ['ls-files', '-z', '-s', '--debug', '--full-name']));
    untracked = runGit(top, ['ls-files', '-z', '--full-name', '--others', '--exclude-standard'])
      .split('\0')
      .filter(Boolean);
    tree = runGit(top, ['ls-tree', '-r', '-z', '--full-tree', commit]);
  } catch (err) {
    throw new Error(`--changed-since ${ref}: ${gitError(err)}`);
  }
  const before = new Map<string, string>();
  for (const entry of tree.split('\0')) {
    // `<mode> SP <type> SP <id> TAB <path>`; blobs only (a submodule is a commit).
    const tab = entry.indexOf('\t');
    const head = entry.slice(0, tab).split(' ');
    if (tab > 0 && head[1] === 'blob' && head.length === 3) before.set(entry.slice(tab + 1), head[2]);
  }
  const algorithm = format === 'sha256' ? 'sha256' : 'sha1';
  let topReal = top;
  try {
    topReal = realpathSync(top);
  } catch {
    // git named it, so it exists; keep git's spelling.
  }
  // An entry whose file changed in the same instant the index was written cannot be told
  // unchanged by its times ("racily clean", in git's words): it is hashed.
  let indexWritten: bigint | undefined;
  try {
    const st = statSync(indexFile, { bigint: true });
    indexWritten = st.mtimeNs;
  } catch {
    // No index yet: every entry is hashed.
  }
  const changed = new Set<string>(untracked.map((name) => path.resolve(top, name)));
  for (const [name, entry] of index) {
    const old = before.get(name);
    if (old === undefined || entry.stage !== '0' || !unchanged(topReal, name, entry, old, algorithm, indexWritten))
      changed.add(path.resolve(top, name));
  }
  return changed;
}

/** Whether the work tree still holds the blob `old` at `name`: by the index's times, else hashed here. */
function unchanged(
  topReal: string,
  name: string,
  entry: IndexEntry,
  old: string,
  algorithm: 'sha1' | 'sha256',
  indexWritten: bigint | undefined,
): boolean {
  if (entry.id === old && entry.stat && indexWritten !== undefined && nanos(entry.stat.mtime) < indexWritten) {
    try {
      const st = lstatSync(path.join(topReal, name), { bigint: true });
      if (
        String(st.size) === entry.stat.size &&
        st.mtimeNs === nanos(entry.stat.mtime) &&
        st.ctimeNs === nanos(entry.stat.ctime)
      )
        return true;
    } catch {
      return false;
    }
  }
  const id = gitBlobId(topReal, name, entry.link, algorithm, MAX_FILE_BYTES);
  return id !== undefined && (id.hash === old || id.crlf === old);
}
