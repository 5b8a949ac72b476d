/**
 * Sensitive literal values: secrets and PII written into code, prompts and configs. Every
 * detector validates what its pattern finds (checksums, ranges, structure, entropy), so a
 * look-alike does not become a finding. Results carry a span and a kind, never the value.
 */

import { AnchorAutomaton } from './anchors';

export type LiteralClass = 'secret' | 'pii';

export interface LiteralMatch {
  readonly class: LiteralClass;
  /** What the value is, e.g. `AWS access key ID`, `US social security number`. */
  readonly kind: string;
  /** A short stable name for placeholders, e.g. `aws_access_key_id`. */
  readonly key: string;
  /** Offset of the value within the scanned text, and its length. */
  readonly offset: number;
  readonly length: number;
  /** At most the last four characters, for PII numbers; never for secrets. */
  readonly masked?: string;
  /** Low-confidence kinds (email, phone) are reported more quietly. */
  readonly lowConfidence?: boolean;
  /**
   * A secret in a provider's own format that passed its structure, checksum and entropy checks:
   * it is reported as an error wherever it is, test files included.
   */
  readonly live?: boolean;
}

/** What a scan may be told about the place it scans. */
export interface ScanOptions {
  /** E-mail domains the organisation publishes on purpose (its own support addresses). */
  readonly allowedEmailDomains?: readonly string[];
  /**
   * Masking errs towards hiding: the context rules that keep a value from being reported (the
   * digits of a decimal, a value inside a path or an id) do not keep it from being masked.
   */
  readonly forMasking?: boolean;
  /**
   * Which of `LITERAL_ANCHORS` the text may hold (1) and cannot (0), when a pass over it already
   * looked (the catalog's first pass over a file): the scan then does not look again. Any
   * superset of the anchors held gives the same findings.
   */
  readonly anchorsHeld?: Uint8Array;
}

interface Detector {
  readonly class: LiteralClass;
  readonly kind: string;
  readonly key: string;
  /** A cheap test run before the pattern: a substring every match contains. */
  readonly hint?: RegExp;
  /**
   * Fixed texts, one of which every match of the hint holds, compared as anchors.ts compares
   * them (ASCII letters without case): one pass finds which detectors' anchors a text holds,
   * and the others' hints are not run at all.
   */
  readonly anchors?: readonly string[];
  readonly pattern: RegExp;
  /** Which capture group is the value (0 for the whole match). */
  readonly group?: number;
  validate?(value: string, options: ScanOptions): boolean;
  /** Rejects a match by what surrounds it: the digits of a decimal number, a hash, a path. */
  context?(text: string, start: number, end: number, value: string): boolean;
  /** The part of a match that is the value, when the pattern can take too much; undefined rejects it. */
  trim?(value: string): string | undefined;
  readonly lowConfidence?: boolean;
  /**
   * Found on every line that holds a match (by default the hint): the pattern runs on those
   * lines only. Neither it nor the pattern crosses a line break, and no lookaround of the
   * pattern tells a line break from the text's ends. `false` when a match can span lines.
   */
  readonly lineHint?: RegExp | false;
  readonly mask?: boolean;
  /** A provider's own structure (and checksum, where it has one): matches are live-format secrets. */
  readonly live?: boolean;
}

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Values that are obviously placeholders rather than real secrets. */
export function isPlaceholderValue(value: string): boolean {
  return (
    /^(x+|\*+|\.+|<[^>]*>|\$\{[^}]*\}|\{\{[^}]*\}\}|\{[^}]*\}|\$[A-Z_]+|%\([^)]*\)s|%s|changeme|change[-_ ]?me|password|secret|example|dummy|redacted|test|todo|fixme|none|null|undefined|your[-_ ]?\w*|x{3,}\w*)$/i.test(
      value,
    ) ||
    /(.)\1{7,}/.test(value) ||
    // Elided or templated values: `sk-...`, `<your-key>`, `hf_xxxx`, `${TOKEN}`, `{{ secret }}`.
    /\.\.\.|\u2026|<[^<>]{1,40}>|\$\{[^}]{0,60}\}|\{\{[^}]{0,60}\}\}|x{4,}|X{4,}|\*{3,}/.test(value)
  );
}

/** Words that only published examples, documentation and tests put into a token. */
const FAKE_WORDS = /example|sample|placeholder|dummy|fake|test|redacted|changeme|your|notreal|invalid|xxxx|\.\.\./i;

/** Six characters in alphabetical or numeric order (`abcdef`, `123456`): typed by a person, not generated. */
function hasSequence(s: string, n = 6): boolean {
  let run = 1;
  for (let i = 1; i < s.length; i++) {
    const step = s.charCodeAt(i) - s.charCodeAt(i - 1);
    run = step === 1 && /[A-Za-z0-9]/.test(s[i]) ? run + 1 : 1;
    if (run >= n) return true;
  }
  return false;
}

/** True when a token's random part looks generated: no example words, runs or sequences, and enough entropy. */
function looksRandom(body: string, minEntropy: number): boolean {
  return !FAKE_WORDS.test(body) && !/(.)\1{3,}/.test(body) && !hasSequence(body) && entropy(body) >= minEntropy;
}

const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
let crcTable: Uint32Array | undefined;

export function crc32(s: string): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < s.length; i++) crc = crcTable[(crc ^ s.charCodeAt(i)) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export function base62(n: number, width: number): string {
  let out = '';
  do {
    out = B62[n % 62] + out;
    n = Math.floor(n / 62);
  } while (n > 0);
  return out.padStart(width, '0');
}

/**
 * GitHub's and npm's token formats end in six base-62 characters that are the CRC32 of the
 * thirty random ones before them, so a typed or truncated look-alike fails.
 */
export function tokenChecksumOk(token: string): boolean {
  const body = token.slice(token.indexOf('_') + 1);
  return body.length === 36 && base62(crc32(body.slice(0, 30)), 6) === body.slice(30);
}

export function luhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Test card numbers published by payment providers and card schemes: not anyone's card. */
const TEST_CARDS = new Set([
  '4242424242424242',
  '4000056655665556',
  '5555555555554444',
  '2223003122003222',
  '5200828282828210',
  '5105105105105100',
  '378282246310005',
  '371449635398431',
  '6011111111111117',
  '6011000990139424',
  '3056930009020004',
  '36227206271667',
  '3566002020360505',
  '6200000000000005',
  '4111111111111111',
  '4012888888881881',
  '4222222222222',
  '378734493671000',
  '5610591081018250',
  '30569309025904',
  '38520000023237',
  '3530111333300000',
  '3566111111111113',
  '5019717010103742',
  '6331101999990016',
  '4532015112830366',
  '5425233430109903',
  '2222420000001113',
  '2223000048410010',
  '4917610000000000',
  '4000000000000002',
  '4000002500003155',
  '4000000000009995',
  '4012000033330026',
  '4005519200000004',
  '4009348888881881',
  '4012000077777777',
  '5431111111111111',
  '6759649826438453',
  '6799990100000000019',
  '135410014004955',
]);

/** Words that say the number next to them is a card number. */
const CARD_WORDS =
  /(card|credit|debit|visa|master|amex|maestro|dankort|uatp|\bcc\b|\bpan\b|payment|kort|karte|carte|tarjeta|\u5361)/i;

/** Card lengths by the issuer's leading digits (UATP, Amex, Diners, Visa, Mastercard, Maestro, Dankort, JCB, Discover, UnionPay). */
function issuerAccepts(d: string): boolean {
  const n = d.length;
  if (d[0] === '1') return n === 15;
  if (/^3[47]/.test(d)) return n === 15;
  if (/^3(0[0-5]|[689])/.test(d)) return n >= 14 && n <= 19;
  if (/^35/.test(d)) return n >= 16 && n <= 19;
  if (d[0] === '4') return n === 13 || n === 16 || n === 19;
  if (/^5[1-5]/.test(d) || /^2(2[2-9]|[3-6]|7[01]|720)/.test(d)) return n === 16;
  if (/^(50|5[6-9]|6)/.test(d)) return n >= 12 && n <= 19;
  return false;
}

function isCardNumber(raw: string): boolean {
  const digits = raw.replace(/[ -]/g, '');
  if (
    digits.length < 12 ||
    digits.length > 19 ||
    TEST_CARDS.has(digits) ||
    /^(\d)\1+$/.test(digits) ||
    /0{6,}/.test(digits)
  )
    return false;
  if (!issuerAccepts(digits)) return false;
  // Separators, when present, must group the digits the way cards are printed.
  if (
    /[ -]/.test(raw) &&
    !/^\d{4}([ -]\d{4}){2}[ -]\d{1,7}$|^\d{4}[ -]\d{6}[ -]\d{4,5}$|^\d{4}( \d{4}){3,4}$/.test(raw)
  )
    return false;
  return luhn(digits);
}

/** The text before `start` on its own line, at most `n` characters. */
function lineBefore(text: string, start: number, n: number): string {
  const from = Math.max(0, start - n);
  const chunk = text.slice(from, start);
  const nl = Math.max(chunk.lastIndexOf('\n'), chunk.lastIndexOf('\\n'));
  return nl < 0 ? chunk : chunk.slice(nl + 1);
}

/**
 * A number is a card only where nothing else it could be is: not the digits of a decimal
 * number, a hash, a uuid, a URL path or a resource id; and digits without separators only as a
 * whole quoted value or after a word that says card.
 */
function cardContext(text: string, start: number, end: number, value: string): boolean {
  const prev = text[start - 1] ?? '';
  const next = text[end] ?? '';
  const escapedNewline = prev === 'n' && text[start - 2] === '\\';
  if (!escapedNewline && /[\w./#%&@$\\]/.test(prev)) return false;
  if (
    /[\w/#%&@$]/.test(next) ||
    (next === '.' && /\d/.test(text[end + 1] ?? '')) ||
    (next === ',' && /\d/.test(text[end + 1] ?? ''))
  )
    return false;
  if (/[ -]/.test(value)) return true;
  const quoted = /["'`]/.test(prev) && /["'`]/.test(next);
  return quoted || CARD_WORDS.test(lineBefore(text, start, 48));
}

/** IBAN lengths by country (ISO 13616 registry); other country codes are not IBANs. */
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MR: 27,
  MT: 31,
  MU: 30,
  NL: 18,
  NO: 15,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  SA: 24,
  SC: 31,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
};

/** IBANs printed in standards, bank documentation and tutorials as the example. */
const EXAMPLE_IBANS = new Set([
  'GB82WEST12345698765432',
  'DE89370400440532013000',
  'FR1420041010050500013M02606',
  'NL91ABNA0417164300',
  'GB29NWBK60161331926819',
  'GB33BUKB20201555555555',
  'ES9121000418450200051332',
  'IT60X0542811101000000123456',
  'BE68539007547034',
  'CH9300762011623852957',
  'AT611904300234573201',
  'GB94BARC10201530093459',
]);

export function isIban(raw: string): boolean {
  const iban = raw.replace(/[ -]/g, '').toUpperCase();
  const expected = IBAN_LENGTHS[iban.slice(0, 2)];
  if (!expected || iban.length !== expected || EXAMPLE_IBANS.has(iban) || /0{7,}|1234567/.test(iban)) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const v = ch >= 'A' && ch <= 'Z' ? ch.charCodeAt(0) - 55 : ch.charCodeAt(0) - 48;
    remainder = Number(String(remainder) + String(v)) % 97;
  }
  return remainder === 1;
}

/** The IBAN at the start of a match that may have taken a following word: exactly its country's length. */
function trimIban(raw: string): string | undefined {
  const expected = IBAN_LENGTHS[raw.slice(0, 2)];
  if (!expected) return undefined;
  let taken = 0;
  for (let i = 0; i < raw.length; i++) {
    if (/[A-Z0-9]/.test(raw[i])) taken++;
    if (taken === expected) return /[A-Za-z0-9]/.test(raw[i + 1] ?? '') ? undefined : raw.slice(0, i + 1);
  }
  return undefined;
}

export function isSsn(raw: string): boolean {
  const digits = raw.replace(/\D/g, '');
  if (digits.length !== 9) return false;
  const a = Number(digits.slice(0, 3));
  if (
    a === 0 ||
    a === 666 ||
    a >= 900 ||
    digits.slice(3, 5) === '00' ||
    digits.slice(5) === '0000' ||
    /^(\d)\1+$/.test(digits)
  )
    return false;
  // Numbers famous for being printed in advertising and documentation, and the range reserved for it.
  return digits !== '078051120' && digits !== '219099999' && digits !== '123456789' && !/^98765432\d$/.test(digits);
}

/** Social security numbers written without separators are only read as such next to a word that says so. */
function ssnContext(text: string, start: number, _end: number, value: string): boolean {
  return /\D/.test(value) || /ssn|social|security|\bss#|\btin\b|taxpayer/i.test(lineBefore(text, start, 48));
}

function decodeJson(part: string): unknown {
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
  return JSON.parse(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)));
}

/**
 * Keys published on purpose: Supabase's anon key is sent by every browser (row-level security guards the data),
 * like Stripe's publishable key; its service-role key is the secret.
 */
export function isPublishedKey(value: string): boolean {
  const body = /^eyJ[\w-]*\.(eyJ[\w-]*)\./.exec(value)?.[1];
  if (!body) return false;
  try {
    const claims = decodeJson(body) as { iss?: unknown; role?: unknown } | null;
    return claims?.iss === 'supabase' && claims.role === 'anon';
  } catch {
    return false;
  }
}

function isJwt(token: string): boolean {
  try {
    const [head, body, signature] = token.split('.');
    const header = decodeJson(head) as { alg?: unknown };
    const payload = decodeJson(body);
    if (typeof header.alg !== 'string' || typeof payload !== 'object' || payload === null) return false;
    if (isPublishedKey(token)) return false;
    // An unsigned token (`alg: none`) is still a bearer token where a server accepts it.
    return signature ? true : header.alg.toLowerCase() === 'none';
  } catch {
    return false;
  }
}

/** A PEM or OpenSSH key: its END line follows, and the body between is long, random base64. */
function privateKeyBody(text: string, _start: number, end: number, value: string): boolean {
  const label = value.slice('-----BEGIN '.length, -5);
  const close = text.indexOf(`-----END ${label}-----`, end);
  if (close < 0 || close - end > 16384) return false;
  const body = text
    .slice(end, close)
    // Code writes a key as escaped lines or concatenated strings: `"...\n" + "..."`.
    .replace(/\\[nr]/g, '\n')
    .replace(/["'`]\s*\+?\s*["'`]/g, '\n');
  if (/\.\.\.|\u2026/.test(body)) return false;
  // Base64 lines only: headers (`Proc-Type:`, `Version:`) and stray comments are not the key.
  const b64 = body
    .split(/\r?\n/)
    .map((l) => l.trim().replace(/^["'`]|["'`,;)]+$/g, ''))
    .filter((l) => /^[A-Za-z0-9+/=]{16,}$/.test(l))
    .join('');
  // Entropy only: DER and OpenSSH bodies have runs of `A` (zero bytes) that a random-token test would reject.
  return b64.length >= 64 && entropy(b64) >= 4.5;
}

/** Passwords that only tutorials, tests and placeholders use, and the defaults of database and broker images. */
const PLACEHOLDER_PASSWORDS =
  /^(pass(word)?\d*|passwd|pwd|pw|secret|s3cr3t|token|hunter2|changeme|admin|root|user(name)?|test|dbpass|mypass(word)?|yourpassword|letmein|foobar|foo|bar|qwerty|p@ssw0rd|pa\$\$word|postgres|mysql|guest|invalid|minioadmin)$/i;
/** Hosts reserved for documentation and tests (RFC 2606, RFC 6761), and the loopback addresses. */
const EXAMPLE_HOST =
  /^([\w.-]*\.)?(example(\.(com|org|net))?|invalid|test|localhost)$|\.(example|invalid|test)$|^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|0\.0\.0\.0)$/i;

function connectionContext(text: string, start: number, end: number, value: string): boolean {
  // `postgres://postgres:postgres@db`: a password that repeats the user name is an image's default, not a secret.
  const user = /\/\/([^\s:@/'"]{0,256}):$/.exec(text.slice(Math.max(0, start - 260), start))?.[1];
  if (user !== undefined && user.toLowerCase() === value.toLowerCase()) return false;
  const host = /^@([^\s/:'"?#]{1,256})/.exec(text.slice(end, end + 260))?.[1] ?? '';
  return !EXAMPLE_HOST.test(host);
}

const EXAMPLE_DOMAINS =
  /@(([\w-]+\.)*example\.(com|org|net)|test|localhost|.*\.(test|example|invalid|local))$|^(noreply|no-reply|donotreply|do-not-reply)@|@users\.noreply\.github\.com$|^(github-actions|actions|dependabot|renovate)(\[bot\])?@/i;
/** Domains used in tutorials, tests and demo data as stand-ins. */
const STAND_IN_DOMAINS = new Set([
  'email.com',
  'test.com',
  'company.com',
  'domain.com',
  'yourdomain.com',
  'yourcompany.com',
  'mydomain.com',
  'mycompany.com',
  'sample.com',
  'fake.com',
  'foo.com',
  'bar.com',
  'foobar.com',
  'acme.com',
  'somewhere.com',
  'somedomain.com',
  'website.com',
  'site.com',
  'host.com',
  'server.com',
  'corp.com',
  'org.com',
  'xyz.com',
  'abc.com',
  'mail.example',
  'email.example',
  'yourorg.com',
  'your-domain.com',
  'placeholder.com',
  'demo.com',
  'testing.com',
  'tempuri.org',
]);

function isEmail(v: string, options: ScanOptions): boolean {
  if (EXAMPLE_DOMAINS.test(v) || /^git@/i.test(v)) return false;
  const domain = v.slice(v.indexOf('@') + 1).toLowerCase();
  if (STAND_IN_DOMAINS.has(domain) || /^(your|example|sample)/i.test(v)) return false;
  // `example.co.uk`, `example-domain.com`: the reserved name under another suffix, as demo data writes it.
  if (/^(example|sample)[-.]/.test(domain)) return false;
  // One-letter labels (`a@d.co`) are abbreviations in prose, not addresses.
  if (domain.split('.')[0].length < 2) return false;
  return !(options.allowedEmailDomains ?? []).some(
    (d) => domain === d.toLowerCase() || domain.endsWith('.' + d.toLowerCase()),
  );
}

/** North American numbers with the fictional 555 area code or exchange, or an impossible area code. */
function isPhone(v: string): boolean {
  const digits = v.replace(/\D/g, '');
  if (digits.length < 9 || digits.length > 15 || /^(\d)\1+$/.test(digits) || hasSequence(digits, 7)) return false;
  const nanp = /^\+?1?[ .-]?\(?(\d{3})\)?[ .-]?(\d{3})[ .-]?(\d{4})$/.exec(v.trim());
  if (nanp && (v.startsWith('(') || v.startsWith('+1'))) {
    const [, area, exchange] = nanp;
    if (area === '555' || exchange === '555' || /^[01]/.test(area) || /^\d11$/.test(area)) return false;
  }
  return true;
}

/** National formats without a country code are read as phone numbers only after a word that says so. */
function phoneContext(text: string, start: number, end: number, value: string): boolean {
  if (/[\w./]/.test(text[start - 1] ?? '') || /[\w/]/.test(text[end] ?? '')) return false;
  // `4.44 +1.3335860625` is a sum (a model printing its arithmetic), not a number to call.
  if (value.startsWith('+') && /[\d=*/^)]\s*$/.test(text.slice(Math.max(0, start - 8), start))) return false;
  return (
    value.startsWith('+') ||
    value.startsWith('(') ||
    /^0[5789]0-\d{4}-\d{4}$/.test(value) ||
    /phone|tel\b|mobile|cell|fax|call|contact|\u96fb\u8a71|\u643a\u5e2f|\u624b\u673a|\u7535\u8bdd/i.test(
      lineBefore(text, start, 48),
    )
  );
}

const DETECTORS: readonly Detector[] = [
  {
    class: 'secret',
    kind: 'AWS access key ID',
    key: 'aws_access_key_id',
    hint: /A[KS]IA|AB?IA|ACCA/,
    anchors: ['akia', 'asia', 'aia', 'abia', 'acca'],
    live: true,
    pattern: /\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b/g,
    group: 1,
    validate: (v) => looksRandom(v.slice(4), 3),
  },
  {
    class: 'secret',
    kind: 'AWS secret access key',
    key: 'aws_secret_access_key',
    hint: /aws_?secret/i,
    anchors: ['aws'],
    live: true,
    pattern: /aws_?secret_?(?:access_?)?key\W{0,5}([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/gi,
    lineHint: false,
    group: 1,
    validate: (v) => !/(EXAMPLE|SAMPLE|TEST|FAKE|DUMMY)KEY$|X{6,}$/i.test(v) && looksRandom(v, 4),
  },
  {
    class: 'secret',
    kind: 'GitHub token',
    key: 'github_token',
    hint: /gh[pousr]_|github_pat_/,
    anchors: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
    live: true,
    pattern: /\b(gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b/g,
    group: 1,
    validate: (v) => (v.startsWith('github_pat_') ? looksRandom(v.slice(11), 4) : tokenChecksumOk(v)),
  },
  {
    class: 'secret',
    kind: 'npm token',
    key: 'npm_token',
    hint: /npm_/,
    anchors: ['npm_'],
    live: true,
    pattern: /\b(npm_[A-Za-z0-9]{36})\b/g,
    group: 1,
    validate: tokenChecksumOk,
  },
  {
    class: 'secret',
    kind: 'Slack token',
    key: 'slack_token',
    hint: /xox|xapp-/,
    anchors: ['xox', 'xapp-'],
    live: true,
    pattern:
      /(?<![\w-])(xoxb-\d{10,13}-\d{10,13}-[A-Za-z0-9]{20,34}|xoxb-\d{8,14}-[A-Za-z0-9]{18,26}|xox[pe](?:-\d{10,13}){3}-[A-Za-z0-9]{28,34}|xapp-\d-[A-Z0-9]{9,12}-\d{10,14}-[a-f0-9]{32,64}|xoxe\.xox[bp]-\d-[A-Z0-9]{163,166}|xoxe-\d-[A-Z0-9]{146}|xox[ar]-(?:\d-)?[0-9A-Za-z]{8,48}|xox[os]-\d+-\d+-\d+-[a-fA-F\d]{16,64})(?![\w-])/g,
    group: 1,
    validate: (v) => {
      const tail = v.slice(v.lastIndexOf('-') + 1);
      return /\d/.test(v.slice(5)) && /[A-Za-z]/.test(tail) && looksRandom(tail, 3);
    },
  },
  {
    class: 'secret',
    kind: 'Stripe live key',
    key: 'stripe_key',
    hint: /_live_/,
    anchors: ['_live_'],
    live: true,
    pattern: /\b((?:sk|rk)_live_[0-9A-Za-z]{24,247})\b/g,
    group: 1,
    validate: (v) => looksRandom(v.slice(8), 4),
  },
  {
    class: 'secret',
    kind: 'Anthropic API key',
    key: 'anthropic_api_key',
    hint: /sk-ant-/,
    anchors: ['sk-ant-'],
    live: true,
    pattern: /\b(sk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{93}AA)(?![A-Za-z0-9_-])/g,
    group: 1,
    validate: (v) => looksRandom(v.slice(14, -2), 4.5),
  },
  {
    class: 'secret',
    kind: 'OpenAI API key',
    key: 'openai_api_key',
    hint: /sk-/,
    anchors: ['sk-'],
    live: true,
    pattern:
      /\b(sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,250}|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}|sk-[A-Za-z0-9]{48})(?![A-Za-z0-9_-])/g,
    group: 1,
    validate: (v) => looksRandom(v.slice(v.lastIndexOf('-') + 1), 4),
  },
  {
    class: 'secret',
    kind: 'Hugging Face token',
    key: 'hf_token',
    hint: /hf_|api_org_/,
    anchors: ['hf_', 'api_org_'],
    live: true,
    pattern: /\b((?:hf_|api_org_)[A-Za-z]{34})(?![A-Za-z0-9_-])/g,
    group: 1,
    validate: (v) => looksRandom(v.slice(v.indexOf('_', 3) + 1), 3.8),
  },
  {
    class: 'secret',
    kind: 'Google API key',
    key: 'google_api_key',
    hint: /AIza/,
    anchors: ['aiza'],
    live: true,
    pattern: /\b(AIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])/g,
    group: 1,
    validate: (v) => looksRandom(v.slice(4), 4),
  },
  {
    class: 'secret',
    kind: 'private key',
    key: 'private_key',
    hint: /PRIVATE KEY/,
    anchors: ['private key'],
    live: true,
    pattern: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----/g,
    context: privateKeyBody,
  },
  {
    class: 'secret',
    kind: 'JSON Web Token',
    key: 'jwt',
    hint: /eyJ/,
    anchors: ['eyj'],
    live: true,
    pattern:
      /\b(eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.(?:[A-Za-z0-9_-]{10,})?)(?![A-Za-z0-9_-]|\.[A-Za-z0-9_-]{10,})/g,
    group: 1,
    validate: isJwt,
  },
  {
    class: 'secret',
    kind: 'connection string with a password',
    key: 'connection_string',
    hint: /:\/\/[^\s/]{0,256}:[^\s/]{0,256}@/,
    anchors: ['://'],
    // The scheme and user are looked behind, so that the match starts at the password even when the user is the same text.
    pattern: /(?<=\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:@/'"]{0,256}:)([^\s@/'"]{1,256})(?=@[^\s/'"]{1,256})/gi,
    group: 1,
    validate: (v) => !isPlaceholderValue(v) && !PLACEHOLDER_PASSWORDS.test(v) && v.length >= 4 && !/^\d{1,5}$/.test(v),
    context: connectionContext,
  },
  {
    class: 'pii',
    kind: 'US social security number',
    key: 'ssn',
    hint: /\d{3}[- .]?\d{2}/,
    pattern: /(?<![\w.-])(\d{3}([- .]?)\d{2}\2\d{4})(?![\w-]|\.\d)/g,
    group: 1,
    validate: isSsn,
    context: ssnContext,
    mask: true,
  },
  {
    class: 'pii',
    kind: 'payment card number',
    key: 'card_number',
    hint: /\d{4}/,
    // Digits written one by one (`4 1 1 1 ...`) need not hold the hint.
    lineHint: /\d[ -]?\d[ -]?\d[ -]?\d/,
    pattern: /(?<![\d-])((?:\d[ -]?){11,18}\d)(?![\d-])/g,
    group: 1,
    validate: isCardNumber,
    context: cardContext,
    mask: true,
  },
  {
    class: 'pii',
    kind: 'IBAN',
    key: 'iban',
    hint: /[A-Z]{2}\d{2}/,
    pattern: /\b([A-Z]{2}\d{2}(?:([ -]?)[A-Z0-9]{4})(?:\2[A-Z0-9]{4}){1,6}(?:\2[A-Z0-9]{1,4})?)/g,
    group: 1,
    trim: trimIban,
    validate: isIban,
    mask: true,
  },
  {
    class: 'pii',
    kind: 'email address',
    key: 'email',
    hint: /@/,
    // In a JSON or code string (`"registry\n\n@registry.register"`) an escaped line break ends in a letter: that
    // `n` does not start an address, and an address may start right after it.
    pattern:
      /(?:(?<![\w.%+:/-])(?!(?<=\\)[nrt])|(?<=\\[nrt]))([A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24})\b/g,
    group: 1,
    validate: isEmail,
    lowConfidence: true,
  },
  {
    class: 'pii',
    kind: 'phone number',
    key: 'phone',
    hint: /\+\d|\(\d{3}\)|\d{2,4}-\d{3,4}|1[3-9]\d{9}/,
    pattern:
      /(?<![\w+])(\+[1-9]\d{0,2}[ .-]?\(?\d{1,4}\)?(?:[ .-]?\d{1,4}){2,5}|\(\d{3}\) ?\d{3}-\d{4}|0\d{1,4}-\d{2,4}-\d{4}|0\d{1,2}-\d{6,8}|1[3-9]\d{9})(?![\w-])/g,
    group: 1,
    validate: isPhone,
    context: phoneContext,
    lowConfidence: true,
  },
];

/** Longest text scanned in one call; longer texts are scanned in their first part only. */
const MAX_SCAN = 1024 * 1024;

/** Claimed spans, kept sorted by start, so an overlap test costs a binary search even with 100,000 matches. */
class Claimed {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  overlaps(s: number, e: number): boolean {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid] < e) lo = mid + 1;
      else hi = mid;
    }
    // Spans never overlap each other, so only the last one starting before `e` can reach `s`.
    return lo > 0 && this.ends[lo - 1] > s;
  }

  add(s: number, e: number): void {
    let i = this.starts.length;
    while (i > 0 && this.starts[i - 1] > s) i--;
    this.starts.splice(i, 0, s);
    this.ends.splice(i, 0, e);
  }
}

/** Each detector's hint as a global expression, to find the lines it occurs on. */
const LINE_HINTS = new Map(
  DETECTORS.flatMap((d) => {
    const hint = d.lineHint ?? d.hint;
    return hint ? [[d, new RegExp(hint.source, `${hint.flags}g`)] as const] : [];
  }),
);

/**
 * The pattern's matches in `body`, each with the offset its index counts from. A detector whose
 * matches stay on one line is run on the lines its hint occurs on only: the hint and the
 * pattern are found on the same line, so the other lines cannot hold a match.
 */
function* matchesOf(d: Detector, body: string): Generator<[number, RegExpExecArray]> {
  const hint = LINE_HINTS.get(d);
  if (!hint) {
    d.pattern.lastIndex = 0;
    for (let m = d.pattern.exec(body); m; m = d.pattern.exec(body)) yield [0, m];
    return;
  }
  hint.lastIndex = 0;
  for (let h = hint.exec(body); h; h = hint.exec(body)) {
    const start = body.lastIndexOf('\n', h.index) + 1;
    const newline = body.indexOf('\n', h.index);
    const end = newline === -1 ? body.length : newline;
    const line = body.slice(start, end);
    d.pattern.lastIndex = 0;
    for (let m = d.pattern.exec(line); m; m = d.pattern.exec(line)) yield [start, m];
    // The rest of the line was scanned: the next hint is looked for from the next line on.
    hint.lastIndex = end + 1;
  }
}

/** Each detector's hint and anchors, for the test that every hint match holds an anchor. */
export function detectorHints(): readonly { key: string; hint?: RegExp; anchors?: readonly string[] }[] {
  return DETECTORS.map((d) => ({ key: d.key, hint: d.hint, anchors: d.anchors }));
}

/** Every detector's anchors in one automaton, and which detector each anchor is of. */
const ANCHORS = DETECTORS.flatMap((d, i) => (d.anchors ?? []).map((text) => ({ text, detector: i })));
const ANCHORED_DETECTORS = new Set(ANCHORS.map((a) => a.detector)).size;
let anchorAutomaton: AnchorAutomaton | undefined;

/** The secret detectors' anchors, in the order `ScanOptions.anchorsHeld` reads them. */
export const LITERAL_ANCHORS: readonly string[] = ANCHORS.map((a) => a.text);

/** Which detectors (by index) have an anchor among those held (by index in `LITERAL_ANCHORS`). */
function anchoredBy(held: Uint8Array): Uint8Array {
  const found = new Uint8Array(DETECTORS.length);
  for (let i = 0; i < ANCHORS.length; i++) if (held[i]) found[ANCHORS[i].detector] = 1;
  return found;
}

/** Which detectors (by index) have an anchor in `text`: one pass, stopped once all have. */
function anchoredIn(text: string): Uint8Array {
  const automaton = (anchorAutomaton ??= new AnchorAutomaton(LITERAL_ANCHORS));
  const found = new Uint8Array(DETECTORS.length);
  let left = ANCHORED_DETECTORS;
  for (let end = automaton.next(text, 0, 0); end !== -1 && left > 0; end = automaton.next(text, end, automaton.state))
    for (const anchor of automaton.endingAt[automaton.state]) {
      const detector = ANCHORS[anchor].detector;
      if (!found[detector]) {
        found[detector] = 1;
        left--;
      }
    }
  return found;
}

/** All validated secrets and PII in `text`, or only those of `classes`. */
export function scanLiterals(
  text: string,
  classes: readonly LiteralClass[] = ['secret', 'pii'],
  options: ScanOptions = {},
): LiteralMatch[] {
  const out: LiteralMatch[] = [];
  const body = text.length > MAX_SCAN ? text.slice(0, MAX_SCAN) : text;
  const taken = new Claimed();
  const anchored = !classes.includes('secret')
    ? undefined
    : options.anchorsHeld
      ? anchoredBy(options.anchorsHeld)
      : anchoredIn(body);
  for (let i = 0; i < DETECTORS.length; i++) {
    const d = DETECTORS[i];
    if (!classes.includes(d.class) || (d.anchors && !anchored?.[i]) || (d.hint && !d.hint.test(body))) continue;
    for (const [lineStart, m] of matchesOf(d, body)) {
      const matched = m[d.group ?? 0];
      const value = matched !== undefined && d.trim ? d.trim(matched) : matched;
      if (value === undefined || (d.validate && !d.validate(value, options))) continue;
      const offset = lineStart + m.index + m[0].indexOf(value);
      if (d.context && !options.forMasking && !d.context(body, offset, offset + value.length, value)) continue;
      // A span already claimed by an earlier (more specific) detector is not reported twice.
      if (taken.overlaps(offset, offset + value.length)) continue;
      taken.add(offset, offset + value.length);
      const digits = value.replace(/[^0-9A-Za-z]/g, '');
      out.push({
        class: d.class,
        kind: d.kind,
        key: d.key,
        offset,
        length: value.length,
        masked: d.mask ? `****${digits.slice(-4)}` : undefined,
        lowConfidence: d.lowConfidence,
        live: d.live,
      });
    }
  }
  return out.sort((a, b) => a.offset - b.offset);
}

/**
 * Replaces every secret and personal value that the detectors recognise in `text` with its
 * kind. The last line of defence for anything shown to a person (messages, fix titles,
 * hovers, waiver fields): a message that quotes user text (an unknown key, a callee, a
 * variable name, an id) never carries a value out.
 */
export function maskSensitive(text: string): string {
  if (text.length === 0) return text;
  const found = scanLiterals(text, ['secret', 'pii'], { forMasking: true });
  if (found.length === 0) return text;
  let out = '';
  let at = 0;
  for (const m of found) {
    out += text.slice(at, m.offset) + `[${m.kind}${m.masked ? ` ${m.masked}` : ''}]`;
    at = m.offset + m.length;
  }
  return out + text.slice(at);
}
