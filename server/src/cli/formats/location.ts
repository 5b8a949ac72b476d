import { LineIndexes, type Span } from '../../core';

/** 1-based line and column span of a finding, as CLI text and SARIF want them. */
export interface Region {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

/** Converts offsets to 1-based regions, building each file's line index once. */
export class Regions {
  private readonly indexes: LineIndexes;

  constructor(textOf: (path: string) => string | undefined) {
    this.indexes = new LineIndexes(textOf);
  }

  of(f: { readonly path: string; readonly span: Span }): Region {
    const index = this.indexes.of(f.path);
    const s = index.position(f.span.offset);
    const e = index.position(f.span.offset + f.span.length);
    return { startLine: s.line + 1, startColumn: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 };
  }
}
