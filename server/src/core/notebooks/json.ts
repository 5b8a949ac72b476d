/**
 * A JSON reader that keeps positions: every value knows where it is in the text, and a string
 * can be decoded with the offset of each of its characters, so that something found in a
 * notebook cell's source points back at the exact place in the .ipynb file. Strings are not
 * decoded while reading (an embedded image is skipped at the speed of `indexOf`), and nesting
 * is followed on an explicit stack, so a hostile file cannot overflow the call stack.
 */

export type JsonValue = JsonObject | JsonArray | JsonString | JsonScalar;

export interface JsonObject {
  readonly kind: 'object';
  readonly start: number;
  readonly members: { readonly key: string; readonly value: JsonValue }[];
}

export interface JsonArray {
  readonly kind: 'array';
  readonly start: number;
  readonly items: JsonValue[];
}

/** A string token: `start` is its opening quote, `end` one past its closing quote. */
export interface JsonString {
  readonly kind: 'string';
  readonly start: number;
  readonly end: number;
}

export interface JsonScalar {
  readonly kind: 'scalar';
  readonly start: number;
}

/** Deeper than this the reader gives up: no notebook nests that far. */
const MAX_DEPTH = 256;

const WHITESPACE = /[ \t\n\r]*/y;
const SCALAR = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;

/** Parses `text`; undefined when it is not JSON (or nests deeper than `MAX_DEPTH`). */
export function parseJson(text: string): JsonValue | undefined {
  let pos = 0;
  const skip = () => {
    WHITESPACE.lastIndex = pos;
    WHITESPACE.test(text);
    pos = WHITESPACE.lastIndex;
  };
  const stringEnd = (from: number): number => {
    // `from` is the opening quote; a quote preceded by an odd run of backslashes is escaped.
    let i = from + 1;
    for (;;) {
      const q = text.indexOf('"', i);
      if (q < 0) return -1;
      let slashes = 0;
      while (text.charCodeAt(q - 1 - slashes) === 92) slashes++;
      if (slashes % 2 === 0) return q + 1;
      i = q + 1;
    }
  };
  type Open = { value: JsonObject | JsonArray; key?: string };
  const stack: Open[] = [];
  let root: JsonValue | undefined;
  const attach = (v: JsonValue): boolean => {
    const top = stack[stack.length - 1];
    if (!top) {
      root = v;
      return true;
    }
    if (top.value.kind === 'array') top.value.items.push(v);
    else {
      if (top.key === undefined) return false;
      top.value.members.push({ key: top.key, value: v });
      top.key = undefined;
    }
    return true;
  };
  // After a value: a comma, or the end of the enclosing container.
  const afterValue = (): boolean => {
    for (;;) {
      skip();
      const top = stack[stack.length - 1];
      if (!top) return pos === text.length;
      const c = text[pos];
      if (c === ',') {
        pos++;
        return true;
      }
      if ((c === '}' && top.value.kind === 'object') || (c === ']' && top.value.kind === 'array')) {
        pos++;
        stack.pop();
        if (stack.length === 0) {
          skip();
          return pos === text.length;
        }
        continue;
      }
      return false;
    }
  };
  for (;;) {
    skip();
    const top = stack[stack.length - 1];
    if (top?.value.kind === 'object' && top.key === undefined) {
      // An empty object closes at once; otherwise a key and a colon come first.
      if (text[pos] === '}' && top.value.members.length === 0) {
        pos++;
        stack.pop();
        if (stack.length === 0) {
          skip();
          return pos === text.length ? root : undefined;
        }
        if (!afterValue()) return undefined;
        if (stack.length === 0) return root;
        continue;
      }
      if (text[pos] !== '"') return undefined;
      const end = stringEnd(pos);
      if (end < 0) return undefined;
      top.key = decodeString(text, { kind: 'string', start: pos, end }).value;
      pos = end;
      skip();
      if (text[pos] !== ':') return undefined;
      pos++;
      skip();
    }
    const c = text[pos];
    if (c === '{' || c === '[') {
      if (stack.length >= MAX_DEPTH) return undefined;
      const value: JsonObject | JsonArray =
        c === '{' ? { kind: 'object', start: pos, members: [] } : { kind: 'array', start: pos, items: [] };
      if (!attach(value)) return undefined;
      stack.push({ value });
      pos++;
      skip();
      if (c === '[' && text[pos] === ']') {
        pos++;
        stack.pop();
        if (stack.length === 0) {
          skip();
          return pos === text.length ? root : undefined;
        }
        if (!afterValue()) return undefined;
        if (stack.length === 0) return root;
      }
      continue;
    }
    let value: JsonValue;
    if (c === '"') {
      const end = stringEnd(pos);
      if (end < 0) return undefined;
      value = { kind: 'string', start: pos, end };
      pos = end;
    } else {
      SCALAR.lastIndex = pos;
      if (!SCALAR.test(text)) return undefined;
      value = { kind: 'scalar', start: pos };
      pos = SCALAR.lastIndex;
    }
    if (!attach(value)) return undefined;
    if (!afterValue()) return undefined;
    if (stack.length === 0) return root;
  }
}

/** A decoded string and, for each of its UTF-16 units, its offset in the JSON text. */
export interface Decoded {
  readonly value: string;
  /** `offsets[i]` is where unit `i` is written; `offsets[value.length]` is the closing quote. */
  readonly offsets: Int32Array;
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Decodes a string token, at most `limit` units of it (the rest is not read). */
export function decodeString(text: string, s: JsonString, limit = Infinity): Decoded {
  const parts: string[] = [];
  const offsets: number[] = [];
  let i = s.start + 1;
  const last = s.end - 1;
  while (i < last && offsets.length < limit) {
    const c = text[i];
    if (c !== '\\') {
      // A run without escapes is copied whole.
      let j = text.indexOf('\\', i);
      if (j < 0 || j > last) j = last;
      j = Math.min(j, i + (limit - offsets.length));
      parts.push(text.slice(i, j));
      for (let k = i; k < j; k++) offsets.push(k);
      i = j;
      continue;
    }
    const e = text[i + 1];
    if (e === 'u') {
      parts.push(String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16) || 0));
      offsets.push(i);
      i += 6;
    } else {
      parts.push(ESCAPES[e] ?? e ?? '');
      offsets.push(i);
      i += 2;
    }
  }
  offsets.push(Math.min(i, last));
  return { value: parts.join(''), offsets: Int32Array.from(offsets) };
}

/** The member `key` of an object, if it is one. */
export function member(v: JsonValue | undefined, key: string): JsonValue | undefined {
  return v?.kind === 'object' ? v.members.find((m) => m.key === key)?.value : undefined;
}

/** The string a scalar-or-string value holds, decoded; undefined for anything else. */
export function stringValue(text: string, v: JsonValue | undefined): string | undefined {
  return v?.kind === 'string' ? decodeString(text, v).value : undefined;
}
