/**
 * Which top-level definitions of a scanned file need a syntax tree at all. A definition whose
 * text names nothing sensitive, that no kept code calls and that calls nothing that may return
 * data is never walked by the flow walker: leaving it out of the parse (tree-sitter's included
 * ranges) costs nothing in findings and saves its parse. The plan is read from the text alone;
 * the walker then checks, at each left-out definition, that it would not have walked it (a
 * tainted module name, a call to a helper returning data) and asks for the full parse when it
 * would have.
 */

import { ANNOTATION_MARKER } from '../annotation-marker';
import { SOURCES_WITHOUT_NAMES } from './lazy';
import type { Prefilter } from '../sensitivity/prefilter';

/** Files parsed from a plan, and those that needed the full parse after all, since the process started. */
export const hotCounts = { planned: 0, fallbacks: 0, keptChars: 0, coldChars: 0 };

/** Off, every file is parsed whole: for the tests that compare the two, and for measuring. */
export const hotParsing = { enabled: true };

/** A top-level definition left out of the parse. */
export interface ColdDefinition {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** A stretch of the file's text the parse reads, in the terms tree-sitter's `includedRanges` take. */
export interface ParsedRange {
  readonly startIndex: number;
  readonly endIndex: number;
  readonly startPosition: { readonly row: number; readonly column: number };
  readonly endPosition: { readonly row: number; readonly column: number };
}

export interface HotPlan {
  /** What the parse reads: the file less its cold definitions, each stretch at its own offsets and lines. */
  readonly ranges: readonly ParsedRange[];
  readonly cold: readonly ColdDefinition[];
  /** Start offsets of the cold definitions, in order, then the text's length: no parsed statement may reach past the next one. */
  readonly bounds: readonly number[];
}

interface Segment {
  start: number;
  end: number;
  /** The 0-based line the segment starts on (at column 0). */
  row: number;
  /** Starts with a function or class definition (or its decorators). */
  definition: boolean;
  /** A definition whose lines after its head are all indented (or close it), so that leaving it out can hide nothing else. */
  eligible: boolean;
  /** Decorators read, the `def` or `class` line not yet. */
  decorated?: boolean;
}

/** Code a left-out definition must not hold: imports inside functions are read by the import resolution. */
const IMPORTS = /\bimport\b|\brequire\b/;
const WORD = /[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*/gu;
/** Names a Python file's functions and methods are called by. */
const PY_DECLARED = /\bdef[ \t]+([\p{ID_Start}_][\p{ID_Continue}]*)/gu;
/**
 * Names a TypeScript or JavaScript file's functions and methods may be called by, read
 * generously: a declaration, a word before a parameter list that no `.` precedes (a method or
 * a plain call), and a name given a function. A word that is not a function costs only a
 * kept definition.
 */
const TS_DECLARED = new RegExp(
  [
    /\bfunction\b\s*\*?\s*([\p{ID_Start}$_][\p{ID_Continue}$]*)/u.source,
    /(?<![.\p{ID_Continue}$#])([\p{ID_Start}$_][\p{ID_Continue}$]*)\s*[?!]?\s*(?:<[^(){};]*>)?\s*\(/u.source,
    /([\p{ID_Start}$_][\p{ID_Continue}$]*)\s*(?::[^=;\n]*)?=\s*(?:async\b|function\b|\(|<|[\p{ID_Start}$_][\p{ID_Continue}$]*\s*=>)/u
      .source,
  ].join('|'),
  'gu',
);
/**
 * Statement keywords that read like a method name before `(`: left out of the declared names,
 * unless kept code calls a method of that name on `this`.
 */
const KEYWORDS = new Set([
  'if',
  'for',
  'while',
  'switch',
  'catch',
  'with',
  'return',
  'function',
  'typeof',
  'await',
  'new',
  'void',
  'delete',
  'in',
  'of',
  'instanceof',
  'yield',
  'throw',
  'case',
  'do',
  'else',
  'super',
]);
/** The grammars whose files a plan can be made for. */
const PLANNED = new Set(['python', 'typescript', 'tsx', 'javascript']);
/** The grammars that read JSX. */
const JSX = new Set(['tsx', 'javascript']);
/** Past this many possible scopes the summary pass counts which functions it reads (`MAX_SUMMARISED_FUNCTIONS`): parsed whole. */
const MAX_SCOPE_MARKS = 1_500;

/**
 * The plan for one file of `language`, or undefined when the whole file is to be parsed: it
 * has a waiver comment, unusual line breaks, or nothing to leave out. `findings` are the
 * literal findings of the text: a definition holding one is kept, since its place in the tree
 * decides how it is reported.
 */
export function hotPlan(
  grammar: string,
  text: string,
  prefilter: Prefilter,
  findings: readonly { span: { offset: number } }[],
): HotPlan | undefined {
  if (!hotParsing.enabled || !PLANNED.has(grammar)) return undefined;
  const python = grammar === 'python';
  // JSX text is not code: an apostrophe in it would read as a string. Files that may hold it are parsed whole.
  if (JSX.has(grammar) && /<\/|\/>/.test(text)) return undefined;
  if (text.includes(ANNOTATION_MARKER) || text.includes('\f') || /\r(?!\n)/.test(text)) return undefined;
  if (text.length > 12_000 && scopeMarks(text, python) >= MAX_SCOPE_MARKS) return undefined;
  const segments = python ? pythonSegments(text) : scriptSegments(text);
  if (!segments || segments.length < 2) return undefined;
  const kept = segments.map((s, i) => !s.eligible || i === 0);
  const texts = segments.map((s) => text.slice(s.start, s.end));
  // Definitions that name something sensitive, hold a literal finding or an import.
  const may = new Set<number>();
  for (let i = 0; i < segments.length; i++) {
    const t = texts[i];
    // Statements too: a function a statement defines may return data. So may one holding text the
    // walker classifies whatever the catalog says (`SOURCES_WITHOUT_NAMES`).
    if (prefilter.test(t) || SOURCES_WITHOUT_NAMES.test(t)) may.add(i);
    if (!kept[i] && (may.has(i) || IMPORTS.test(t))) kept[i] = true;
  }
  const offsets = findings.map((x) => x.span.offset).sort((a, b) => a - b);
  let f = 0;
  for (let i = 0; i < segments.length && f < offsets.length; i++)
    for (; f < offsets.length && offsets[f] < segments[i].end; f++) if (offsets[f] >= segments[i].start) kept[i] = true;
  if (kept.every(Boolean)) return undefined;
  // The names each segment may declare, read only when needed: reading them is most of a plan's cost.
  const declared: (string[] | undefined)[] = [];
  const namesOf = (i: number) => (declared[i] ??= namesIn(texts[i], python));
  const words = new Set<string>();
  const keptText: string[] = [];
  const addWords = (i: number) => {
    keptText.push(texts[i]);
    for (const w of texts[i].match(WORD) ?? []) words.add(w);
  };
  for (let i = 0; i < segments.length; i++) if (kept[i]) addWords(i);
  const mayNames = new Set<string>();
  for (const i of may) for (const n of namesOf(i)) mayNames.add(n);
  // Kept code may call a cold definition (keep it), and a cold definition may call one that
  // returns data (keep it too, and what calls it in turn), until neither adds a definition.
  for (let changed = true; changed;) {
    changed = false;
    for (let i = 0; i < segments.length; i++) {
      if (kept[i] && may.has(i)) continue;
      const calling = [...mayNames].some((n) => texts[i].includes(n));
      const calls = !kept[i] && namesOf(i).some((n) => calledIn(n, words, keptText));
      if (!calls && !calling) continue;
      const names = namesOf(i);
      if (!kept[i]) {
        kept[i] = true;
        addWords(i);
        changed = true;
      }
      if (calling) {
        may.add(i);
        for (const n of names) mayNames.add(n);
        changed = true;
      }
    }
  }
  if (kept.every(Boolean)) return undefined;
  const cold: ColdDefinition[] = [];
  const ranges: ParsedRange[] = [];
  // Segments start at column 0 of their line, so only the text's end needs a column.
  const lastBreak = text.lastIndexOf('\n');
  const end = {
    row: segments[segments.length - 1].row + countBreaks(text, segments[segments.length - 1].start),
    column: text.length - lastBreak - 1,
  };
  // The first stretch starts at the text's start, with the comments above the first statement.
  const pointAt = (i: number) =>
    i === 0 ? { row: 0, column: 0 } : i < segments.length ? { row: segments[i].row, column: 0 } : end;
  const startOf = (i: number) => (i === 0 ? 0 : i < segments.length ? segments[i].start : text.length);
  let from = 0;
  for (let i = 0; i <= segments.length; i++) {
    if (i < segments.length && kept[i]) continue;
    if (i > from)
      ranges.push({
        startIndex: startOf(from),
        endIndex: startOf(i),
        startPosition: pointAt(from),
        endPosition: pointAt(i),
      });
    from = i + 1;
    if (i === segments.length) break;
    const s = segments[i];
    cold.push({ start: s.start, end: s.end, text: texts[i] });
    hotCounts.coldChars += s.end - s.start;
  }
  hotCounts.planned++;
  hotCounts.keptChars += text.length - cold.reduce((n, d) => n + d.end - d.start, 0);
  return { ranges, cold, bounds: [...cold.map((d) => d.start), text.length] };
}

function countBreaks(text: string, from: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * True when the tree parsed from a plan's text has the shape the plan assumed: no syntax
 * error, and no top-level statement reaching over a left-out definition (which would then
 * have been part of it). Otherwise the file is parsed whole.
 */
export function fitsPlan(
  plan: HotPlan,
  root: { hasError: boolean; namedChildren: { startIndex: number; endIndex: number }[] },
): boolean {
  if (root.hasError) return false;
  const b = plan.bounds;
  let next = 0;
  for (const c of root.namedChildren) {
    while (next + 1 < b.length && b[next] <= c.startIndex) next++;
    if (c.endIndex > b[next]) return false;
  }
  return true;
}

function calledIn(name: string, words: ReadonlySet<string>, keptText: readonly string[]): boolean {
  if (!KEYWORDS.has(name)) return words.has(name);
  return keptText.some((t) => t.includes(`this.${name}`) || t.includes(`self.${name}`));
}

function namesIn(text: string, python: boolean): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(python ? PY_DECLARED : TS_DECLARED)) {
    const name = m[1] ?? m[2] ?? m[3];
    if (name) out.add(name);
  }
  return [...out];
}

/** An upper bound of a file's scopes, from the characters every one of them needs. */
function scopeMarks(text: string, python: boolean): number {
  return (text.match(python ? /\bdef\b|\bclass\b|\blambda\b/g : /\(|=>|\bclass\b/g) ?? []).length;
}

const SPACE = 32;
const TAB = 9;
const CR = 13;
const HASH = 35;

/** A clause that continues the compound statement before it. */
const CLAUSE = /^(?:else|elif|except|finally)\b/;

function pythonHead(text: string, at: number): 'def' | 'decorator' | undefined {
  if (text.charCodeAt(at) === 64) return 'decorator';
  return /^(?:async[ \t]+def|def|class)\b/.test(text.slice(at, at + 12)) ? 'def' : undefined;
}

/**
 * A Python file's top-level segments: each starts at a line that begins at column 0 outside
 * any bracket, string or continued line, and takes the lines up to the next one.
 */
function pythonSegments(text: string): Segment[] | undefined {
  const out: Segment[] = [];
  let cur: Segment | undefined;
  let depth = 0;
  let triple = '';
  let quote = 0;
  let continued = false;
  let row = 0;
  for (let ls = 0; ls < text.length; row++) {
    let le = text.indexOf('\n', ls);
    if (le < 0) le = text.length;
    const c = text.charCodeAt(ls);
    const code = ls < le && c !== SPACE && c !== TAB && c !== CR && c !== HASH;
    if (code) {
      if (triple === '' && depth === 0 && !continued) {
        const head = pythonHead(text, ls);
        // `else:`, `except:` and the like go on the statement above: one segment, as one tree node.
        if (cur && CLAUSE.test(text.slice(ls, ls + 9))) cur.eligible = false;
        else if (cur?.decorated && head) {
          if (head === 'def') cur.decorated = false;
        } else {
          if (cur) {
            // A decorator with no definition after it: not a shape to reason about.
            if (cur.decorated) cur.eligible = false;
            cur.end = ls;
            out.push(cur);
          }
          cur = { start: ls, end: le, row, definition: head !== undefined, eligible: head !== undefined };
          if (head === 'decorator') cur.decorated = true;
        }
      } else if (cur) cur.eligible = false;
    } else if (cur?.decorated && ls < le && c !== HASH && text.slice(ls, le).trim() !== '') cur.eligible = false;
    // The line's strings, brackets and comment.
    continued = false;
    for (let i = ls; i < le; i++) {
      const ch = text.charCodeAt(i);
      if (triple !== '') {
        if (ch === 92) i++;
        else if (text.startsWith(triple, i)) {
          i += 2;
          triple = '';
        }
        continue;
      }
      if (quote !== 0) {
        if (ch === 92) {
          if (i + 1 >= le || (text.charCodeAt(i + 1) === CR && i + 2 >= le)) continued = true;
          i++;
        } else if (ch === quote) quote = 0;
        continue;
      }
      if (ch === HASH) break;
      if (ch === 34 || ch === 39) {
        const q = ch === 34 ? '"""' : "'''";
        if (text.startsWith(q, i)) {
          triple = q;
          i += 2;
        } else quote = ch;
      } else if (ch === 40 || ch === 91 || ch === 123) depth++;
      else if (ch === 41 || ch === 93 || ch === 125) {
        if (depth === 0) return undefined;
        depth--;
      } else if (ch === 92 && (i + 1 >= le || (text.charCodeAt(i + 1) === CR && i + 2 >= le))) continued = true;
    }
    // A one-line string ends with its line unless a backslash continues it.
    if (!continued) quote = 0;
    ls = le + 1;
  }
  if (cur) {
    if (cur.decorated) cur.eligible = false;
    cur.end = text.length;
    out.push(cur);
  }
  if (triple !== '' || depth !== 0) return undefined;
  return out;
}

const TS_HEAD = /^(?:export[ \t]+(?:default[ \t]+)?)?(?:(?:async[ \t]+)?function\b|(?:abstract[ \t]+)?class\b)/;

/** Words after which the statement goes on into the next line: what that line starts is not a statement. */
const CONTINUED_BY_WORD = new Set([
  'export',
  'default',
  'extends',
  'implements',
  'new',
  'typeof',
  'await',
  'yield',
  'async',
  'declare',
  'abstract',
  'in',
  'of',
  'instanceof',
  'case',
  'else',
  'do',
  'void',
  'delete',
  'throw',
  'keyof',
  'as',
  'satisfies',
]);
/** Characters after which the statement goes on into the next line. */
const CONTINUED_BY = new Set([...'=,+-*/%&|^!~<>?:.@('].map((c) => c.charCodeAt(0)));

const OPENS: Record<number, number> = { 41: 40, 93: 91, 125: 123 };

/**
 * A TypeScript or JavaScript file's top-level segments: each starts at a line that begins at
 * column 0 outside any bracket, string, template, comment or regular expression, where the
 * code before it cannot go on (it ends in neither an operator nor a word like `export`). A
 * definition is eligible when its braces close on its last code, every later line of it is
 * indented, and no decorator stands above it. A bracket closed by one of another kind means
 * the text was misread: no segments.
 */
function scriptSegments(text: string): Segment[] | undefined {
  const out: Segment[] = [];
  let cur: Segment | undefined;
  /** The brackets open, innermost last; a template substitution's `${` is pushed as `$`. */
  const open: number[] = [];
  let state: 'code' | 'block' | 'template' = 'code';
  /** The last character of code read, for telling a regular expression from a division. */
  let last = 0;
  let lastWord = '';
  /** In the current definition: its outermost braces have closed. */
  let closed = false;
  let ls = 0;
  let row = 0;
  const close = (end: number) => {
    if (!cur) return;
    if (cur.definition && !closed) cur.eligible = false;
    cur.end = end;
    out.push(cur);
  };
  while (ls < text.length) {
    let le = text.indexOf('\n', ls);
    if (le < 0) le = text.length;
    const c = text.charCodeAt(ls);
    const blank = ls >= le || c === SPACE || c === TAB || c === CR;
    const comment = text.startsWith('//', ls) || text.startsWith('/*', ls);
    if (!blank && !comment) {
      const top = state === 'code' && open.length === 0;
      const closing = c === 125 || c === 41 || c === 93;
      // Decorators go with the class below them: one statement.
      const continued =
        cur !== undefined &&
        (cur.decorated === true || (lastWord !== '' ? CONTINUED_BY_WORD.has(lastWord) : CONTINUED_BY.has(last)));
      // A class's body or the end of its type parameters on a line of their own: its head goes on.
      const joins = c === 123 || c === 62;
      if (top && !closing && !continued && !joins) {
        close(ls);
        const head = TS_HEAD.test(text.slice(ls, ls + 48));
        cur = { start: ls, end: le, row, definition: head, eligible: head };
        if (c === 64) cur.decorated = true;
        closed = false;
      } else if (cur && !closing && !(top && joins && !continued)) {
        cur.eligible = false;
        if (top && c !== 64) cur.decorated = false;
      }
    }
    for (let i = ls; i < le; i++) {
      const ch = text.charCodeAt(i);
      if (state === 'block') {
        if (ch === 42 && text.charCodeAt(i + 1) === 47) {
          state = 'code';
          i++;
        }
        continue;
      }
      if (state === 'template') {
        if (ch === 92) i++;
        else if (ch === 96) {
          state = 'code';
          last = 96;
          lastWord = '';
        } else if (ch === 36 && text.charCodeAt(i + 1) === 123) {
          open.push(36);
          i++;
          state = 'code';
          last = 123;
          lastWord = '';
        }
        continue;
      }
      if (ch === SPACE || ch === TAB || ch === CR) continue;
      if (cur?.definition && closed && open.length === 0 && ch !== 47) cur.eligible = false;
      if (ch === 47) {
        const next = text.charCodeAt(i + 1);
        if (next === 47) break;
        if (next === 42) {
          state = 'block';
          i++;
          continue;
        }
        if (regexMayStart(last, lastWord)) {
          const end = regexEnd(text, i, le);
          if (end < 0) return undefined;
          i = end;
          last = 47;
          lastWord = '';
          continue;
        }
      } else if (ch === 34 || ch === 39) {
        let j = i + 1;
        for (; j < le; j++) {
          const d = text.charCodeAt(j);
          if (d === 92) j++;
          else if (d === ch) break;
        }
        // A string left open at the end of its line: not a shape to reason about.
        if (j >= le) return undefined;
        i = j;
        last = ch;
        lastWord = '';
        continue;
      } else if (ch === 96) {
        state = 'template';
        continue;
      } else if (ch === 40 || ch === 91 || ch === 123) open.push(ch);
      else if (ch === 41 || ch === 93 || ch === 125) {
        const opener = open.pop();
        if (opener === 36 && ch === 125) {
          state = 'template';
          continue;
        }
        if (opener !== OPENS[ch]) return undefined;
        if (open.length === 0 && ch === 125 && cur?.definition) closed = true;
      } else if (ch === 64 && open.length === 0 && cur?.definition) cur.eligible = false;
      if (isWordCode(ch)) {
        let j = i + 1;
        while (j < le && isWordCode(text.charCodeAt(j))) j++;
        lastWord = text.slice(i, j);
        last = text.charCodeAt(j - 1);
        i = j - 1;
        continue;
      }
      last = ch;
      lastWord = '';
    }
    ls = le + 1;
    row++;
  }
  close(text.length);
  if (state !== 'code' || open.length > 0) return undefined;
  return out;
}

function isWordCode(ch: number): boolean {
  return (ch >= 65 && ch <= 90) || (ch >= 97 && ch <= 122) || (ch >= 48 && ch <= 57) || ch === 95 || ch === 36;
}

const REGEX_AFTER = new Set([...'(,=:[!&|?{};+-*%<>~^'].map((c) => c.charCodeAt(0)));
const REGEX_AFTER_WORDS = new Set([
  'return',
  'typeof',
  'case',
  'do',
  'else',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'instanceof',
  'yield',
  'await',
]);

function regexMayStart(last: number, lastWord: string): boolean {
  if (lastWord !== '') return REGEX_AFTER_WORDS.has(lastWord);
  return last === 0 || REGEX_AFTER.has(last);
}

/** The index of the `/` that ends the regular expression starting at `at`, or -1 when the line ends first. */
function regexEnd(text: string, at: number, le: number): number {
  let inClass = false;
  for (let i = at + 1; i < le; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 92) i++;
    else if (ch === 91) inClass = true;
    else if (ch === 93) inClass = false;
    else if (ch === 47 && !inClass) {
      let j = i + 1;
      while (j < le && /[a-z]/.test(text[j])) j++;
      return j - 1;
    }
  }
  return -1;
}
