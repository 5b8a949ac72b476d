import TreeSitter = require('web-tree-sitter');

/** Supplies the bytes of a WASM file by name (`web-tree-sitter.wasm`, `tree-sitter-python.wasm`). */
export type WasmLoader = (fileName: string) => Uint8Array;

export type Tree = TreeSitter.Tree;

type CompiledWasm = Parameters<typeof TreeSitter.Language.loadSync>[0];
/**
 * WebAssembly's module constructor, a web standard that Node.js and browsers both have. The
 * core's type libraries leave out the DOM and Node, so it is named here in the one shape used.
 */
const WASM = (
  globalThis as unknown as {
    WebAssembly: { Module: new (bytes: Uint8Array) => unknown; compile: (bytes: Uint8Array) => Promise<unknown> };
  }
).WebAssembly;
export type SyntaxNode = TreeSitter.Node;

/**
 * Owns the tree-sitter runtime and one parser per grammar. The shells hand in the WASM bytes,
 * so the core itself reads nothing from disk.
 *
 * A grammar is compiled when the first file that needs it is parsed, not at start-up: a window
 * opened on a Python file never pays for the TypeScript grammars, and a CLI worker compiles only
 * the grammars of the files it is given.
 */
export class Parsers {
  private readonly parsers = new Map<string, TreeSitter.Parser>();

  private constructor(private readonly load: WasmLoader) {}

  /** Starts the runtime; `preload` names grammars to compile now rather than on first use. */
  static async create(load: WasmLoader, preload: readonly string[] = []): Promise<Parsers> {
    await TreeSitter.Parser.init({ wasmBinary: load('web-tree-sitter.wasm') });
    const p = new Parsers(load);
    for (const g of preload) p.parserFor(g);
    return p;
  }

  /**
   * Compiles grammars ahead of their first use, off the thread (WebAssembly.compile runs on the
   * engine's background threads), so that a file parsed later does not wait for its grammar.
   * A grammar that a parse compiled meanwhile is not compiled again.
   */
  async prepare(grammars: readonly string[]): Promise<void> {
    for (const grammar of grammars) {
      if (this.parsers.has(grammar)) continue;
      const compiled = await WASM.compile(this.load(`tree-sitter-${grammar}.wasm`));
      if (this.parsers.has(grammar)) continue;
      const parser = new TreeSitter.Parser();
      parser.setLanguage(TreeSitter.Language.loadSync(compiled as CompiledWasm));
      this.parsers.set(grammar, parser);
    }
  }

  /** The grammars compiled so far, in the order they were first needed. */
  get loaded(): string[] {
    return [...this.parsers.keys()];
  }

  /**
   * The parser of a grammar, compiling it on first use. Compiling synchronously keeps every
   * analysis synchronous; it costs a few tens of milliseconds once per grammar and process.
   * A grammar whose WASM is missing throws, naming the file, as the loader does.
   */
  private parserFor(grammar: string): TreeSitter.Parser {
    let parser = this.parsers.get(grammar);
    if (parser) return parser;
    const bytes = this.load(`tree-sitter-${grammar}.wasm`);
    const language = TreeSitter.Language.loadSync(new WASM.Module(bytes) as CompiledWasm);
    parser = new TreeSitter.Parser();
    parser.setLanguage(language);
    this.parsers.set(grammar, parser);
    return parser;
  }

  /**
   * Parses `text`, giving up after `budgetMs`. The caller owns the tree and must `delete()` it:
   * trees live in WASM memory, which the garbage collector never sees.
   */
  parse(
    grammar: string,
    text: string,
    budgetMs: number,
    previous?: { text: string; tree: Tree },
    /** Only these stretches of `text` are read (tree-sitter's included ranges); the tree's offsets are the text's. */
    ranges?: readonly TreeSitter.Range[],
  ): Tree | undefined {
    const parser = this.parserFor(grammar);
    // Re-parsing after an edit reuses every part of the old tree the edit did not touch.
    const old = previous ? editTree(previous.tree, previous.text, text) : null;
    const deadline = Date.now() + budgetMs;
    const tree = parser.parse(text, old, {
      progressCallback: () => Date.now() > deadline,
      ...(ranges && { includedRanges: [...ranges] }),
    });
    // A cancelled parse leaves the parser mid-document; reset it for the next file.
    if (!tree) parser.reset();
    return tree ?? undefined;
  }

  /**
   * Parses only the given ranges of `text` (one top-level definition, say): the tree's offsets
   * are those of the whole text. Far cheaper than re-parsing the file, which tree-sitter's
   * Python grammar reads from its start even after a one-character edit.
   */
  parseRanges(grammar: string, text: string, ranges: TreeSitter.Range[]): Tree | undefined {
    const parser = this.parsers.get(grammar);
    if (!parser) return undefined;
    const tree = parser.parse(text, null, { includedRanges: ranges });
    if (!tree) parser.reset();
    return tree ?? undefined;
  }
}

/** A point of a text as tree-sitter counts it: 0-based line and column. */
export type Point = TreeSitter.Point;

/** One replaced range of a text, in the terms tree-sitter's `Tree.edit` takes. */
export type TextEdit = TreeSitter.Edit;

export function textEdit(edit: ConstructorParameters<typeof TreeSitter.Edit>[0]): TextEdit {
  return new TreeSitter.Edit(edit);
}

/**
 * Makes `tree` read its node texts from `text`. A tree edited in place (`Tree.edit`) without a
 * re-parse still reads the text it was parsed from, so a node's `text` would be off by the edit.
 */
export function readFrom(tree: Tree, text: string): void {
  (tree as unknown as { textCallback: (index: number) => string }).textCallback = (index) => text.slice(index);
}

function pointAt(text: string, offset: number): TreeSitter.Point {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}

/**
 * Tells `tree` how `oldText` became `newText` (one replaced range, found from the common
 * prefix and suffix), so the next parse can reuse it. Returns the tree, now edited.
 */
function editTree(tree: Tree, oldText: string, newText: string): Tree {
  let start = 0;
  const max = Math.min(oldText.length, newText.length);
  while (start < max && oldText.charCodeAt(start) === newText.charCodeAt(start)) start++;
  let oldEnd = oldText.length;
  let newEnd = newText.length;
  while (oldEnd > start && newEnd > start && oldText.charCodeAt(oldEnd - 1) === newText.charCodeAt(newEnd - 1)) {
    oldEnd--;
    newEnd--;
  }
  tree.edit(
    new TreeSitter.Edit({
      startIndex: start,
      oldEndIndex: oldEnd,
      newEndIndex: newEnd,
      startPosition: pointAt(oldText, start),
      oldEndPosition: pointAt(oldText, oldEnd),
      newEndPosition: pointAt(newText, newEnd),
    }),
  );
  return tree;
}
