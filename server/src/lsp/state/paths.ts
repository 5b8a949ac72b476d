import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The file system path of a `file:` URI; undefined for any other scheme. */
export function fsPath(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

/** `abs` relative to `root`, with forward slashes, as the core names files. */
export function relativeTo(root: string, abs: string): string {
  return path.relative(root, abs).split(path.sep).join('/');
}
