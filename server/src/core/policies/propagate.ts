import { findTier, type Governance } from '../governance/model';
import type { LoadedManifest } from '../manifests/load';

/** What a dataset carries: the most sensitive tier among its sources, and their limits. */
export interface Carried {
  readonly tier?: string;
  readonly rank: number;
  readonly crownJewel: boolean;
  /** The crown-jewel assets it derives from (through no redacting stage). */
  readonly assets: readonly string[];
  /** Fine-tuning methods every crown-jewel source allows. */
  readonly allowedMethods: readonly string[];
  /** The shortest retention among its sources, in days, when any declares one. */
  readonly maxRetentionDays?: number;
}

const NOTHING: Carried = { rank: -1, crownJewel: false, assets: [], allowedMethods: ['full', 'lora', 'qlora', 'adapter', 'prompt-tuning', 'rag'] };

/** An asset's allowed uses as fine-tuning methods; crown-jewel data defaults to parameter-efficient ones. */
function methodsFor(uses: readonly string[]): string[] {
  if (uses.length === 0) return ['lora', 'qlora', 'adapter', 'prompt-tuning', 'rag'];
  const out = new Set<string>();
  for (const u of uses) {
    if (u === 'full-finetune') out.add('full');
    if (u === 'lora-finetune') ['lora', 'qlora', 'adapter', 'prompt-tuning'].forEach((m) => out.add(m));
    if (u === 'rag') out.add('rag');
  }
  return [...out];
}

function merge(a: Carried, b: Carried): Carried {
  const top = b.rank > a.rank ? b : a;
  return {
    tier: top.tier,
    rank: top.rank,
    crownJewel: a.crownJewel || b.crownJewel,
    assets: [...new Set([...a.assets, ...b.assets])],
    allowedMethods: a.allowedMethods.filter((m) => b.allowedMethods.includes(m)),
    maxRetentionDays: a.maxRetentionDays === undefined ? b.maxRetentionDays : b.maxRetentionDays === undefined ? a.maxRetentionDays : Math.min(a.maxRetentionDays, b.maxRetentionDays),
  };
}

export interface StageContext {
  readonly manifest: LoadedManifest;
  readonly index: number;
  readonly stage: Record<string, unknown>;
  /** What the stage's inputs carry. */
  readonly data: Carried;
}

/**
 * Classification follows lineage: each stage output carries what its inputs carry, unless the
 * stage redacts or anonymises (then it is no longer crown-jewel, and keeps at most the highest
 * tier that is not). Computed to a fixed point across every pipeline; a cycle cannot loop, as
 * the number of rounds is bounded by the number of stages.
 */
export function propagate(governance: Governance, pipelines: readonly LoadedManifest[]): { stages: StageContext[]; carried: ReadonlyMap<string, Carried> } {
  const carried = new Map<string, Carried>();
  for (const a of governance.assets) {
    const tier = findTier(governance, a.tier);
    const crownJewel = tier?.crownJewel ?? false;
    carried.set(a.id, {
      tier: a.tier,
      rank: tier?.rank ?? 0,
      crownJewel,
      assets: crownJewel ? [a.id] : [],
      allowedMethods: crownJewel ? methodsFor(a.allowedUses) : NOTHING.allowedMethods,
      maxRetentionDays: a.retentionDays,
    });
  }
  const highestPlain = [...governance.tiers].filter((t) => !t.crownJewel).sort((a, b) => b.rank - a.rank)[0];
  const stages: { manifest: LoadedManifest; index: number; stage: Record<string, unknown> }[] = [];
  for (const m of pipelines) {
    const list = Array.isArray(m.value?.stages) ? m.value.stages : [];
    list.forEach((stage, index) => {
      if (stage && typeof stage === 'object') stages.push({ manifest: m, index, stage: stage as Record<string, unknown> });
    });
  }
  const ids = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const inputsOf = (s: Record<string, unknown>) => ids(s.inputs).map((i) => carried.get(i) ?? NOTHING).reduce(merge, NOTHING);
  for (let round = 0; round <= stages.length; round++) {
    let changed = false;
    for (const { stage } of stages) {
      let out = inputsOf(stage);
      if ((stage.type === 'redact' || stage.type === 'anonymise') && out.crownJewel) {
        out = { ...out, crownJewel: false, assets: [], allowedMethods: NOTHING.allowedMethods, tier: highestPlain?.id, rank: Math.min(out.rank, highestPlain?.rank ?? 0) };
      }
      for (const o of ids(stage.outputs)) {
        const before = carried.get(o);
        const next = before ? merge(before, out) : out;
        if (JSON.stringify(next) !== JSON.stringify(before)) {
          carried.set(o, next);
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  return { stages: stages.map((s) => ({ ...s, data: inputsOf(s.stage) })), carried };
}
