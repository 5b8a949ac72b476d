import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { linearRegExpEngine } from './regex';

/** A policy schema compiled, or the reason it does not compile (first line of ajv's message). */
export type CompiledSchema =
  | { readonly validate: ValidateFunction; readonly error?: undefined }
  | { readonly validate?: undefined; readonly error: string };

/**
 * Compiles after which the policy instance is replaced. ajv keeps something of every schema it
 * compiles for as long as the instance lives (generated code and the values it refers to), so
 * a server whose governance manifest is edited thousands of times would grow without end; a
 * new instance costs ~0.2 s, spread over this many compiles.
 */
const COMPILES_PER_INSTANCE = 200;
/** Distinct policy schemas kept compiled: far more than a governance manifest declares. */
const MAX_CACHED = 256;

function policyAjv(): Ajv {
  // Policies are written by teams, so they live apart from CrownGuard's own schemas: an `$id`
  // of theirs can neither collide with ours nor with itself across edits. Their `pattern` and
  // `patternProperties` run on RE2 (linear time), whatever the pattern. Not strict, since a
  // team may use keywords ajv's strict mode rejects; `$data` lets a policy compare with values
  // from its context.
  return addFormats(new Ajv({ allErrors: true, strict: false, $data: true, code: { regExp: linearRegExpEngine } }), {
    keywords: true,
  });
}

let instance: Ajv | undefined;
let compiles = 0;
const cache = new Map<string, CompiledSchema>();

/**
 * A policy's `when` or `require` schema, compiled once per distinct text: editing a governance
 * manifest compiles only the policy that changed. Never throws.
 */
export function compilePolicySchema(schema: object): CompiledSchema {
  const key = JSON.stringify(schema);
  const cached = cache.get(key);
  if (cached) {
    // Refreshes its place: the least recently used entry is the one dropped.
    cache.delete(key);
    cache.set(key, cached);
    return cached;
  }
  if (!instance || compiles >= COMPILES_PER_INSTANCE) {
    // Functions compiled by the old instance keep it alive; dropping them lets it go.
    instance = policyAjv();
    compiles = 0;
    cache.clear();
  }
  compiles++;
  // ajv compiles the object it is given; a copy keeps the caller's object out of its caches.
  const own = JSON.parse(key) as object;
  let result: CompiledSchema;
  try {
    result = { validate: instance.compile(own) };
  } catch (err) {
    result = { error: err instanceof Error ? err.message.split('\n')[0] : 'not a valid JSON Schema' };
  } finally {
    // The compiled function no longer needs the schema registered under its `$id`; keeping it
    // would make the next version of the same policy "already exist".
    try {
      instance.removeSchema(own);
    } catch {
      // Nothing was registered.
    }
  }
  cache.set(key, result);
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value as string);
  return result;
}
