import Ajv, { type ValidateFunction } from 'ajv';
import { configurePolicyAjv, POLICY_AJV_OPTIONS } from './policy-options';
// Written by build.mjs: the built-in policies' schemas, compiled with `policyAjv`'s options.
import { schemas as builtinSchemas, validators as builtinValidators } from './policies.generated';

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
  return configurePolicyAjv(new Ajv(POLICY_AJV_OPTIONS));
}

let instance: Ajv | undefined;
let compiles = 0;
let runTimeCompiles = 0;
const cache = new Map<string, CompiledSchema>();

/**
 * The built-in pack's schemas, compiled to code at build time, by their JSON text: every check
 * and every worker thread applies them, and compiling them with ajv cost each worker a third
 * of its start-up. A team's policy with the very same schema text gets the same function.
 */
const builtin = new Map<string, CompiledSchema>(
  Object.entries(builtinSchemas).map(([name, text]) => [
    text,
    { validate: (builtinValidators as unknown as Record<string, ValidateFunction>)[name] },
  ]),
);

/** How many schemas were compiled by ajv at run time in this thread (the built-in pack never is). */
export function policyRunTimeCompiles(): number {
  return runTimeCompiles;
}

/**
 * A policy's `when` or `require` schema, compiled once per distinct text: editing a governance
 * manifest compiles only the policy that changed. Never throws.
 */
export function compilePolicySchema(schema: object): CompiledSchema {
  const key = JSON.stringify(schema);
  const precompiled = builtin.get(key);
  if (precompiled) return precompiled;
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
  runTimeCompiles++;
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
