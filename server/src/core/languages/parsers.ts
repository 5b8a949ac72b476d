import TreeSitter = require('web-tree-sitter');

/** Supplies the bytes of a WASM file by name (`web-tree-sitter.wasm`, `tree-sitter-python.wasm`). */
export type WasmLoader = (fileName: string) => Uint8Array;

export type Tree = TreeSitter.Tree;
export type SyntaxNode = TreeSitter.Node;

/**
 * Owns the tree-sitter runtime and one parser per grammar. The shells hand in the WASM bytes,
 * so the core itself reads nothing from disk.
 */
export class Parsers {
  private readonly parsers = new Map<string, TreeSitter.Parser>();

  private constructor(private readonly load: WasmLoader) {}

  static async create(load: WasmLoader, grammars: readonly string[]): Promise<Parsers> {
    await TreeSitter.Parser.init({ wasmBinary: load('web-tree-sitter.wasm') });
    const p = new Parsers(load);
    for (const g of grammars) await p.add(g);
    return p;
  }

  private async add(grammar: string): Promise<void> {
    const language = await TreeSitter.Language.load(this.load(`tree-sitter-${grammar}.wasm`));
    const parser = new TreeSitter.Parser();
    parser.setLanguage(language);
    this.parsers.set(grammar, parser);
  }

  /**
   * Parses `text`, giving up after `budgetMs`. The caller owns the tree and must `delete()` it:
   * trees live in WASM memory, which the garbage collector never sees.
   */
  parse(grammar: string, text: string, budgetMs: number): Tree | undefined {
    const parser = this.parsers.get(grammar);
    if (!parser) return undefined;
    const deadline = Date.now() + budgetMs;
    const tree = parser.parse(text, null, { progressCallback: () => Date.now() > deadline });
    // A cancelled parse leaves the parser mid-document; reset it for the next file.
    if (!tree) parser.reset();
    return tree ?? undefined;
  }
}
