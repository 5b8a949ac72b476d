/**
 * How deeply a YAML text nests, measured by one pass over its characters with no regex and no
 * recursion, so that it is safe on any input. The yaml library composes documents recursively:
 * on a few thousand nested brackets it exhausts the call stack, and a regex compiled that close
 * to the stack's end can abort the whole process (an uncatchable out-of-memory in V8). Texts
 * nested deeper than `MAX_YAML_DEPTH` are therefore never handed to it.
 */

/** Far deeper than any real manifest or config nests, far shallower than the parser can follow. */
export const MAX_YAML_DEPTH = 256;

/**
 * The offset of the first character at which the text nests deeper than `max` levels (block
 * indentation, `- ` items and flow brackets counted together), or undefined when it never does.
 * Quoted strings, comments and block scalars are passed over; the count errs on the side of
 * deeper, which only matters for texts far past any real nesting.
 */
export function tooDeepAt(text: string, max: number = MAX_YAML_DEPTH): number | undefined {
  const indents: number[] = [];
  let flow = 0;
  let quote: '"' | "'" | undefined;
  /** The indentation a block scalar's lines must exceed, while inside one. */
  let blockScalar: number | undefined;
  let i = 0;
  while (i < text.length) {
    // The start of a line.
    let col = 0;
    while (text.charCodeAt(i + col) === 32) col++;
    const lineStart = i;
    i += col;
    const blank = i >= text.length || text[i] === '\n' || text[i] === '\r' || text[i] === '#';
    if (blockScalar !== undefined && (blank || col > blockScalar)) {
      i = skipLine(text, i);
      continue;
    }
    blockScalar = undefined;
    if (blank && quote === undefined && flow === 0) {
      i = skipLine(text, i);
      continue;
    }
    let depth = 0;
    if (quote === undefined && flow === 0) {
      while (indents.length > 0 && indents[indents.length - 1] >= col) indents.pop();
      indents.push(col);
      depth = indents.length;
      // Each `- ` or `? ` marker that opens the line opens one more level.
      while (
        (text[i] === '-' || text[i] === '?') &&
        (text[i + 1] === ' ' || text[i + 1] === '\n' || i + 1 === text.length)
      ) {
        depth++;
        if (depth + flow > max) return i;
        i++;
        while (text.charCodeAt(i) === 32) i++;
      }
    } else {
      depth = indents.length;
    }
    if (depth > max) return lineStart + col;
    let last = '';
    for (; i < text.length && text[i] !== '\n'; i++) {
      const c = text[i];
      if (quote !== undefined) {
        if (quote === '"' && c === '\\') i++;
        else if (c === quote) quote = undefined;
      } else if (c === '"' || c === "'") {
        // A quote opens a string only where a value starts, not inside a plain word (`it's`).
        if (
          last === '' ||
          last === ' ' ||
          last === '\t' ||
          last === '[' ||
          last === '{' ||
          last === ',' ||
          last === ':'
        )
          quote = c;
      } else if (c === '#' && (last === '' || last === ' ' || last === '\t')) {
        i = skipLine(text, i) - 1;
        break;
      } else if (c === '[' || c === '{') {
        flow++;
        if (depth + flow > max) return i;
      } else if ((c === ']' || c === '}') && flow > 0) {
        flow--;
      } else if (
        (c === '|' || c === '>') &&
        flow === 0 &&
        quote === undefined &&
        (last === ' ' || last === '') &&
        startsBlockScalar(text, i)
      ) {
        blockScalar = indents[indents.length - 1] ?? 0;
      }
      if (c !== ' ' && c !== '\t') last = c;
      else last = ' ';
    }
    if (i < text.length) i++;
  }
  return undefined;
}

function skipLine(text: string, i: number): number {
  const end = text.indexOf('\n', i);
  return end < 0 ? text.length : end + 1;
}

/** True when the `|` or `>` at `i` is a block scalar's header: only indicators and a comment follow. */
function startsBlockScalar(text: string, i: number): boolean {
  let j = i + 1;
  while (j < text.length && (text[j] === '-' || text[j] === '+' || (text[j] >= '0' && text[j] <= '9'))) j++;
  while (text[j] === ' ' || text[j] === '\t') j++;
  return j >= text.length || text[j] === '\n' || text[j] === '\r' || text[j] === '#';
}
