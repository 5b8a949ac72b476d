import Ajv from 'ajv';
import addFormats from 'ajv-formats';

/**
 * CrownGuard's own annotation in the published schemas: the value names a file (`file`) or an
 * import line whose module is one (`import`). It validates nothing; the editor links it.
 */
export const PATH_KEYWORD = 'x-crownguard-path';

/**
 * Not strict, since policies written by a team may use keywords ajv's strict mode rejects; our
 * own schemas are compiled in strict mode by a test instead. `$data` lets a policy compare with
 * values from its context.
 */
export const AJV_OPTIONS = { allErrors: true, verbose: true, strict: false, $data: true } as const;

/** Adds the formats and CrownGuard's keyword; build.mjs sets up its code generator the same way. */
export function configureAjv(instance: Ajv): Ajv {
  addFormats(instance, { keywords: true });
  instance.addKeyword({ keyword: PATH_KEYWORD, schemaType: 'string' });
  return instance;
}

/**
 * The one ajv instance of the process, for what is compiled at run time (policies): compiling
 * ajv's meta-schemas is most of the cost of a first compile, so they share it. Our own schemas
 * are compiled to code at build time instead (see `validators.ts`).
 */
export const ajv = configureAjv(new Ajv(AJV_OPTIONS));
