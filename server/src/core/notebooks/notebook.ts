import { decodeString, member, parseJson, stringValue, type JsonValue } from './json';

/**
 * A Jupyter notebook (nbformat 4) as the analysis reads it: each cell's source and the text of
 * its outputs, every character with its offset in the .ipynb file. The layout follows
 * nbformat's schema (nbformat 5.11.1, `nbformat/v4/nbformat.v4.5.schema.json`): a
 * `multiline_string` is either one string or a list of lines that are joined with nothing in
 * between (`rwbase.rejoin_lines`), and an error's `traceback` is a list of lines.
 */

/** A text read from the notebook, and where each of its UTF-16 units is written in the file. */
export interface MappedText {
  readonly text: string;
  /** `offsets[i]` is the file offset of unit `i`; `offsets[text.length]` is just past the last. */
  readonly offsets: Int32Array;
}

export type CellKind = 'code' | 'markdown' | 'raw';

export interface NotebookOutput {
  /** What it is, for messages: `stream`, `text/plain`, `text/html`, `error`. */
  readonly kind: string;
  readonly content: MappedText;
}

export interface NotebookCell {
  readonly kind: CellKind;
  readonly source: MappedText;
  readonly outputs: readonly NotebookOutput[];
}

export interface Notebook {
  readonly cells: readonly NotebookCell[];
  /** The kernel's language (`language_info.name`, else the kernelspec's), lower case; `python` when unsaid. */
  readonly language: string;
  /** Output texts read, and how many characters of output text were left unread (sampling). */
  readonly outputChars: { readonly read: number; readonly unread: number };
  /** Rich outputs not read at all: images and other binary payloads. */
  readonly skippedPayloads: number;
}

/** Output text read per output: a printed table is long, and its first rows show what it holds. */
export const OUTPUT_SAMPLE_CHARS = 64 * 1024;
/** Output text read per notebook, all outputs together. */
export const OUTPUT_BUDGET_CHARS = 1024 * 1024;
/** The largest .ipynb file read at all (embedded images make notebooks large). */
export const MAX_NOTEBOOK_CHARS = 64 * 1024 * 1024;

/** Mime types whose text is read: what a person sees printed in the notebook. */
const TEXT_MIMES = ['text/plain', 'text/html', 'text/markdown', 'text/latex', 'text/csv'];

export { isNotebookPath } from '../files/kinds';

const EMPTY: MappedText = { text: '', offsets: Int32Array.of(0) };

/** Joins mapped pieces into one text, offsets included. */
export function joinMapped(pieces: readonly MappedText[], separator = ''): MappedText {
  if (pieces.length === 0) return EMPTY;
  if (pieces.length === 1 && !separator) return pieces[0];
  const length = pieces.reduce((n, p) => n + p.text.length, 0) + separator.length * (pieces.length - 1);
  const offsets = new Int32Array(length + 1);
  let at = 0;
  pieces.forEach((p, i) => {
    if (i > 0 && separator) {
      // A separator the file does not write sits where the previous piece ended.
      for (let k = 0; k < separator.length; k++) offsets[at++] = pieces[i - 1].offsets[pieces[i - 1].text.length];
    }
    offsets.set(p.offsets.subarray(0, p.text.length), at);
    at += p.text.length;
  });
  offsets[length] = pieces[pieces.length - 1].offsets[pieces[pieces.length - 1].text.length];
  return { text: pieces.map((p) => p.text).join(separator), offsets };
}

/**
 * A `multiline_string`: one string, or a list of strings joined with `separator` (nothing, for
 * nbformat's own lists); at most `limit` units are read.
 */
function mapped(text: string, v: JsonValue | undefined, limit = Infinity, separator = ''): MappedText {
  if (v?.kind === 'string') {
    const d = decodeString(text, v, limit);
    return { text: d.value, offsets: d.offsets };
  }
  if (v?.kind !== 'array') return EMPTY;
  const pieces: MappedText[] = [];
  let left = limit;
  for (const item of v.items) {
    if (item.kind !== 'string' || left <= 0) continue;
    const d = decodeString(text, item, left);
    pieces.push({ text: d.value, offsets: d.offsets });
    left -= d.value.length + separator.length;
  }
  return joinMapped(pieces, separator);
}

/** Characters a value's strings hold, as written (escapes counted as written: an estimate). */
function writtenLength(v: JsonValue | undefined): number {
  if (v?.kind === 'string') return v.end - v.start - 2;
  if (v?.kind === 'array') return v.items.reduce((n, i) => n + writtenLength(i), 0);
  return 0;
}

/** Reads a notebook; undefined when the text is not nbformat-4 JSON. */
export function parseNotebook(text: string): Notebook | undefined {
  const root = parseJson(text);
  const cells = member(root, 'cells');
  if (!root || root.kind !== 'object' || cells?.kind !== 'array') return undefined;
  const metadata = member(root, 'metadata');
  const language = (
    stringValue(text, member(member(metadata, 'language_info'), 'name')) ??
    stringValue(text, member(member(metadata, 'kernelspec'), 'language')) ??
    'python'
  ).toLowerCase();
  let budget = OUTPUT_BUDGET_CHARS;
  let read = 0;
  let unread = 0;
  let skippedPayloads = 0;
  const take = (kind: string, v: JsonValue | undefined, separator = ''): NotebookOutput[] => {
    const size = writtenLength(v);
    if (size === 0) return [];
    const limit = Math.min(OUTPUT_SAMPLE_CHARS, budget);
    if (limit <= 0) {
      unread += size;
      return [];
    }
    const content = mapped(text, v, limit, separator);
    budget -= content.text.length;
    read += content.text.length;
    // Only a text cut at the limit left something unread (escapes make `size` an overestimate).
    if (content.text.length >= limit) unread += Math.max(0, size - content.text.length);
    return [{ kind, content }];
  };
  const out: NotebookCell[] = [];
  for (const cell of cells.items) {
    const type = stringValue(text, member(cell, 'cell_type'));
    if (type !== 'code' && type !== 'markdown' && type !== 'raw') continue;
    const outputs: NotebookOutput[] = [];
    const list = member(cell, 'outputs');
    if (type === 'code' && list?.kind === 'array') {
      for (const o of list.items) {
        const outputType = stringValue(text, member(o, 'output_type'));
        if (outputType === 'stream') outputs.push(...take('stream', member(o, 'text')));
        else if (outputType === 'error') {
          outputs.push(...take('error', member(o, 'evalue')));
          // Traceback lines are separate strings, not lines ending in a line break.
          outputs.push(...take('error', member(o, 'traceback'), '\n'));
        } else if (outputType === 'execute_result' || outputType === 'display_data') {
          const data = member(o, 'data');
          if (data?.kind !== 'object') continue;
          for (const m of data.members) {
            if (TEXT_MIMES.includes(m.key)) outputs.push(...take(m.key, m.value));
            else skippedPayloads++;
          }
        }
      }
    }
    out.push({ kind: type, source: mapped(text, member(cell, 'source')), outputs });
  }
  return { cells: out, language, outputChars: { read, unread }, skippedPayloads };
}
