import type Ajv from 'ajv';
import type { Options } from 'ajv';
import addFormats from 'ajv-formats';
import { linearRegExpEngine } from './regex';

/**
 * Policies are written by teams, so they live apart from CrownGuard's own schemas: an `$id`
 * of theirs can neither collide with ours nor with itself across edits. Their `pattern` and
 * `patternProperties` run on RE2 (linear time), whatever the pattern. Not strict, since a
 * team may use keywords ajv's strict mode rejects; `$data` lets a policy compare with values
 * from its context. build.mjs compiles the built-in pack with these options too.
 */
export const POLICY_AJV_OPTIONS: Options = {
  allErrors: true,
  strict: false,
  $data: true,
  code: { regExp: linearRegExpEngine },
};

/** Adds the formats, as for every policy instance; build.mjs sets up its code generator the same way. */
export function configurePolicyAjv(instance: Ajv): Ajv {
  return addFormats(instance, { keywords: true });
}
