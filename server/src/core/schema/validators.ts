import type { ValidateFunction } from 'ajv';
// Written by build.mjs from schemas/*.schema.json with ajv's standalone code generator.
import * as generated from './validators.generated';

/**
 * The validators of CrownGuard's own schemas, one per file in schemas/ (by the name before
 * `.schema.json`). They were compiled at build time: compiling the governance schema at run
 * time cost the first file opened in a new window several hundred milliseconds.
 */
export function ownValidator(name: 'governance' | 'pipeline' | 'model'): ValidateFunction {
  return (generated as Record<string, unknown>)[name] as ValidateFunction;
}
