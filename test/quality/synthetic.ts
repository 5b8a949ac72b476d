import { crc32 } from 'node:zlib';

/**
 * Synthetic values for the detector sample sets, made here rather than written out, so that no
 * file in the repository holds a live-format token. A fixed seed keeps them the same on every run;
 * none of them was ever issued by a provider.
 */
export class Synthetic {
  private state: number;

  constructor(seed = 0x5eed) {
    this.state = seed >>> 0;
  }

  /** xorshift32: deterministic and good enough to look random to an entropy test. */
  private next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }

  chars(alphabet: string, n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet[this.next() % alphabet.length];
    return out;
  }

  digits(n: number): string {
    return this.chars('0123456789', n);
  }
}

export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const BASE64 = ALNUM + '+/';

/** `n` in base 62, left-padded to `width`: how GitHub and npm write a token's checksum. */
export function base62(n: number, width: number): string {
  let out = '';
  do {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  } while (n > 0);
  return out.padStart(width, '0');
}

/** A token in GitHub's (or npm's) format with a correct CRC32 checksum, computed by Node's zlib. */
export function checksummedToken(s: Synthetic, prefix: string): string {
  const random = s.chars(ALNUM, 30);
  return `${prefix}${random}${base62(crc32(random), 6)}`;
}

/** A Luhn-valid number with the given leading digits and length. */
export function luhnNumber(s: Synthetic, prefix: string, length: number): string {
  const body = prefix + s.digits(length - prefix.length - 1);
  for (let d = 0; d <= 9; d++) {
    const candidate = body + d;
    let sum = 0;
    for (let i = 0; i < candidate.length; i++) {
      let v = Number(candidate[candidate.length - 1 - i]);
      if (i % 2 === 1) v = v * 2 > 9 ? v * 2 - 9 : v * 2;
      sum += v;
    }
    if (sum % 10 === 0) return candidate;
  }
  throw new Error('unreachable');
}

/** An IBAN with correct check digits for a country and a random account part. */
export function iban(s: Synthetic, country: string, bban: string): string {
  const numeric = (bban + country + '00').replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let r = 0;
  for (const ch of numeric) r = (r * 10 + Number(ch)) % 97;
  return country + String(98 - r).padStart(2, '0') + bban;
}

/** A PEM block with a random base64 body: the shape of a private key, never a usable one. */
export function pemBlock(s: Synthetic, label: string, lines = 12, eol = '\n'): string {
  const body = Array.from({ length: lines }, () => s.chars(BASE64, 64));
  return [`-----BEGIN ${label}-----`, ...body, `-----END ${label}-----`].join(eol);
}
