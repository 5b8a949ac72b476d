import { splitWords } from './words';

/** Last words of a name that say it holds the secret's name, format or place, not the secret. */
const NAMING_WORDS = new Set([
  'prefix',
  'suffix',
  'pattern',
  'regex',
  're',
  'format',
  'template',
  'header',
  'name',
  'env',
  'var',
  'field',
  'label',
  'path',
  'dir',
  'root',
  'file',
  'url',
  'endpoint',
  'id',
  'at',
  'param',
  'attr',
  'column',
  'marker',
  'sentinel',
  'placeholder',
]);
/** Words that only a stand-in value contains. */
const STAND_IN = /example|sample|placeholder|dummy|fake|test|changeme|your|secret|password|passwd|token/i;

/**
 * True when a credential-named variable holds something other than the credential: its own name
 * or an environment variable's (`LANGSMITH_API_KEY = "LANGSMITH_API_KEY"`), the key it is stored
 * under (`AUTH_TOKEN_KEY = "app_auth_token"`), a prefix, a path or a pattern, or a stand-in that
 * says what it is (`"test-secret-value"`).
 */
export function isNameNotSecret(name: string, value: string): boolean {
  if (namesAKey(name, value)) return true;
  if (/^[/~.]|^[a-z]:\\|\\[sdwbSDW]|\[\^|\(\?|[-_:.]$/.test(value)) return true;
  return STAND_IN.test(value);
}

/**
 * True when a credential-named variable holds a name: its own or an environment variable's,
 * the key it is stored under (`API_KEY_KIND = "api_key"`), or when its name says it names
 * something (`TOKEN_HEADER`). A stand-in value (`"hunter2-secret"`) is not a name: printed,
 * it may still be someone's password.
 */
export function namesAKey(name: string, value: string): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (norm(name) === norm(value)) return true;
  if (/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/.test(value)) return true;
  const nameWords = splitWords(name);
  if (NAMING_WORDS.has(nameWords[nameWords.length - 1] ?? '')) return true;
  // An identifier-shaped value made of the name's own words is the name of a stored key.
  if (/^[a-z][a-z0-9]*([._:-][a-z0-9]+)+$/.test(value)) {
    const words = new Set(nameWords);
    const shared = splitWords(value).filter((w) => words.has(w)).length;
    if (shared >= 2 || (shared >= 1 && !/\d/.test(value))) return true;
  }
  return false;
}
