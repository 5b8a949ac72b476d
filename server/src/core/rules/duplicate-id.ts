import { isMap, isSeq, type Document } from 'yaml';
import type { Declaration } from '../manifests/load';
import type { Finding } from '../types';
import { keySpan, valueSpan } from '../yaml/locate';
import type { ManifestRuleContext, Rule, WorkspaceRuleContext } from './rule';
import { KIND_NAMES } from './unknown-reference';
import { duplicateKey } from '../lineage/declarations';

export const duplicateId: Rule = {
  id: 'CG004',
  name: 'duplicate-id',
  defaultSeverity: 'error',
  summary: 'Two declarations in a manifest use the same id.',
  manifest: (ctx) => (ctx.kind === 'governance' ? governanceDuplicates(ctx) : []),
  workspace: (ctx) => workspaceDuplicates(ctx),
};

/** No tier, asset or policy id of the governance manifest is declared twice. */
function governanceDuplicates({ path, doc, value }: ManifestRuleContext): Finding[] {
  const g = isRecord(value) ? value : {};
  const ids = (list: string, key: string) =>
    records(g[list]).map((r) => (typeof r[key] === 'string' ? (r[key] as string) : undefined));
  return ['tiers', 'assets', 'policies'].flatMap((list) => duplicates(path, doc, list, ids(list, 'id')));
}

function duplicates(path: string, doc: Document, list: string, ids: (string | undefined)[]): Finding[] {
  const out: Finding[] = [];
  const seq = doc.get(list, true);
  if (!isSeq(seq)) return out;
  const at = new Map<string, number[]>();
  ids.forEach((id, i) => {
    if (id === undefined) return;
    const list = at.get(id);
    if (list) list.push(i);
    else at.set(id, [i]);
  });
  for (const [id, places] of at) {
    if (places.length < 2) continue;
    for (const [at, i] of places.entries()) {
      // Only the first five others are shown: filtering all places for each was quadratic.
      const others = places
        .slice(0, 6)
        .filter((_, k) => k !== at)
        .slice(0, 5);
      const more = places.length - 1 - 5;
      const shown = others.map((j) => j + 1).join(', ') + (more > 0 ? ` and ${more} more` : '');
      const item = seq.items[i];
      const span = isMap(item) ? valueSpan(doc, [list, i, 'id']) : keySpan(doc, [list, i]);
      out.push({
        ruleId: duplicateId.id,
        severity: 'error',
        message: `Duplicate id \`${id}\` in ${list} (also at item ${shown})`,
        path,
        span,
        fixes: [],
      });
    }
  }
  return out;
}

/**
 * No id is declared twice across the workspace: stages are unique within their pipeline,
 * releases by name and version, pipelines by name; assets and stage outputs share one namespace.
 */
function workspaceDuplicates(ctx: WorkspaceRuleContext): Finding[] {
  const { only, lineOf, index } = ctx;
  const findings: Finding[] = [];
  const groups = new Map<string, readonly Declaration[]>();
  if (only !== undefined && index) {
    // One document: the groups its declarations are in, from the index, in the order a scan of
    // every declaration meets them.
    for (const d of index.of(only).declarations) groups.set(duplicateKey(d), index.colliding(d));
    const ordered = [...groups].sort((a, b) => index.positionOf(a[1][0]) - index.positionOf(b[1][0]));
    groups.clear();
    for (const [key, list] of ordered) groups.set(key, list);
  } else
    for (const d of ctx.declarations) {
      const key = duplicateKey(d);
      const list = groups.get(key) as Declaration[] | undefined;
      if (list) list.push(d);
      else groups.set(key, [d]);
    }
  for (const list of groups.values()) {
    if (list.length < 2) continue;
    for (const [at, d] of list.entries()) {
      if (only !== undefined && d.path !== only) continue;
      // The first six others are all a message shows: filtering the whole list for each of
      // thousands of copies of one id was quadratic.
      const others = list
        .slice(0, 6)
        .filter((_, i) => i !== at)
        .slice(0, 5);
      const more = list.length - 1 - 5;
      const shown =
        others.map((o) => `${KIND_NAMES[o.kind]} in ${o.path}:${lineOf(o)}`).join(', ') +
        (more > 0 ? ` and ${more} more` : '');
      findings.push({
        ruleId: duplicateId.id,
        severity: 'error',
        message: `Duplicate id \`${d.id}\`: also declared as ${shown}`,
        path: d.path,
        span: d.span,
        fixes: [],
      });
    }
  }
  return findings;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function records(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter(isRecord) : [];
}
