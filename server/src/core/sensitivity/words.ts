/**
 * Identifier names split into lowercase words, so that `customerSSN`, `customer_ssn` and
 * `CUSTOMER-SSN` all read as [customer, ssn].
 */
export function splitWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** Where `words` contains `pattern` as a contiguous run, or -1. */
export function runIndex(words: readonly string[], pattern: readonly string[]): number {
  outer: for (let i = 0; i + pattern.length <= words.length; i++) {
    for (let j = 0; j < pattern.length; j++) if (words[i + j] !== pattern[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * Words that say a name holds something about the data rather than the data itself:
 * `password_hash`, `ssn_masked`, `password_policy`, `token_type`, `api_key_path`, `secret_name`.
 */
export const NOT_THE_DATA = new Set([
  'hash',
  'hashed',
  'encoded',
  'digest',
  'sha',
  'sha1',
  'sha256',
  'md5',
  'bcrypt',
  'encrypted',
  'enc',
  'cipher',
  'ciphertext',
  'masked',
  'mask',
  'redacted',
  'redact',
  'anonymized',
  'anonymised',
  'tokenized',
  'pseudonymized',
  'policy',
  'policies',
  'rule',
  'rules',
  'regex',
  'pattern',
  'type',
  'types',
  'kind',
  'format',
  'schema',
  'len',
  'length',
  'count',
  'size',
  'min',
  'max',
  'expiry',
  'expires',
  'ttl',
  'age',
  'path',
  'file',
  'filename',
  'dir',
  'url',
  'uri',
  'env',
  'var',
  'name',
  'label',
  'field',
  'column',
  'header',
  'prompt',
  'placeholder',
  'hint',
  'help',
  'error',
  'errors',
  'valid',
  'is',
  'has',
  'present',
  'required',
  'enabled',
  'verified',
  'validated',
  'confirmed',
  'consent',
  'opt',
  'domain',
  'template',
  'regexp',
  'validator',
  'input',
  'widget',
  'root',
  'detail',
  'details',
  'command',
  'dialog',
  'store',
  'storage',
  'revision',
  'migration',
  'prefix',
  'suffix',
]);
