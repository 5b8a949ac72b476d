import assert from 'node:assert/strict';
import type { Engine, FileResult, ModuleHost } from '../../server/src/core';
import { fitsPlan, hotCounts, hotParsing, hotPlan } from '../../server/src/core/languages/hot';
import { Parsers, type SyntaxNode } from '../../server/src/core/languages/parsers';
import type { Prefilter } from '../../server/src/core/sensitivity/prefilter';
import { loadWasm } from '../../server/src/host/wasm';

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
function shape(n: SyntaxNode): string {
  const p = (x: { row: number; column: number }) => `${x.row}:${x.column}`;
  return `${n.type}[${n.startIndex}-${n.endIndex} ${p(n.startPosition)}-${p(n.endPosition)}](${n.namedChildren.map(shape).join(' ')})`;
}

/**
 * For each text that gets a plan whose tree fits it, asserts that the partial tree's top-level
 * statements are the whole tree's, less those inside a left-out definition: type, offsets and
 * positions, all the way down. Returns how many plans were compared.
 */
export async function comparePlanTrees(
  grammar: string,
  texts: Iterable<string>,
  prefilter: Prefilter,
): Promise<number> {
  const parsers = await Parsers.create(loadWasm, [grammar]);
  let compared = 0;
  let n = 0;
  for (const text of texts) {
    n++;
    const plan = hotPlan(grammar, text, prefilter, []);
    if (!plan) continue;
    const part = parsers.parse(grammar, text, 5_000, undefined, plan.ranges)!;
    const whole = parsers.parse(grammar, text, 5_000)!;
    try {
      if (!fitsPlan(plan, part.rootNode)) continue;
      const kept = whole.rootNode.namedChildren.filter(
        (c) => !plan.cold.some((d) => c.startIndex >= d.start && c.startIndex < d.end),
      );
      assert.deepEqual(part.rootNode.namedChildren.map(shape), kept.map(shape), `text ${n}:\n${text}`);
      compared++;
    } finally {
      part.delete();
      whole.delete();
    }
  }
  return compared;
}

/**
 * Analyses each file both ways and asserts the same findings and waivers: everything a shell
 * shows or applies (rule, range, message, fixes, fingerprints). Returns what the comparison
 * covered: plans made, plans that fell back to a whole parse, findings, and findings through a helper.
 */
export function compareBothWays(
  e: Engine,
  modules: ModuleHost,
  files: Iterable<{ path: string; text: string }>,
): { planned: number; fallbacks: number; findings: number; through: number } {
  const before = { ...hotCounts };
  let findings = 0;
  let through = 0;
  for (const { path, text } of files) {
    const { hot, whole } = both(e, modules, path, text);
    assert.deepEqual(hot.findings, whole.findings, `${path}:\n${text}`);
    assert.deepEqual(hot.waivers, whole.waivers, `${path}: waivers`);
    findings += whole.findings.length;
    through += whole.findings.filter((f) => f.message.includes('through `')).length;
  }
  return {
    planned: hotCounts.planned - before.planned,
    fallbacks: hotCounts.fallbacks - before.fallbacks,
    findings,
    through,
  };
}
