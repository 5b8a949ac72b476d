/**
 * A notebook's code cells as the one Python program the kernel runs, in cell order: a value
 * assigned in one cell and printed in another is one flow. IPython's own syntax (line magics,
 * shell escapes, help queries, cell magics that run another language) is blanked with spaces,
 * so every offset in the program is an offset in its cell.
 */

/** Cell magics whose body is still Python: only their first line is blanked. */
const PYTHON_CELL_MAGICS = new Set(['time', 'timeit', 'capture', 'prun', 'debug', 'memit', 'skip', 'cache']);

/** A line IPython reads as its own syntax: `%pip ...`, `!ls`, `x = !ls`, `files = %sx ls`, `obj?`. */
const IPYTHON_LINE = /^[ \t]*(?:[%!]|[A-Za-z_][\w.]*[ \t]*=[ \t]*[%!]|[A-Za-z_][\w.]*\?\??[ \t]*\r?\n?$|\?)/;

function blank(line: string): string {
  return line.replace(/[^\r\n]/g, ' ');
}

/** A cell's text with IPython syntax blanked; same length, same line breaks. */
export function blankIPython(cell: string): string {
  const lines = cell.split(/(?<=\n)/);
  const magic = /^%%([A-Za-z_]\w*)/.exec(lines[0] ?? '');
  // A cell magic that runs something else (`%%bash`, `%%writefile`, `%%html`) is not Python at all.
  if (magic && !PYTHON_CELL_MAGICS.has(magic[1])) return blank(cell);
  let continued = false;
  return lines
    .map((line, i) => {
      const ipython = (i === 0 && magic !== null) || continued || IPYTHON_LINE.test(line);
      // A shell line continued with a backslash goes on to the next line.
      continued = ipython && /\\\r?\n$/.test(line);
      return ipython ? blank(line) : line;
    })
    .join('');
}

/** Where one cell sits in the program. */
export interface CellRange {
  /** The cell's index among all the notebook's cells. */
  readonly cell: number;
  readonly start: number;
  readonly length: number;
}

export interface NotebookProgram {
  readonly text: string;
  readonly cells: readonly CellRange[];
}

/** The program of the given code cells (index among all cells, text), in order, one line break apart. */
export function notebookProgram(cells: readonly { readonly cell: number; readonly text: string }[]): NotebookProgram {
  const ranges: CellRange[] = [];
  const parts: string[] = [];
  let at = 0;
  for (const c of cells) {
    ranges.push({ cell: c.cell, start: at, length: c.text.length });
    parts.push(blankIPython(c.text));
    at += c.text.length + 1;
  }
  return { text: parts.join('\n'), cells: ranges };
}

/** The cell holding a program offset; an offset on a separating line break belongs to the cell before. */
export function cellAt(program: NotebookProgram, offset: number): CellRange | undefined {
  let lo = 0;
  let hi = program.cells.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (program.cells[mid].start <= offset) lo = mid;
    else hi = mid - 1;
  }
  const c = program.cells[lo];
  return c && offset >= c.start && offset <= c.start + c.length ? c : undefined;
}
