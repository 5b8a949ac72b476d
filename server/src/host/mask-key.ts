import { createHash } from 'node:crypto';
import { setMaskKey } from '../core';

/** The environment variable that makes masked names stable from one run to the next. */
export const MASK_KEY_VARIABLE = 'CROWNGUARD_MASK_KEY';

/**
 * Masked names (`<ssn:1a2b3c4d>`) use a key that is random for each process, so they cannot be
 * reversed by hashing guesses; they then differ between runs. A key set in the environment (a
 * long random value kept as a CI secret) makes them the same in every run that has it.
 */
export function useMaskKeyFromEnvironment(env: NodeJS.ProcessEnv = process.env): void {
  const value = env[MASK_KEY_VARIABLE];
  if (value) setMaskKey(createHash('sha256').update(value).digest());
}
