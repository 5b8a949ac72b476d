/**
 * Sensitive literal values: secrets and PII written into code, prompts and configs. Every
 * detector validates what its pattern finds (checksums, ranges, structure, entropy), so a
 * look-alike does not become a finding. Results carry a span and a kind, never the value.
 */

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
}

interface Detector {
  readonly class: LiteralClass;
  readonly kind: string;
  readonly key: string;
  /** A cheap test run before the pattern: a substring every match contains. */
  readonly hint?: RegExp;
  readonly pattern: RegExp;
  /** Which capture group is the value (0 for the whole match). */
  readonly group?: number;
  validate?(value: string): boolean;
  readonly lowConfidence?: boolean;
  readonly mask?: boolean;
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
  return /^(x+|\*+|\.+|<[^>]*>|\$\{[^}]*\}|\{\{[^}]*\}\}|\{[^}]*\}|\$[A-Z_]+|%\([^)]*\)s|changeme|password|secret|example|dummy|redacted|test|todo|fixme|none|null|undefined|your[-_ ]?\w*|x{3,}\w*)$/i.test(value) || /(.)\1{7,}/.test(value);
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

/** Well-known test card numbers published by payment providers: not anyone's card. */
const TEST_CARDS = new Set(['4242424242424242', '4111111111111111', '5555555555554444', '378282246310005', '371449635398431', '4000056655665556', '5105105105105100', '6011111111111117', '4012888888881881', '5200828282828210']);

function isCardNumber(raw: string): boolean {
  const digits = raw.replace(/[ -]/g, '');
  if (digits.length < 13 || digits.length > 19 || TEST_CARDS.has(digits) || /^(\d)\1+$/.test(digits)) return false;
  if (!/^(4|5[1-5]|2[2-7]|3[47]|6(011|5|4[4-9])|35|30[0-5]|36|38)/.test(digits)) return false;
  // Separators, when present, must group the digits the way cards are printed.
  if (/[ -]/.test(raw) && !/^\d{4}([ -]\d{4}){2}[ -]\d{1,7}$|^\d{4}[ -]\d{6}[ -]\d{5}$/.test(raw)) return false;
  return luhn(digits);
}

/** IBAN lengths by country (the common ones); others must be 15-34 characters. */
const IBAN_LENGTHS: Record<string, number> = {
  AT: 20, BE: 16, CH: 21, CZ: 24, DE: 22, DK: 18, ES: 24, FI: 18, FR: 27, GB: 22, GR: 27, HU: 28, IE: 22, IT: 27, LU: 20, NL: 18, NO: 15, PL: 28, PT: 25, SE: 24, SK: 24,
};

export function isIban(raw: string): boolean {
  const iban = raw.replace(/ /g, '').toUpperCase();
  const expected = IBAN_LENGTHS[iban.slice(0, 2)];
  if (expected ? iban.length !== expected : iban.length < 15 || iban.length > 34) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const v = ch >= 'A' && ch <= 'Z' ? ch.charCodeAt(0) - 55 : ch.charCodeAt(0) - 48;
    remainder = Number(String(remainder) + String(v)) % 97;
  }
  return remainder === 1;
}

export function isSsn(raw: string): boolean {
  const [area, group, serial] = raw.split('-');
  const a = Number(area);
  if (a === 0 || a === 666 || a >= 900 || group === '00' || serial === '0000') return false;
  // Numbers famous for being printed in advertising and documentation.
  return raw !== '078-05-1120' && raw !== '219-09-9999' && raw !== '123-45-6789';
}

function isJwt(token: string): boolean {
  try {
    const part = token.split('.')[0].replace(/-/g, '+').replace(/_/g, '/');
    const header = JSON.parse(atob(part + '='.repeat((4 - (part.length % 4)) % 4))) as { alg?: unknown };
    return typeof header.alg === 'string';
  } catch {
    return false;
  }
}

const EXAMPLE_DOMAINS = /@(example\.(com|org|net)|test|localhost|.*\.(test|example|invalid|local))$|^(noreply|no-reply|donotreply)@|@users\.noreply\.github\.com$/i;

const DETECTORS: readonly Detector[] = [
  { class: 'secret', kind: 'AWS access key ID', key: 'aws_access_key_id', hint: /A[KS]IA|AB?IA|ACCA/, pattern: /\b((?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16})\b/g, group: 1, validate: (v) => !v.endsWith('EXAMPLE') },
  { class: 'secret', kind: 'AWS secret access key', key: 'aws_secret_access_key', hint: /aws_?secret/i, pattern: /aws_?secret_?(?:access_?)?key\W{0,5}([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/gi, group: 1, validate: (v) => entropy(v) > 4 },
  { class: 'secret', kind: 'GitHub token', key: 'github_token', hint: /gh[pousr]_|github_pat_/, pattern: /\b(gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{60,255})\b/g, group: 1, validate: (v) => entropy(v) > 3.5 },
  { class: 'secret', kind: 'Slack token', key: 'slack_token', hint: /xox/, pattern: /\b(xox[baprs]-[0-9A-Za-z-]{10,250})\b/g, group: 1, validate: (v) => entropy(v) > 3 },
  { class: 'secret', kind: 'Stripe live key', key: 'stripe_key', hint: /_live_/, pattern: /\b((?:sk|rk)_live_[0-9A-Za-z]{24,247})\b/g, group: 1 },
  { class: 'secret', kind: 'Anthropic API key', key: 'anthropic_api_key', hint: /sk-ant-/, pattern: /\b(sk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{32,200})/g, group: 1, validate: (v) => entropy(v) > 4 },
  { class: 'secret', kind: 'OpenAI API key', key: 'openai_api_key', hint: /sk-/, pattern: /\b(sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,250}|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}|sk-[A-Za-z0-9]{48})(?![A-Za-z0-9_-])/g, group: 1, validate: (v) => entropy(v) > 4 },
  { class: 'secret', kind: 'Hugging Face token', key: 'hf_token', hint: /hf_/, pattern: /\b(hf_[A-Za-z]{34,40})\b/g, group: 1, validate: (v) => entropy(v.slice(3)) > 3.5 },
  { class: 'secret', kind: 'Google API key', key: 'google_api_key', hint: /AIza/, pattern: /\b(AIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])/g, group: 1 },
  { class: 'secret', kind: 'private key', key: 'private_key', hint: /PRIVATE KEY/, pattern: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----/g },
  { class: 'secret', kind: 'JSON Web Token', key: 'jwt', hint: /eyJ/, pattern: /\b(eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})/g, group: 1, validate: isJwt },
  {
    class: 'secret', kind: 'connection string with a password', key: 'connection_string', hint: /:\/\/[^\s/]{0,256}:[^\s/]{0,256}@/,
    pattern: /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:@/'"]{0,256}:([^\s@/'"]{1,256})@[^\s/'"]{1,256}/gi, group: 1, validate: (v) => !isPlaceholderValue(v) && v.length >= 4,
  },
  { class: 'pii', kind: 'US social security number', key: 'ssn', hint: /\d{3}-\d{2}-\d{4}/, pattern: /(?<![\d-])(\d{3}-\d{2}-\d{4})(?![\d-])/g, group: 1, validate: isSsn, mask: true },
  { class: 'pii', kind: 'payment card number', key: 'card_number', hint: /\d{4}/, pattern: /(?<![\d-])((?:\d[ -]?){12,18}\d)(?![\d-])/g, group: 1, validate: isCardNumber, mask: true },
  { class: 'pii', kind: 'IBAN', key: 'iban', hint: /[A-Z]{2}\d{2}/, pattern: /\b([A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?)\b/g, group: 1, validate: isIban, mask: true },
  { class: 'pii', kind: 'email address', key: 'email', hint: /@/, pattern: /(?<![\w.%+:/-])([A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24})\b/g, group: 1, validate: (v) => !EXAMPLE_DOMAINS.test(v) && !/^git@/i.test(v), lowConfidence: true },
  {
    class: 'pii', kind: 'phone number', key: 'phone', hint: /\+\d|\(\d{3}\)/,
    pattern: /(?<![\w+])(\+[1-9]\d{0,2}[ .-]?\(?\d{1,4}\)?(?:[ .-]?\d{2,4}){2,4}|\(\d{3}\) ?\d{3}-\d{4})(?![\w-])/g, group: 1,
    validate: (v) => {
      const digits = v.replace(/\D/g, '');
      return digits.length >= 10 && digits.length <= 15 && !/555-?01\d\d$/.test(v) && !/^(\d)\1+$/.test(digits);
    },
    lowConfidence: true,
  },
];

/** Longest text scanned in one call; longer texts are scanned in their first part only. */
const MAX_SCAN = 1024 * 1024;

/** All validated secrets and PII in `text`, or only those of `classes`. */
export function scanLiterals(text: string, classes: readonly LiteralClass[] = ['secret', 'pii']): LiteralMatch[] {
  const out: LiteralMatch[] = [];
  const body = text.length > MAX_SCAN ? text.slice(0, MAX_SCAN) : text;
  const taken: [number, number][] = [];
  for (const d of DETECTORS) {
    if (!classes.includes(d.class) || (d.hint && !d.hint.test(body))) continue;
    d.pattern.lastIndex = 0;
    for (let m = d.pattern.exec(body); m; m = d.pattern.exec(body)) {
      const value = m[d.group ?? 0];
      if (value === undefined || (d.validate && !d.validate(value))) continue;
      const offset = m.index + m[0].indexOf(value);
      // A span already claimed by an earlier (more specific) detector is not reported twice.
      if (taken.some(([s, e]) => offset < e && offset + value.length > s)) continue;
      taken.push([offset, offset + value.length]);
      const digits = value.replace(/[^0-9A-Za-z]/g, '');
      out.push({
        class: d.class,
        kind: d.kind,
        key: d.key,
        offset,
        length: value.length,
        masked: d.mask ? `****${digits.slice(-4)}` : undefined,
        lowConfidence: d.lowConfidence,
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
  const found = scanLiterals(text);
  if (found.length === 0) return text;
  let out = '';
  let at = 0;
  for (const m of found) {
    out += text.slice(at, m.offset) + `[${m.kind}${m.masked ? ` ${m.masked}` : ''}]`;
    at = m.offset + m.length;
  }
  return out + text.slice(at);
}
