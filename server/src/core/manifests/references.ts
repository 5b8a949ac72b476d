import { duplicateId } from '../rules/duplicate-id';
import { unknownReference } from '../rules/unknown-reference';
import { didYouMean } from '../text';
import type { Finding } from '../types';
import type { Declaration, Reference } from './load';

const KIND_NAMES: Record<Declaration['kind'], string> = { asset: 'asset', output: 'stage output', pipeline: 'pipeline', release: 'model release', stage: 'stage' };

/**
 * The workspace-wide checks: every reference names a declared id of the right kind, and no id
 * is declared twice. `lineOf` tells the line of a declaration in another file, for messages.
 * With `only`, just the findings in that file.
 */
export function checkReferences(declarations: readonly Declaration[], references: readonly Reference[], lineOf: (d: Declaration) => number, only?: string): Finding[] {
  const findings: Finding[] = [];
  const byId = new Map<string, Declaration[]>();
  for (const d of declarations) add(byId, d.id, d);

  for (const r of references) {
    if (only !== undefined && r.path !== only) continue;
    const matches = (byId.get(r.id) ?? []).filter((d) => r.wants.includes(d.kind));
    if (matches.length > 0) continue;
    const candidates = [...new Set(declarations.filter((d) => r.wants.includes(d.kind)).map((d) => d.id))];
    const guess = didYouMean(r.id, candidates);
    const wrongKind = byId.get(r.id)?.[0];
    const message = wrongKind
      ? `\`${r.id}\` is a ${KIND_NAMES[wrongKind.kind]}, not an ${r.what}`.replace(' an p', ' a p')
      : `Unknown id \`${r.id}\`: no ${r.what} has this id` + (guess ? ` (did you mean \`${guess}\`?)` : '');
    const fixes = guess && !wrongKind ? [{ title: `Replace with \`${guess}\``, edits: [{ ...r.span, newText: guess }], preferred: true, safe: false }] : [];
    findings.push({ ruleId: unknownReference.id, severity: 'error', message, path: r.path, span: r.span, fixes });
  }

  // Stages are unique within their pipeline, releases by name and version, pipelines by name;
  // assets and stage outputs share one namespace across the workspace.
  const groups = new Map<string, Declaration[]>();
  for (const d of declarations) {
    const key = d.kind === 'stage' ? `stage\u0000${d.scope}\u0000${d.id}` : d.kind === 'release' || d.kind === 'pipeline' ? `${d.kind}\u0000${d.id}` : `id\u0000${d.id}`;
    add(groups, key, d);
  }
  for (const list of groups.values()) {
    if (list.length < 2) continue;
    for (const d of list) {
      if (only !== undefined && d.path !== only) continue;
      const others = list.filter((o) => o !== d);
      const shown = others.slice(0, 5).map((o) => `${KIND_NAMES[o.kind]} in ${o.path}:${lineOf(o)}`).join(', ') + (others.length > 5 ? ` and ${others.length - 5} more` : '');
      findings.push({ ruleId: duplicateId.id, severity: 'error', message: `Duplicate id \`${d.id}\`: also declared as ${shown}`, path: d.path, span: d.span, fixes: [] });
    }
  }
  return findings;
}

function add<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
