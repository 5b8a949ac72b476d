/** What data carries through the lineage: the most sensitive tier among its sources, and their limits. */
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
  /** The domains of the crown-jewel assets it derives from (through no redacting stage). */
  readonly domains: readonly string[];
}

export const ALL_METHODS: readonly string[] = ['full', 'lora', 'qlora', 'adapter', 'prompt-tuning', 'rag'];

/** Data that derives from nothing classified. */
export const NOTHING: Carried = { rank: -1, crownJewel: false, assets: [], allowedMethods: ALL_METHODS, domains: [] };

/** An asset's allowed uses as fine-tuning methods; crown-jewel data defaults to parameter-efficient ones. */
export function methodsFor(uses: readonly string[]): string[] {
  if (uses.length === 0) return ['lora', 'qlora', 'adapter', 'prompt-tuning', 'rag'];
  const out = new Set<string>();
  for (const u of uses) {
    if (u === 'full-finetune') out.add('full');
    if (u === 'lora-finetune') ['lora', 'qlora', 'adapter', 'prompt-tuning'].forEach((m) => out.add(m));
    if (u === 'rag') out.add('rag');
  }
  return [...out];
}

/** Data derived from both: the higher tier, every crown-jewel source, the methods both allow. */
export function merge(a: Carried, b: Carried): Carried {
  if (a === NOTHING) return b;
  if (b === NOTHING) return a;
  const top = b.rank > a.rank ? b : a;
  return {
    tier: top.tier,
    rank: top.rank,
    crownJewel: a.crownJewel || b.crownJewel,
    assets:
      a.assets.length === 0 ? b.assets : b.assets.length === 0 ? a.assets : [...new Set([...a.assets, ...b.assets])],
    allowedMethods:
      a.allowedMethods.length === ALL_METHODS.length
        ? b.allowedMethods
        : a.allowedMethods.filter((m) => b.allowedMethods.includes(m)),
    maxRetentionDays:
      a.maxRetentionDays === undefined
        ? b.maxRetentionDays
        : b.maxRetentionDays === undefined
          ? a.maxRetentionDays
          : Math.min(a.maxRetentionDays, b.maxRetentionDays),
    domains:
      a.domains.length === 0
        ? b.domains
        : b.domains.length === 0
          ? a.domains
          : [...new Set([...a.domains, ...b.domains])],
  };
}
