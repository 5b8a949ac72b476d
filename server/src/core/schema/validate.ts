import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Budget } from '../budget';

/**
 * Items of one long list validated per call. With `allErrors`, ajv appends each failing item's
 * errors by copying the whole error list so far, which is quadratic in the errors of one call:
 * 40,000 bad stages took over 50 s in one call, and take well under a second in chunks.
 */
export const VALIDATE_CHUNK = 256;

function pointerSegment(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Validates a document's plain value, its long top-level lists a chunk at a time, and returns
 * ajv's errors with their paths as if the whole document had been validated at once. Errors
 * outside the long lists are reported once, from the first chunk. When the budget runs out,
 * the chunks not yet validated are left out and `stopped` says so.
 */
export function validateInChunks(
  check: ValidateFunction,
  value: unknown,
  budget?: Budget,
): { errors: ErrorObject[]; stopped: boolean } {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { errors: check(value) ? [] : [...(check.errors ?? [])], stopped: false };
  const record = value as Record<string, unknown>;
  const long = Object.keys(record).filter(
    (k) => Array.isArray(record[k]) && (record[k] as unknown[]).length > VALIDATE_CHUNK,
  );
  const head: Record<string, unknown> = { ...record };
  for (const k of long) head[k] = (record[k] as unknown[]).slice(0, VALIDATE_CHUNK);
  const errors: ErrorObject[] = check(head) ? [] : [...(check.errors ?? [])];
  for (const k of long) {
    const list = record[k] as unknown[];
    const prefix = `/${pointerSegment(k)}/`;
    for (let start = VALIDATE_CHUNK; start < list.length; start += VALIDATE_CHUNK) {
      if (budget?.expired()) return { errors, stopped: true };
      if (check({ ...head, [k]: list.slice(start, start + VALIDATE_CHUNK) })) continue;
      for (const e of check.errors ?? []) {
        // Only the errors of this chunk's items: the rest of the document was reported with the first.
        if (!e.instancePath.startsWith(prefix)) continue;
        const rest = e.instancePath.slice(prefix.length);
        const slash = rest.indexOf('/');
        const index = Number(slash < 0 ? rest : rest.slice(0, slash)) + start;
        errors.push({ ...e, instancePath: prefix + index + (slash < 0 ? '' : rest.slice(slash)) });
      }
    }
  }
  return { errors, stopped: false };
}
