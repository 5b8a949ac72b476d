import type { Span } from '../types';

/**
 * Where the cursor is in a YAML document, worked out from indentation alone, so that it holds
 * while the user types and the document does not parse. Block mappings and sequences are
 * understood; a flow sequence only on the cursor's own line (`inputs: [a, b`).
 */
export type Cursor =
  | {
      readonly at: 'key';
      /** The mapping the key goes into. */
      readonly path: readonly (string | number)[];
      /** The keys the mapping already has. */
      readonly present: ReadonlySet<string>;
      /** Column of the mapping's keys. */
      readonly column: number;
      /** The word being typed. */
      readonly replace: Span;
      /** True when the line starts a new `- ` item: the item may as well be a scalar. */
      readonly item: boolean;
      /** True when the word is a key that already has its `:` (the user is renaming it). */
      readonly keyed: boolean;
    }
  | {
      readonly at: 'value';
      /** The value's place: a key's value, or an item of a list. */
      readonly path: readonly (string | number)[];
      readonly replace: Span;
    };

interface Line {
  readonly indent: number;
  /** Columns of the `- ` markers that open the line. */
  readonly dashes: number[];
  readonly keyColumn: number;
  readonly key?: string;
  /** What follows `key:`, or the whole content after the dashes. */
  readonly rest: string;
}

const KEY = /^([A-Za-z_$][\w.$-]*|"[^"]*"|'[^']*')[ \t]*:(?=\s|$)[ \t]*(.*)$/;

function scan(text: string): Line | undefined {
  const indent = /^ */.exec(text)![0].length;
  const body = text.slice(indent);
  if (body === '' || body.startsWith('#')) return undefined;
  const dashes: number[] = [];
  let i = indent;
  while (text[i] === '-' && (i + 1 === text.length || text[i + 1] === ' ')) {
    dashes.push(i);
    i++;
    while (text[i] === ' ') i++;
  }
  const m = KEY.exec(text.slice(i));
  return {
    indent,
    dashes,
    keyColumn: i,
    key: m ? m[1].replace(/^["']|["']$/g, '') : undefined,
    rest: m ? m[2] : text.slice(i),
  };
}

interface Frame {
  readonly column: number;
  readonly segment: string | number;
  readonly kind: 'key' | 'item';
}

/** Pops the frames a line at this indentation closes, and pushes the ones it opens. */
function enter(stack: Frame[], line: Line, withKey: boolean): void {
  let sibling: Frame | undefined;
  if (line.dashes.length > 0) {
    const d = line.dashes[0];
    while (stack.length && stack[stack.length - 1].column > d) stack.pop();
    const top = stack[stack.length - 1];
    if (top && top.column === d && top.kind === 'item') sibling = stack.pop();
    // A nested sequence (`- - x`) starts counting anew.
    line.dashes.forEach((column, i) =>
      stack.push({ column, segment: i === 0 && sibling ? (sibling.segment as number) + 1 : 0, kind: 'item' }),
    );
  } else {
    while (stack.length && stack[stack.length - 1].column >= line.indent) stack.pop();
  }
  if (withKey && line.key !== undefined) stack.push({ column: line.keyColumn, segment: line.key, kind: 'key' });
}

/** The keys of the mapping whose keys sit at `column`, around the cursor's line. */
function presentKeys(lines: readonly string[], cursorLine: number, column: number, startsItem: boolean): Set<string> {
  const present = new Set<string>();
  if (!startsItem) {
    for (let l = cursorLine - 1; l >= 0; l--) {
      const s = scan(lines[l]);
      if (!s) continue;
      if (s.keyColumn === column && s.key !== undefined && (s.indent === column || s.dashes.length > 0)) {
        present.add(s.key);
        if (s.dashes.length > 0) break;
        continue;
      }
      if (s.indent < column) break;
    }
  }
  for (let l = cursorLine + 1; l < lines.length; l++) {
    const s = scan(lines[l]);
    if (!s) continue;
    if (s.indent < column) break;
    if (s.indent === column && s.dashes.length === 0 && s.key !== undefined) present.add(s.key);
  }
  return present;
}

export function cursorAt(text: string, offset: number): Cursor | undefined {
  const lines = text.split(/\r?\n/);
  const before = text.slice(0, offset).split(/\r?\n/);
  const cursorLine = before.length - 1;
  const prefix = before[cursorLine];
  const stack: Frame[] = [];
  let blockScalar: number | undefined;
  for (let l = 0; l < cursorLine; l++) {
    const s = scan(lines[l]);
    if (blockScalar !== undefined) {
      if (!s || s.indent > blockScalar) continue;
      blockScalar = undefined;
    }
    if (!s) continue;
    enter(stack, s, true);
    if (s.key !== undefined && /^[|>][-+0-9]*\s*(#.*)?$/.test(s.rest)) blockScalar = s.keyColumn;
  }
  if (blockScalar !== undefined && /^ */.exec(prefix)![0].length > blockScalar) return undefined;

  const word = /[\w.$/-]*$/.exec(prefix)![0];
  // The whole word is replaced, also the part after the cursor.
  const rest = (lines[cursorLine] ?? '').slice(prefix.length);
  const tail = /^[\w.$/-]*/.exec(rest)![0];
  const replace = { offset: offset - word.length, length: word.length + tail.length };
  const line = scan(prefix + 'x');
  if (!line) return undefined;
  if (line.key === undefined) {
    // A key being typed (or a scalar item of a list): nothing but the word after the dashes.
    if (!/^[\w.$/-]*$/.test(prefix.slice(line.keyColumn))) return undefined;
    enter(stack, line, false);
    const path = stack.map((f) => f.segment);
    const keyed = /^[ \t]*:/.test(rest.slice(tail.length));
    return {
      at: 'key',
      path,
      present: presentKeys(lines, cursorLine, line.keyColumn, line.dashes.length > 0),
      column: line.keyColumn,
      replace,
      item: line.dashes.length > 0,
      keyed,
    };
  }
  enter(stack, line, true);
  const path = stack.map((f) => f.segment);
  const value = line.rest.slice(0, -1);
  if (value === '' || /^[\w.$/"'-]*$/.test(value)) return { at: 'value', path, replace };
  // A flow sequence on this line: the item being typed.
  const flow = /^\[(?:[^\][{}]*,)?\s*[\w.$/-]*$/.exec(value);
  if (flow) return { at: 'value', path: [...path, (value.match(/,/g) ?? []).length], replace };
  return undefined;
}
