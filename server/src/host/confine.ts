import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readlinkSync,
  realpathSync,
  statSync,
  type Stats,
} from 'node:fs';
import * as path from 'node:path';

/** Where a path inside a folder really leads: a real path inside the folder, outside it, or nowhere. */
export type Confined = { status: 'ok'; real: string } | { status: 'outside' | 'missing' };

/** More links than this in one path is a loop. */
const MAX_LINKS = 40;

/** The real path of a folder the user named (a scanned root, a workspace folder), if it exists. */
export function realFolder(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

/** What is at a path, not following a link there; undefined when nothing is. */
export type Lstat = (p: string) => Stats | undefined;

function lstatOrMissing(p: string): Stats | undefined {
  try {
    // Most paths asked about do not exist (an import's candidates): no error is made for those.
    return lstatSync(p, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/**
 * What `lstat` says, remembered for each path: for a one-off check, where the same folders are
 * looked at for every import that might be in them (`trl/trainer/...` for each of a file's imports).
 */
export function rememberingLstat(limit: number): Lstat {
  const known = new Map<string, Stats | undefined>();
  return (p) => {
    if (known.has(p)) return known.get(p);
    const st = lstatOrMissing(p);
    if (known.size >= limit) known.delete(known.keys().next().value!);
    known.set(p, st);
    return st;
  };
}

/**
 * Resolves `relative` (a path relative to the folder whose real path is `rootReal`) one
 * component at a time, following links only while they stay inside the folder. Nothing
 * outside the folder is looked at, not even to see whether it exists, so the answer says
 * nothing about files outside: a link to /etc/passwd and a link to a file that does not
 * exist outside are both just "outside". `lstat` may remember what it saw (rememberingLstat).
 */
export function resolveWithin(rootReal: string, relative: string, lstat: Lstat = lstatOrMissing): Confined {
  let current = rootReal;
  const pending = relative.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
  let links = 0;
  while (pending.length) {
    const part = pending.shift()!;
    if (part === '..') {
      if (current === rootReal) return { status: 'outside' };
      current = path.dirname(current);
      continue;
    }
    const next = path.join(current, part);
    const st = lstat(next);
    if (!st) return { status: 'missing' };
    if (!st.isSymbolicLink()) {
      current = next;
      continue;
    }
    if (++links > MAX_LINKS) return { status: 'missing' };
    let target: string;
    try {
      target = readlinkSync(next);
    } catch {
      return { status: 'missing' };
    }
    if (path.isAbsolute(target)) {
      const inside = path.relative(rootReal, target);
      if (inside.startsWith('..') || path.isAbsolute(inside)) return { status: 'outside' };
      current = rootReal;
      pending.unshift(...inside.split(/[\\/]+/).filter((s) => s !== '' && s !== '.'));
    } else {
      pending.unshift(...target.split(/[\\/]+/).filter((s) => s !== '' && s !== '.'));
    }
  }
  return { status: 'ok', real: current };
}

/**
 * `resolveWithin` for many paths under the same folders, as a check looks up the candidates of
 * every import (`./util` as `util.ts`, `util/index.ts`, ...): each folder on the way is resolved
 * once and remembered, then only the last component is looked at. The same answers as
 * `resolveWithin` with the same `lstat` (a last component that is a link, `..` or `.` is
 * resolved by it whole); meant, like a remembering `lstat`, for a workspace read as it was.
 */
export function rememberingResolver(lstat: Lstat, limit: number): (rootReal: string, relative: string) => Confined {
  const folders = new Map<string, Confined>();
  return (rootReal, relative) => {
    const cut = Math.max(relative.lastIndexOf('/'), relative.lastIndexOf('\\'));
    const last = relative.slice(cut + 1);
    if (last === '' || last === '.' || last === '..') return resolveWithin(rootReal, relative, lstat);
    const key = `${rootReal}\0${cut === -1 ? '' : relative.slice(0, cut)}`;
    let folder = folders.get(key);
    if (!folder) {
      folder = resolveWithin(rootReal, cut === -1 ? '' : relative.slice(0, cut), lstat);
      if (folders.size >= limit) folders.delete(folders.keys().next().value!);
      folders.set(key, folder);
    }
    if (folder.status !== 'ok') return folder;
    const next = path.join(folder.real, last);
    const st = lstat(next);
    if (!st) return { status: 'missing' };
    return st.isSymbolicLink() ? resolveWithin(rootReal, relative, lstat) : { status: 'ok', real: next };
  };
}

export type Opened = { ok: true; fd: number; size: number } | { ok: false; reason: string };

/**
 * Opens a file for reading only if it is a regular file. The open never blocks (a FIFO or
 * device swapped in between the check and the open opens at once and is then refused), and the caller reads
 * at most `size` bytes, so a file that reports no size but never ends (/proc, /sys) cannot
 * hold a reader either.
 */
export function openRegular(
  file: string,
  /**
   * The file was listed as a regular file a moment ago (discover.ts reads each entry's type
   * with the listing): the look before the open is not taken again. The open still cannot
   * block, and what it opened is still checked.
   */
  listedAsRegular = false,
): Opened {
  let fd: number;
  try {
    // Devices and FIFOs are not opened at all: opening one can block or have effects.
    if (!listedAsRegular && !statSync(file).isFile()) return { ok: false, reason: 'skipped: not a regular file' };
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, reason: `not readable${code ? ` (${code})` : ''}` };
  }
  try {
    const st = fstatSync(fd);
    if (st.isFile()) return { ok: true, fd, size: st.size };
  } catch {
    // Reported below as not a regular file.
  }
  closeSync(fd);
  return { ok: false, reason: 'skipped: not a regular file' };
}
