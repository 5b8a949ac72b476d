import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** Files larger than this are not read; the caller reports a note instead. */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

/** `unanalysable` is set when the file holds something that was not read: a finding, not only a note. */
export type ReadResult = { ok: true; text: string } | { ok: false; reason: string; unanalysable?: 'size' | 'binary' | 'encoding' };

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Reads a file as UTF-8 text, or says in plain words why it was not read. Never throws. */
export function readText(file: string, maxBytes = MAX_FILE_BYTES): ReadResult {
  let fd: number | undefined;
  try {
    const size = statSync(file).size;
    if (size > maxBytes) return { ok: false, reason: `skipped: ${Math.round(size / 1024)} KiB is over the ${Math.round(maxBytes / 1024)} KiB limit`, unanalysable: 'size' };
    if (size === 0) return { ok: false, reason: 'skipped: empty file' };
    fd = openSync(file, 'r');
    const bytes = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, bytes, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    const data = bytes.subarray(0, read);
    if (data.subarray(0, 8192).includes(0)) return { ok: false, reason: 'skipped: binary file', unanalysable: 'binary' };
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
    if (fd !== undefined) closeSync(fd);
  }
}
