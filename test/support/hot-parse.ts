import type { Engine, FileResult, ModuleHost } from '../../server/src/core';
import { hotParsing } from '../../server/src/core/languages/hot';
import type { SyntaxNode } from '../../server/src/core/languages/parsers';

/** One file analysed as a scan does, with the hot plan and then with the whole file parsed. */
export function both(
  e: Engine,
  modules: ModuleHost,
  path: string,
  text: string,
): { hot: FileResult; whole: FileResult } {
  const governance = e.governance(undefined).governance;
  try {
    hotParsing.enabled = true;
    const hot = e.analyzeFile({ path, text }, governance, undefined, { modules });
    hotParsing.enabled = false;
    const whole = e.analyzeFile({ path, text }, governance, undefined, { modules });
    return { hot, whole };
  } finally {
    hotParsing.enabled = true;
  }
}

/** A node and everything under it: type, offsets and line-and-column positions. */
export function shape(n: SyntaxNode): string {
  const p = (x: { row: number; column: number }) => `${x.row}:${x.column}`;
  return `${n.type}[${n.startIndex}-${n.endIndex} ${p(n.startPosition)}-${p(n.endPosition)}](${n.namedChildren.map(shape).join(' ')})`;
}
