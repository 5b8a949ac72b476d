import { createHash } from 'node:crypto';
import { closeSync, lstatSync, readlinkSync, readSync } from 'node:fs';
import * as path from 'node:path';
import { openRegular, resolveWithin } from './confine';

/** Files larger than this are not read; the caller reports a note instead. */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

/** `unanalysable` is set when the file holds something that was not read: a finding, not only a note. */
export type ReadResult =
  { ok: true; text: string } | { ok: false; reason: string; unanalysable?: 'size' | 'binary' | 'encoding' };

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Reads up to `size` bytes of an open file: never more than the size it reported when opened. */
export function readAll(fd: number, size: number): Buffer {
  // Every byte handed back was read: a file that came up short is cut where it ended.
  const bytes = Buffer.allocUnsafe(size);
  let read = 0;
  while (read < size) {
    const n = readSync(fd, bytes, read, size - read, read);
    if (n === 0) break;
    read += n;
  }
  return bytes.subarray(0, read);
}

/**
 * Reads a regular file as UTF-8 text, or says in plain words why it was not read. Never
 * throws, never opens a FIFO or device, and never reads past the size the file reported.
 */
export function readText(file: string, maxBytes = MAX_FILE_BYTES, listedAsRegular = false): ReadResult {
  const opened = openRegular(file, listedAsRegular);
  if (!opened.ok) return opened;
  const { fd, size } = opened;
  try {
    if (size > maxBytes)
      return {
        ok: false,
        reason: `skipped: ${Math.round(size / 1024)} KiB is over the ${Math.round(maxBytes / 1024)} KiB limit`,
        unanalysable: 'size',
      };
    if (size === 0) return { ok: false, reason: 'skipped: empty file' };
    const data = readAll(fd, size);
    if (data.subarray(0, 8192).includes(0))
      return { ok: false, reason: 'skipped: binary file', unanalysable: 'binary' };
    let text: string;
    try {
      text = decoder.decode(data);
    } catch {
      return { ok: false, reason: 'skipped: not valid UTF-8 text', unanalysable: 'encoding' };
    }
    return { ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, reason: `not readable${code ? ` (${code})` : ''}` };
  } finally {
    closeSync(fd);
  }
}

/**
 * git's object id of the work-tree entry `name` (relative to the repository's real top), as
 * git would store it with no filter: a link's target text, or a regular file's bytes; with
 * the id of the bytes with CRLF line ends made LF, when they have any. Undefined for
 * anything else, for a path leading outside the repository, and for files over `maxBytes`.
 */
export function gitBlobId(
  topReal: string,
  name: string,
  link: boolean,
  algorithm: 'sha1' | 'sha256',
  maxBytes: number,
): { hash: string; crlf?: string } | undefined {
  const id = (data: Buffer) => createHash(algorithm).update(`blob ${data.length}\0`).update(data).digest('hex');
  const parent = resolveWithin(topReal, path.dirname(name));
  if (parent.status !== 'ok') return undefined;
  const abs = path.join(parent.real, path.basename(name));
  try {
    const st = lstatSync(abs);
    if (link) return st.isSymbolicLink() ? { hash: id(Buffer.from(readlinkSync(abs))) } : undefined;
    if (!st.isFile() || st.size > maxBytes) return undefined;
  } catch {
    return undefined;
  }
  const opened = openRegular(abs);
  if (!opened.ok) return undefined;
  try {
    const data = readAll(opened.fd, Math.min(opened.size, maxBytes));
    const hash = id(data);
    return data.includes('\r\n')
      ? { hash, crlf: id(Buffer.from(data.toString('latin1').replace(/\r\n/g, '\n'), 'latin1')) }
      : { hash };
  } catch {
    return undefined;
  } finally {
    closeSync(opened.fd);
  }
}
