import type { Document } from 'yaml';
import type { Declaration, Reference } from '../manifests/load';
import { didYouMean, type SuggestionBudget } from '../text';
import type { Finding } from '../types';
import { valueSpan } from '../yaml/locate';
import type { ManifestRuleContext, Rule, WorkspaceRuleContext } from './rule';

export const unknownReference: Rule = {
  id: 'CG003',
  name: 'unknown-reference',
  defaultSeverity: 'error',
  summary: 'A manifest refers to an id (a tier, an asset) that is not declared.',
  manifest: (ctx) => (ctx.kind === 'governance' ? unknownTiers(ctx) : []),
  workspace: (ctx) => unknownIds(ctx),
};

/**
 * Candidates did-you-mean may look at in one check, in all: a few hundred milliseconds at most.
 * Beyond it, unknown ids are still reported, without a suggestion.
 */
const SUGGESTION_BUDGET = 1_000_000;

export const KIND_NAMES: Record<Declaration['kind'], string> = {
  asset: 'asset',
  output: 'stage output',
  pipeline: 'pipeline',
  release: 'model release',
  stage: 'stage',
};

/** Every reference of the workspace's manifests names a declared id of the right kind. */
function unknownIds(ctx: WorkspaceRuleContext): Finding[] {
  const { only, index } = ctx;
  const findings: Finding[] = [];
  // One document's check reads the workspace's index; a whole check indexes the ids once here.
  const indexed = only !== undefined ? index : undefined;
  const byId = new Map<string, Declaration[]>();
  if (!indexed)
    for (const d of ctx.declarations) {
      const list = byId.get(d.id);
      if (list) list.push(d);
      else byId.set(d.id, [d]);
    }
  const declared = (id: string): readonly Declaration[] => (indexed ? indexed.declared(id) : (byId.get(id) ?? []));
  // The ids of each set of kinds a reference may name, and the suggestion for each unknown id:
  // computed once, not once per reference.
  const candidatesFor = new Map<string, string[]>();
  const guesses = new Map<string, string | undefined>();
  const budget: SuggestionBudget = { left: SUGGESTION_BUDGET };
  const suggest = (r: Reference, wants: string): string | undefined => {
    if (indexed) return indexed.suggest(r.id, r.wants, budget);
    let candidates = candidatesFor.get(wants);
    if (!candidates) {
      candidates = [...new Set(ctx.declarations.filter((d) => r.wants.includes(d.kind)).map((d) => d.id))];
      candidatesFor.set(wants, candidates);
    }
    return didYouMean(r.id, candidates, budget);
  };

  for (const r of indexed ? indexed.of(only!).references : ctx.references) {
    if (only !== undefined && r.path !== only) continue;
    const matches = declared(r.id).filter((d) => r.wants.includes(d.kind));
    if (matches.length > 0) continue;
    const wants = r.wants.join(' ');
    const guessKey = `${wants}\u0000${r.id}`;
    if (!guesses.has(guessKey)) guesses.set(guessKey, suggest(r, wants));
    const guess = guesses.get(guessKey);
    const wrongKind = declared(r.id)[0];
    const message = wrongKind
      ? `\`${r.id}\` is a ${KIND_NAMES[wrongKind.kind]}, not an ${r.what}`.replace(' an p', ' a p')
      : `Unknown id \`${r.id}\`: no ${r.what} has this id` + (guess ? ` (did you mean \`${guess}\`?)` : '');
    const fixes =
      guess && !wrongKind
        ? [{ title: `Replace with \`${guess}\``, edits: [{ ...r.span, newText: guess }], preferred: true, safe: false }]
        : [];
    findings.push({ ruleId: unknownReference.id, severity: 'error', message, path: r.path, span: r.span, fixes });
  }
  return findings;
}

/** Every tier the governance manifest names (an asset's, an identifier's, a waiver setting's) is declared. */
function unknownTiers({ path, doc, value, governance }: ManifestRuleContext): Finding[] {
  const g = isRecord(value) ? value : {};
  const known = governance.tiers.map((t) => t.id);
  const out: Finding[] = [];
  records(g.assets).forEach((a, i) => {
    if (typeof a.id !== 'string' || typeof a.tier !== 'string') return;
    out.push(...unknownTier(path, doc, ['assets', i, 'tier'], a.tier, known));
  });
  records(g.sensitiveIdentifiers).forEach((s, i) => {
    if (typeof s.name !== 'string') return;
    out.push(
      ...unknownTier(
        path,
        doc,
        ['sensitiveIdentifiers', i, 'tier'],
        typeof s.tier === 'string' ? s.tier : undefined,
        known,
      ),
    );
  });
  const w = isRecord(g.waivers) ? g.waivers : {};
  const forbid = Array.isArray(w.forbidInlineForTiers)
    ? w.forbidInlineForTiers.filter((t) => typeof t === 'string')
    : [];
  forbid.forEach((t: string, i: number) =>
    out.push(...unknownTier(path, doc, ['waivers', 'forbidInlineForTiers', i], t, known)),
  );
  // The team's own sources (`flow.sources[].tier`).
  const flow = isRecord(g.flow) ? g.flow : {};
  records(flow.sources).forEach((s, i) => {
    if (typeof s.tier === 'string') out.push(...unknownTier(path, doc, ['flow', 'sources', i, 'tier'], s.tier, known));
  });
  return out;
}

function unknownTier(
  path: string,
  doc: Document,
  at: (string | number)[],
  tier: string | undefined,
  known: string[],
): Finding[] {
  if (tier === undefined || known.includes(tier)) return [];
  const span = valueSpan(doc, at);
  const guess = didYouMean(tier, known);
  const message =
    `Unknown tier \`${tier}\`` + (guess ? ` (did you mean \`${guess}\`?)` : `; declared tiers: ${known.join(', ')}`);
  const fixes = guess
    ? [{ title: `Replace with \`${guess}\``, edits: [{ ...span, newText: guess }], preferred: true }]
    : [];
  return [{ ruleId: unknownReference.id, severity: 'error', message, path, span, fixes }];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function records(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter(isRecord) : [];
}
