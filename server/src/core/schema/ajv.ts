import Ajv from 'ajv';
import addFormats from 'ajv-formats';

/**
 * The one ajv instance of the process: compiling ajv's meta-schemas is most of the cost of a
 * first validation, so manifests and policies share it. Not strict, since policies written by
 * a team may use keywords ajv's strict mode rejects; our own schemas are compiled in strict mode
 * by a test instead. `$data` lets a policy compare with values from its context.
 */
export const ajv = addFormats(new Ajv({ allErrors: true, verbose: true, strict: false, $data: true }), {
  keywords: true,
});

/**
 * CrownGuard's own annotation in the published schemas: the value names a file (`file`) or an
 * import line whose module is one (`import`). It validates nothing; the editor links it.
 */
export const PATH_KEYWORD = 'x-crownguard-path';
ajv.addKeyword({ keyword: PATH_KEYWORD, schemaType: 'string' });
