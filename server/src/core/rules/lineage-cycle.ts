import type { LineageGraph } from '../lineage/graph';
import type { Finding } from '../types';
import type { Rule } from './rule';

export const lineageCycle: Rule = {
  id: 'CG403',
  name: 'lineage-cycle',
  defaultSeverity: 'error',
  summary: 'Data flows in a circle: a dataset, stage or model is, through other files, upstream of itself.',
  workspace: ({ graph, only }) => (only === undefined ? cycleFindings(graph) : cycleFindingsIn(graph, only)),
};

/** A finding on every node of each lineage cycle, where its file declares it. */
function cycleFindings(graph: LineageGraph): Finding[] {
  // Each member names the cycle as a path starting from itself, as an editor's single document would.
  return graph.cycles.flatMap((cycle) => cycle.map((id) => cycleFinding(graph, id, graph.cycleThrough(id) ?? cycle)));
}

/** The cycle findings of one file's nodes, found from those nodes alone (an editor's single document). */
function cycleFindingsIn(graph: LineageGraph, path: string): Finding[] {
  const out: Finding[] = [];
  for (const n of graph.nodesIn(path)) {
    const cycle = graph.cycleThrough(n.id);
    if (cycle) out.push(cycleFinding(graph, n.id, cycle));
  }
  return out;
}

function cycleFinding(graph: LineageGraph, id: string, cycle: readonly string[]): Finding {
  const n = graph.nodes.get(id)!;
  const shown =
    cycle
      .slice(0, 6)
      .map((c) => `\`${c}\``)
      .join(' -> ') + (cycle.length > 6 ? ` and ${cycle.length - 6} more` : '');
  return {
    ruleId: lineageCycle.id,
    severity: 'error',
    message: `\`${id}\` is upstream of itself: a lineage cycle through ${shown}`,
    path: n.path,
    span: n.span,
    fixes: [],
  };
}
