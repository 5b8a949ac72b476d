import type { RedactionFunction } from '../governance/model';
import { splitWords } from '../sensitivity/words';
import type { Span } from '../types';
import type { SyntaxNode } from './parsers';

export function spanOf(node: SyntaxNode): Span {
  return { offset: node.startIndex, length: node.endIndex - node.startIndex };
}

export function lastSegment(dotted: string): string {
  const i = dotted.lastIndexOf('.');
  return i < 0 ? dotted : dotted.slice(i + 1);
}

/** Words in a callee's name that say it redacts, masks or reduces the data to a digest. */
const REDACTING_WORDS = new Set([
  'redact',
  'redacted',
  'mask',
  'masked',
  'anonymize',
  'anonymise',
  'anonymized',
  'anonymised',
  'pseudonymize',
  'pseudonymise',
  'scrub',
  'sanitize',
  'sanitise',
  'hash',
  'hashed',
  'digest',
  'hexdigest',
  'sha1',
  'sha256',
  'sha512',
  'md5',
  'blake2b',
  'blake2s',
  'encrypt',
  'encrypted',
  'crypt',
  'scrypt',
  'pbkdf2',
  'hmac',
  'encoded',
  'obfuscate',
  'obfuscated',
  'len',
  'bool',
  'isinstance',
  'type',
  'id',
]);
const REDACTING_MODULES = new Set(['hashlib', 'hmac', 'bcrypt', 'argon2', 'crypto', 'secrets']);

/**
 * True when a call cuts the flow of sensitive data: the declared redaction function, or a
 * built-in default that hashes, masks or only measures its argument.
 */
export function isRedactingCall(callee: string, declared: RedactionFunction | undefined): boolean {
  if (declared && (callee === declared.function || lastSegment(callee) === lastSegment(declared.function))) return true;
  if (REDACTING_MODULES.has(callee.split('.')[0])) return true;
  return splitWords(lastSegment(callee)).some((w) => REDACTING_WORDS.has(w));
}

/**
 * The OpenAI-style client calls that send a prompt (`client.chat.completions.create`,
 * `anthropic.messages.create`), which the Python and JavaScript SDKs spell alike.
 */
export const LLM_CLIENT_CALL =
  '(^|\\.)(chat\\.completions|completions|responses|messages|beta\\.chat\\.completions|embeddings)\\.(create|parse|stream)$';

/** Receivers that are models by name, whose `invoke`, `chat`, `stream`... send a prompt: `llm`, `self.chain`. */
export const LLM_RECEIVERS = /(llm|chain|chat|agent|engine|gemini|claude|gpt|openai|anthropic|model)$/i;

/**
 * LangChain's prompt and message classes, and their factories as each SDK spells them
 * (`from_template` in Python, `fromTemplate` in JavaScript).
 */
export function promptBuilders(factories: readonly string[]): RegExp {
  return new RegExp(
    `(^|\\.)(PromptTemplate|ChatPromptTemplate|HumanMessage|SystemMessage|AIMessage|ChatMessage)(\\.(${factories.join('|')}))?$`,
  );
}

/** The end of the line holding `offset`, before its line break: where a new line is inserted after a statement and its trailing comment. */
export function endOfLine(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  if (nl < 0) return text.length;
  return text[nl - 1] === '\r' ? nl - 1 : nl;
}

/**
 * Keys under which a call receives its own authentication: `api_key=`, `token=`, `{apiKey}`,
 * `headers: {"api-key": ...}`, `configurable: {apiKey}`. A credential passed there authenticates
 * the call to the model or the hub; it is not data sent to it.
 */
const AUTH_KEYS = new Set([
  'apikey',
  'token',
  'authtoken',
  'useauthtoken',
  'hftoken',
  'accesstoken',
  'bearertoken',
  'auth',
  'authorization',
  'headers',
  'defaultheaders',
  'credentials',
  'credential',
  'password',
  'secretkey',
  'xapikey',
  'ocpapimsubscriptionkey',
  'openaiapikey',
  'anthropicapikey',
  'azureopenaiapikey',
]);

export function isAuthKey(key: string): boolean {
  return AUTH_KEYS.has(
    key
      .replace(/^["'`]|["'`]$/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]/g, ''),
  );
}

/** A later argument of a model or upload call named as its options (`requestOptions`, `headers`): transport, not content. */
export function isOptionsArgument(name: string): boolean {
  return /(^|[a-z_])(options|opts|headers|config|configuration|auth|credentials)$/i.test(name);
}
