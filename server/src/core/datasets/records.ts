/**
 * Parsing records out of a data file's text: JSON Lines, a JSON array of records, CSV and TSV
 * (with the delimiter and the header row sniffed). Each record keeps the offset where it starts
 * in the text, so a finding can point at a field's first occurrence. These parse the head of a
 * file, which is held as text; the records past it are split from bytes (`sample.ts`).
 */

export interface ParsedRecord {
  /** Offset of the record in the text (UTF-16 code units). */
  readonly offset: number;
  /** The record's own text, in which its keys are looked up. */
  readonly text: string;
  /** An object keyed by field name, or undefined when the record did not parse. */
  readonly value: Record<string, unknown> | undefined;
}

/** A CSV file's columns: names, and where the header row names each of them. */
export interface Columns {
  readonly names: readonly string[];
  /** Offsets of the header cells; undefined when the file has no header row. */
  readonly offsets?: readonly number[];
  readonly delimiter: string;
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    return asRecord(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** The records of JSON Lines text; empty lines are not records. */
export function jsonLines(text: string): ParsedRecord[] {
  const out: ParsedRecord[] = [];
  for (let at = 0; at < text.length;) {
    const nl = text.indexOf('\n', at);
    const end = nl < 0 ? text.length : nl;
    const line = text.slice(at, end);
    if (line.trim()) out.push({ offset: at, text: line, value: parseJson(line) });
    at = end + 1;
  }
  return out;
}

/** Where a scan over a JSON array's text stopped: nesting depth, inside a string, the open element's start (-1: none). */
export interface ArrayScan {
  readonly depth: number;
  readonly inString: boolean;
  readonly start: number;
}

/**
 * Scans the text of a JSON array, following strings and nesting, and calls `element` with the
 * bounds of each complete top-level element; stops where the array closes. A text cut short
 * (the head of a larger file) leaves the state of the element still open.
 */
export function scanJsonArray(text: string, element: (start: number, end: number) => void = () => {}): ArrayScan {
  let depth = 0;
  let inString = false;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      if (depth === 1 && start < 0) start = i;
    } else if (c === 0x7b || c === 0x5b) {
      if (depth === 1 && start < 0) start = i;
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 1 && start >= 0) element(start, i + 1);
      if (depth === 1) start = -1;
      if (depth <= 0) break;
    } else if (c === 0x2c && depth === 1) start = -1;
  }
  return { depth, inString, start };
}

/**
 * The elements of a JSON array of records. A text cut short (the head of a larger file) gives
 * the elements that are complete.
 */
export function jsonArrayRecords(text: string): ParsedRecord[] {
  const out: ParsedRecord[] = [];
  scanJsonArray(text, (start, end) => {
    const t = text.slice(start, end);
    out.push({ offset: start, text: t, value: parseJson(t) });
  });
  return out;
}

/** The delimiter of CSV text: the candidate found most often, outside quotes, in its first line. */
export function sniffDelimiter(firstLine: string): string {
  const counts = new Map<string, number>([
    [',', 0],
    ['\t', 0],
    [';', 0],
    ['|', 0],
  ]);
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ',';
  for (const [d, n] of counts) if (n > counts.get(best)!) best = d;
  return best;
}

/** Rows of CSV text as cells with their offsets, quotes undone; a last row cut short is dropped when `partial`. */
export function csvRows(
  text: string,
  delimiter: string,
  partial = false,
): { offset: number; cells: string[]; starts: number[] }[] {
  const rows: { offset: number; cells: string[]; starts: number[] }[] = [];
  let cells: string[] = [];
  let starts: number[] = [];
  let cell = '';
  let cellStart = 0;
  let rowStart = 0;
  let quoted = false;
  let i = 0;
  const endRow = () => {
    cells.push(cell);
    starts.push(cellStart);
    if (cells.length > 1 || cells[0].trim() !== '') rows.push({ offset: rowStart, cells, starts });
    cells = [];
    starts = [];
    cell = '';
  };
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === delimiter) {
      cells.push(cell);
      starts.push(cellStart);
      cell = '';
      cellStart = i + 1;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
      cellStart = rowStart = i + 1;
    } else cell += ch;
  }
  if (!partial && (cell !== '' || cells.length > 0)) endRow();
  return rows;
}

const NUMBER = /^[-+]?(\d+([.,]\d*)?|\.\d+)([eE][-+]?\d+)?%?$/;

/**
 * Whether a CSV file's first row names its columns: every cell non-empty, none a number, no
 * two the same, and at least one that is not also how the second row spells the same column.
 */
export function looksLikeHeader(first: readonly string[], second: readonly string[] | undefined): boolean {
  const names = first.map((c) => c.trim());
  if (names.some((n) => n === '' || NUMBER.test(n) || n.length > 128)) return false;
  if (new Set(names).size !== names.length) return false;
  return !second || second.some((c, i) => c.trim() !== names[i]);
}

/** The records of CSV text (the head of the file) and its columns. */
export function csvRecords(
  text: string,
  tsv: boolean,
  partial: boolean,
): { columns: Columns; records: ParsedRecord[]; headerRow: boolean } {
  const nl = text.indexOf('\n');
  const delimiter = tsv ? '\t' : sniffDelimiter(text.slice(0, nl < 0 ? Math.min(text.length, 65536) : nl));
  const rows = csvRows(text, delimiter, partial);
  const header = rows.length > 0 && looksLikeHeader(rows[0].cells, rows[1]?.cells);
  const width = rows.reduce((n, r) => Math.max(n, r.cells.length), 0);
  const names = header
    ? rows[0].cells.map((c) => c.trim())
    : Array.from({ length: width }, (_, i) => `column ${i + 1}`);
  const columns: Columns = { names, offsets: header ? rows[0].starts : undefined, delimiter };
  const records = (header ? rows.slice(1) : rows).map((r) => ({
    offset: r.offset,
    text: text.slice(r.offset, r.starts[r.starts.length - 1] + r.cells[r.cells.length - 1].length + 1),
    value: rowRecord(columns, r.cells),
  }));
  return { columns, records, headerRow: header };
}

/** A CSV row as a record keyed by column name. */
export function rowRecord(columns: Columns, cells: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < cells.length; i++) out[columns.names[i] ?? `column ${i + 1}`] = cells[i];
  return out;
}
