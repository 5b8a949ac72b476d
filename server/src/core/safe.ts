import { maskSensitive, scanLiterals } from './sensitivity/literals';
import type { Classified, Hop, LineageEdge, Source } from './lineage/model';
import type { Finding, Note, Waiver } from './types';

/**
 * Masking at the edge: everything the core hands a shell to show (messages, fix titles, hovers,
 * symbols, completion, lineage ids, file names, waiver fields) passes through one of two
 * functions here. `maskText` is for prose: a value becomes its kind (`[US social security
 * number ****6789]`). `maskId` is for names a person or a program looks things up by (node ids,
 * tier ids, file paths): a value becomes `<ssn:1a2b3c4d>`, its detector's key and a keyed digest,
 * so the same value always gives the same name within a run (graph edges and lookups still work)
 * while the name reveals nothing: the digest's key is random per process, so even a value from
 * a small space (an SSN) cannot be found by hashing every candidate.
 */

/** A private key block from BEGIN to END, or to the end of the text when END is missing. */
const PEM =
  /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----|$)/g;

/**
 * Texts masked lately, by their text. An open document's unchanged findings come back with the
 * same messages on every keystroke, and masking runs every detector over each; the masked text
 * depends on the text alone.
 */
const maskedTexts = new Map<string, string>();
/** Past this many texts the memory starts again: a workspace scan's messages are mostly seen once. */
const MAX_MASKED_TEXTS = 4096;

/** Prose with every recognised value replaced by its kind, private key blocks whole. */
export function maskText(text: string): string;
export function maskText(text: string | undefined): string | undefined;
export function maskText(text: string | undefined): string | undefined {
  if (!text) return text;
  let out = maskedTexts.get(text);
  if (out === undefined) {
    out = maskSensitive(text.includes('PRIVATE KEY') ? text.replace(PEM, '[private key]') : text);
    if (maskedTexts.size >= MAX_MASKED_TEXTS) maskedTexts.clear();
    maskedTexts.set(text, out);
  }
  return out;
}

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

/** SHA-256 (FIPS 180-4). The core does no I/O and has no crypto module, so it carries its own. */
export function sha256(data: Uint8Array): Uint8Array {
  const padded = new Uint8Array(((data.length + 9 + 63) >> 6) << 6);
  padded.set(data);
  padded[data.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(data.length / 0x20000000));
  view.setUint32(padded.length - 4, (data.length << 3) >>> 0);
  const h = new Uint32Array([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  ]);
  const w = new Uint32Array(64);
  const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));
  for (let at = 0; at < padded.length; at += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(at + i * 4);
    for (let i = 16; i < 64; i++) {
      const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
      const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) >>> 0;
    }
    let [a, b, c, d, e, f, g, hh] = h;
    for (let i = 0; i < 64; i++) {
      const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) >>> 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) >>> 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) >>> 0;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
  }
  const out = new Uint8Array(32);
  const ov = new DataView(out.buffer);
  h.forEach((x, i) => ov.setUint32(i * 4, x));
  return out;
}

function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  const inner = new Uint8Array(64 + message.length);
  const outer = new Uint8Array(64 + 32);
  for (let i = 0; i < 64; i++) {
    inner[i] = (key[i] ?? 0) ^ 0x36;
    outer[i] = (key[i] ?? 0) ^ 0x5c;
  }
  inner.set(message, 64);
  outer.set(sha256(inner), 64);
  return sha256(outer);
}

const encoder = new TextEncoder();

/** The digest's key: random for each process (the language server's session, one CLI run). */
let key: Uint8Array = randomKey();
const memo = new Map<string, string>();

function randomKey(): Uint8Array {
  const k = new Uint8Array(32);
  crypto.getRandomValues(k);
  return k;
}

/**
 * Sets the digest's key, so that other threads of one run name values as this one does, or a
 * test gets the same names twice. Takes at least 16 bytes.
 */
export function setMaskKey(k: Uint8Array): void {
  if (k.length < 16) throw new Error('a mask key has at least 16 bytes');
  key = k.slice(0, 64);
  memo.clear();
}

/** The current key, to hand to another thread of the same run. */
export function maskKey(): Uint8Array {
  return key.slice();
}

/** A short keyed digest of a value: eight hex digits, enough to keep a workspace's values apart. */
function digest(kind: string, value: string): string {
  const d = hmacSha256(key, encoder.encode(`${kind}\u0000${value}`));
  return [...d.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Memoised results are bounded: ids come from the workspace, and a workspace can be huge. */
const MEMO_LIMIT = 50_000;

/**
 * A name with every recognised value replaced by `<key:digest>`, the same for the same value,
 * so masked ids stay distinct and stable within a run. A name with nothing in it is returned
 * as it is.
 */
export function maskId(id: string): string;
export function maskId(id: string | undefined): string | undefined;
export function maskId(id: string | undefined): string | undefined {
  if (!id) return id;
  const known = memo.get(id);
  if (known !== undefined) return known;
  // Ids are composed (`pipeline/stage`, `name@version->target`, `folder/file`), and a value
  // glued to a separator escapes detectors that want a boundary: the whole id is masked first,
  // then each part between the separators, then each side of an `@`.
  let text = maskValues(
    id.includes('PRIVATE KEY') ? id.replace(PEM, (block) => `<private_key:${digest('private_key', block)}>`) : id,
  );
  if (/->|\/|@/.test(text))
    text = text
      .split(/(->|\/)/)
      .map((part) => maskValues(maskValues(part).split('@').map(maskValues).join('@')))
      .join('');
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(id, text);
  return text;
}

/** Every value the detectors recognise in `text`, replaced by `<key:digest>`. */
function maskValues(text: string): string {
  const found = scanLiterals(text, ['secret', 'pii'], { forMasking: true });
  if (found.length === 0) return text;
  let out = '';
  let at = 0;
  for (const m of found) {
    out += text.slice(at, m.offset) + `<${m.key}:${digest(m.key, text.slice(m.offset, m.offset + m.length))}>`;
    at = m.offset + m.length;
  }
  return out + text.slice(at);
}

/** The id among `ids` that `wanted` names: itself, or the id that masks to it. */
export function unmaskId(ids: Iterable<string>, wanted: string): string | undefined {
  let found: string | undefined;
  for (const id of ids) {
    if (id === wanted) return id;
    if (found === undefined && maskId(id) === wanted) found = id;
  }
  return found;
}

/** True when a fix would write a value a detector recognises (a did-you-mean pointing at a pasted token). */
/** Whether an edit's text carries a recognised value, by the text: fixes come back on every keystroke too. */
const valueTexts = new Map<string, boolean>();

function writesValue(fix: Finding['fixes'][number]): boolean {
  return fix.edits.some((e) => {
    if (e.newText.length === 0) return false;
    let writes = valueTexts.get(e.newText);
    if (writes === undefined) {
      writes = e.newText.includes('PRIVATE KEY') || scanLiterals(e.newText).length > 0;
      if (valueTexts.size >= MAX_MASKED_TEXTS) valueTexts.clear();
      valueTexts.set(e.newText, writes);
    }
    return writes;
  });
}

/**
 * Findings as they leave the core: messages and fix titles masked. Edits are code and are left
 * as they are, since applying them needs them whole; instead a fix that would write a value a
 * detector recognises is dropped, so no edit printed or applied carries one.
 */
export function masked(findings: readonly Finding[]): Finding[] {
  return findings.map((f) => ({
    ...f,
    message: maskText(f.message),
    fixes: f.fixes.filter((x) => !writesValue(x)).map((x) => ({ ...x, title: maskText(x.title) })),
    ...(f.related ? { related: f.related.map((r) => ({ ...r, message: maskText(r.message) })) } : {}),
    ...(f.flow ? { flow: f.flow.map((r) => ({ ...r, message: maskText(r.message) })) } : {}),
    ...(f.waiver ? { waiver: maskedWaiver(f.waiver) } : {}),
  }));
}

/** A note's message masked (a note names its file; shells mask the path when they print it). */
export function maskedNote(n: Note): Note {
  return { ...n, message: maskText(n.message) };
}

/** A waiver's fields masked as prose: the same in every thread, since prose needs no key. */
export function maskedWaiver(w: Waiver): Waiver {
  return { ...w, reason: maskText(w.reason), approver: maskText(w.approver), policy: maskText(w.policy) };
}

/** A lineage node as shown: id, detail and tiers masked. Its path stays, for the shell to locate it. */
export function maskedNode<N extends Classified>(n: N): N {
  return {
    ...n,
    id: maskId(n.id),
    detail: maskText(n.detail),
    tier: maskId(n.tier),
    declaredTier: maskId(n.declaredTier),
    redacts: n.redacts?.map((r) => maskId(r)),
  };
}

export function maskedEdge<E extends LineageEdge>(e: E): E {
  return { ...e, from: maskId(e.from), to: maskId(e.to) };
}

export function maskedHop(h: Hop): Hop {
  return { ...h, id: maskId(h.id), tier: maskId(h.tier), ...(h.content ? { content: maskText(h.content) } : {}) };
}

/** A contributing source as shown: its id, tiers and redacting stage masked as names. */
export function maskedSource(s: Source): Source {
  return {
    ...s,
    id: maskId(s.id),
    declaredTier: maskId(s.declaredTier),
    tier: maskId(s.tier),
    redactedBy: maskId(s.redactedBy),
  };
}

/** A subgraph as shown (see maskedNode). */
export function maskedGraph(g: { readonly nodes: readonly Classified[]; readonly edges: readonly LineageEdge[] }): {
  nodes: Classified[];
  edges: LineageEdge[];
} {
  return { nodes: g.nodes.map(maskedNode), edges: g.edges.map(maskedEdge) };
}
