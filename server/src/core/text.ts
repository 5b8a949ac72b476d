/**
 * Offset <-> line/column conversion over one text. Lines and columns are 0-based here; the
 * shells add one where their format wants 1-based numbers (CLI text, SARIF).
 */
let lastIndex: LineIndex | undefined;

/** Appends to `starts` the line starts after the line breaks in [from, to) of `text`. */
function lineStarts(text: string, from: number, to: number, starts: number[]): number[] {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 /* \n */) starts.push(i + 1);
    else if (c === 13 /* \r */) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

export class LineIndex {
  private readonly starts: number[];

  constructor(
    private readonly text: string,
    starts?: number[],
  ) {
    this.starts = starts ?? lineStarts(text, 0, text.length, [0]);
  }

  /**
   * The index of `text`, which is this index's text with [start, oldEnd) replaced by [start,
   * newEnd): the line starts before the edit are kept, those after it moved, and only the
   * edited lines are read again. It becomes the shared index of `text` (see `of`).
   */
  edited(text: string, start: number, oldEnd: number, newEnd: number): LineIndex {
    const delta = newEnd - oldEnd;
    // From the line before the edit's, so that a line break split or joined at its edge is read again.
    const first = Math.max(0, this.position(start).line - 1);
    const starts = this.starts.slice(0, first + 1);
    const until = Math.min(text.length, newEnd + 2);
    lineStarts(text, starts[first], until, starts);
    // Past `until` the new text is the old one moved by `delta`.
    const read = starts[starts.length - 1];
    let i = this.starts.length;
    while (i > 0 && this.starts[i - 1] + delta > Math.max(read, until)) i--;
    for (; i < this.starts.length; i++) starts.push(this.starts[i] + delta);
    lastIndex = new LineIndex(text, starts);
    return lastIndex;
  }

  /**
   * The index of `text`, shared by everyone who asks for the same text in a row: one analysis
   * of a large file asks for it several times (flow messages, waiver fixes, fingerprints).
   */
  static of(text: string): LineIndex {
    if (lastIndex?.text !== text) lastIndex = new LineIndex(text);
    return lastIndex;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  position(offset: number): { line: number; character: number } {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.starts[lo] };
  }

  offset(line: number, character: number): number {
    if (line < 0) return 0;
    if (line >= this.starts.length) return this.text.length;
    return Math.min(this.starts[line] + Math.max(0, character), this.lineEnd(line));
  }

  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))];
  }

  /** Offset of the end of the line's content, before its line break. */
  lineEnd(line: number): number {
    const next = line + 1 < this.starts.length ? this.starts[line + 1] : this.text.length;
    let end = next;
    while (end > this.starts[line] && (this.text.charCodeAt(end - 1) === 10 || this.text.charCodeAt(end - 1) === 13))
      end--;
    return end;
  }
}

/**
 * The line indexes of several files, each built the first time one of its offsets is converted:
 * most of a workspace's files never need one.
 */
export class LineIndexes {
  private readonly built = new Map<string, LineIndex | undefined>();

  constructor(private readonly textOf: (path: string) => string | undefined) {}

  /** The file's index, or undefined when its text is not known. */
  find(path: string): LineIndex | undefined {
    if (!this.built.has(path)) {
      const text = this.textOf(path);
      this.built.set(path, text === undefined ? undefined : new LineIndex(text));
    }
    return this.built.get(path);
  }

  /** The file's index; a file whose text is not known reads as empty. */
  of(path: string): LineIndex {
    return this.find(path) ?? EMPTY_INDEX;
  }
}

const EMPTY_INDEX = new LineIndex('');

/** Applies non-overlapping edits to a text; edits are sorted here, callers need not. */
export function applyEdits(
  text: string,
  edits: readonly { offset: number; length: number; newText: string }[],
): string {
  const sorted = [...edits].sort((a, b) => b.offset - a.offset);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.offset) + e.newText + out.slice(e.offset + e.length);
  return out;
}

const ROWS = [new Int32Array(66), new Int32Array(66), new Int32Array(66)];

/**
 * Edit distance counting a swap of two neighbouring letters as one edit (optimal string
 * alignment), since `tabel` for `table` is one slip of the fingers, not two. With a `limit`,
 * stops as soon as the distance must exceed it and returns `limit + 1`: most candidates of a
 * did-you-mean are far off, and this rejects them after a few rows.
 */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  // Three rolling rows (a swap looks back two rows) instead of a matrix, reused between calls:
  // did-you-mean compares one input with thousands of ids.
  if (ROWS[0].length <= b.length) for (let k = 0; k < 3; k++) ROWS[k] = new Int32Array(2 * (b.length + 1));
  let [twoBack, prev, row] = ROWS;
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  let prevLeast = 0;
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    let least = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, twoBack[j - 2] + 1);
      row[j] = d;
      if (d < least) least = d;
    }
    // No later row can be below both this row's least and (through a swap) the previous one's.
    if (least > limit && prevLeast >= limit) return limit + 1;
    prevLeast = least;
    [twoBack, prev, row] = [prev, row, twoBack];
  }
  return Math.min(prev[b.length], limit + 1);
}

/** How many candidates did-you-mean may still compare, shared by the calls of one check. */
export interface SuggestionBudget {
  left: number;
}

/**
 * The closest candidate within a small edit distance, or undefined. With a budget, looks at
 * no more candidates than it has left: a manifest with thousands of unknown ids among
 * thousands of declared ones would otherwise cost their product; past the budget, findings
 * simply come without a suggestion.
 */
export function didYouMean(input: string, candidates: Iterable<string>, budget?: SuggestionBudget): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const limit = input.length <= 3 ? 1 : input.length <= 6 ? 2 : Math.floor(input.length / 3);
  // Suggestions are for typos in ids and keys: long inputs and far lengths are not worth a matrix.
  if (input.length > 64) return undefined;
  const lower = input.toLowerCase();
  for (const c of candidates) {
    if (budget && budget.left-- <= 0) return undefined;
    if (c.length > 64 || Math.abs(c.length - input.length) > limit) continue;
    const d = editDistance(lower, c.toLowerCase(), Math.min(limit, bestDistance));
    if (d < bestDistance && d <= limit) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * A finding's message as plain text. Messages mark names as Markdown code (`ssn`), which hovers
 * render; diagnostics and terminal lines show text as it is, so names are quoted there instead.
 */
export function plainText(message: string): string {
  return message.replace(/`([^`\n]*)`/g, "'$1'");
}
