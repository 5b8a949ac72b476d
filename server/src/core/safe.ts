import { maskSensitive } from './sensitivity/literals';
import type { Finding } from './types';

/**
 * Findings as they leave the core: messages and fix titles masked (see maskSensitive). Edits
 * are code and are left as they are: they only ever move text that is already in the file.
 */
export function masked(findings: readonly Finding[]): Finding[] {
  return findings.map((f) => ({
    ...f,
    message: maskSensitive(f.message),
    fixes: f.fixes.map((x) => ({ ...x, title: maskSensitive(x.title) })),
    ...(f.related ? { related: f.related.map((r) => ({ ...r, message: maskSensitive(r.message) })) } : {}),
  }));
}
