import { duplicateId } from '../rules/duplicate-id';
import { unknownReference } from '../rules/unknown-reference';
import { didYouMean, type SuggestionBudget } from '../text';
import type { Finding } from '../types';
import type { Declaration, Reference } from './load';

/**
 * Candidates did-you-mean may look at in one check, in all: a few hundred milliseconds at most.
 * Beyond it, unknown ids are still reported, without a suggestion.
 */
const SUGGESTION_BUDGET = 1_000_000;

const KIND_NAMES: Record<Declaration['kind'], string> = {
  asset: 'asset',
  output: 'stage output',
  pipeline: 'pipeline',
  release: 'model release',
  stage: 'stage',
};

/**
 * The workspace-wide checks: every reference names a declared id of the right kind, and no id
 * is declared twice. `lineOf` tells the line of a declaration in another file, for messages.
 * With `only`, just the findings in that file.
 */
export function checkReferences(
  declarations: readonly Declaration[],
  references: readonly Reference[],
  lineOf: (d: Declaration) => number,
  only?: string,
): Finding[] {
  const findings: Finding[] = [];
  const byId = new Map<string, Declaration[]>();
  for (const d of declarations) add(byId, d.id, d);
  // The ids of each set of kinds a reference may name, and the suggestion for each unknown id:
  // computed once, not once per reference.
  const candidatesFor = new Map<string, string[]>();
  const guesses = new Map<string, string | undefined>();
  const budget: SuggestionBudget = { left: SUGGESTION_BUDGET };

  for (const r of references) {
    if (only !== undefined && r.path !== only) continue;
    const matches = (byId.get(r.id) ?? []).filter((d) => r.wants.includes(d.kind));
    if (matches.length > 0) continue;
    const wants = r.wants.join(' ');
    let candidates = candidatesFor.get(wants);
    if (!candidates) {
      candidates = [...new Set(declarations.filter((d) => r.wants.includes(d.kind)).map((d) => d.id))];
      candidatesFor.set(wants, candidates);
    }
    const guessKey = `${wants}\u0000${r.id}`;
    if (!guesses.has(guessKey)) guesses.set(guessKey, didYouMean(r.id, candidates, budget));
    const guess = guesses.get(guessKey);
    const wrongKind = byId.get(r.id)?.[0];
    const message = wrongKind
      ? `\`${r.id}\` is a ${KIND_NAMES[wrongKind.kind]}, not an ${r.what}`.replace(' an p', ' a p')
      : `Unknown id \`${r.id}\`: no ${r.what} has this id` + (guess ? ` (did you mean \`${guess}\`?)` : '');
    const fixes =
      guess && !wrongKind
        ? [{ title: `Replace with \`${guess}\``, edits: [{ ...r.span, newText: guess }], preferred: true, safe: false }]
        : [];
    findings.push({ ruleId: unknownReference.id, severity: 'error', message, path: r.path, span: r.span, fixes });
  }

  // Stages are unique within their pipeline, releases by name and version, pipelines by name;
  // assets and stage outputs share one namespace across the workspace.
  const groups = new Map<string, Declaration[]>();
  for (const d of declarations) {
    const key =
      d.kind === 'stage'
        ? `stage\u0000${d.scope}\u0000${d.id}`
        : d.kind === 'release' || d.kind === 'pipeline'
          ? `${d.kind}\u0000${d.id}`
          : `id\u0000${d.id}`;
    add(groups, key, d);
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

function add<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
