import type { Declaration, Reference } from '../manifests/load';
import { editDistance, type SuggestionBudget } from '../text';

const KINDS: readonly Declaration['kind'][] = ['asset', 'output', 'pipeline', 'release', 'stage'];
const bit = (kind: Declaration['kind']): number => 1 << KINDS.indexOf(kind);

/** The key under which two declarations of an id collide (stages only within their pipeline). */
export function duplicateKey(d: Declaration): string {
  return d.kind === 'stage'
    ? `stage\u0000${d.scope}\u0000${d.id}`
    : d.kind === 'release' || d.kind === 'pipeline'
      ? `${d.kind}\u0000${d.id}`
      : `id\u0000${d.id}`;
}

/** A declared id as did-you-mean compares it: lower case, with the kinds it is declared as (bits). */
interface Candidate {
  readonly id: string;
  readonly lower: string;
  /** Which of 32 classes its letters fall in (see `letters`). */
  readonly letters: number;
  mask: number;
}

/**
 * The set of an id's characters, each in one of 32 classes, as bits. Every edit brings in at
 * most one character the other id lacks (a swap none), so the distance between two ids is at
 * least the number of classes either has and the other lacks: a cheap bound that rejects most
 * of thousands of near-length ids before their distance is computed. Digits and letters get
 * classes of their own (ids are mostly both); the rarest letters share.
 */
function letters(lower: string): number {
  let bits = 0;
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    bits |= 1 << (c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 122 ? 10 + ((c - 97) % 21) : 31);
  }
  return bits;
}

function bitCount(n: number): number {
  n -= (n >>> 1) & 0x55555555;
  n = (n & 0x33333333) + ((n >>> 2) & 0x33333333);
  return (((n + (n >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

interface FilePart {
  readonly ord: number;
  readonly declarations: readonly Declaration[];
  readonly references: readonly Reference[];
}

/** One file's declarations and references, as the index takes them. */
export interface IndexedFile {
  readonly path: string;
  readonly declarations: readonly Declaration[];
  readonly references: readonly Reference[];
}

/**
 * The workspace's declared ids, kept per file so that an edit updates only its file's part:
 * what the reference check (CG003) and the duplicate check (CG004) of one document read,
 * instead of going over every id of the workspace. Lists keep the order of a scan of every
 * file in turn, so messages and suggestions are the ones such a scan gives.
 */
export class DeclarationIndex {
  private readonly files = new Map<string, FilePart>();
  private readonly position = new Map<Declaration, number>();
  private readonly byId = new Map<string, Declaration[]>();
  private readonly groups = new Map<string, Declaration[]>();
  /** For each id, how many declarations of each kind; and how many ids have each set of kinds. */
  private readonly kinds = new Map<string, number[]>();
  private readonly idsWithKinds = new Array<number>(1 << KINDS.length).fill(0);
  /** Ids by length, for did-you-mean: a typo is within a few letters of the id's length. */
  private readonly byLength = new Map<number, Map<string, Candidate>>();
  private nextOrd = 1;

  constructor(files: readonly IndexedFile[]) {
    for (const f of files) this.add(f, this.files.has(f.path) ? undefined : this.nextOrd++);
  }

  /**
   * Brings the index to `files` (in the workspace's order): the files whose parts changed
   * (other arrays) are replaced; false when the order changed, and the caller builds anew.
   */
  update(files: readonly IndexedFile[]): boolean {
    const next = new Set<string>();
    let lastOrd = -1;
    let added = false;
    const changed: IndexedFile[] = [];
    for (const f of files) {
      if (next.has(f.path)) return false;
      next.add(f.path);
      const part = this.files.get(f.path);
      if (!part) {
        added = true;
        changed.push(f);
        continue;
      }
      if (added || part.ord < lastOrd) return false;
      lastOrd = part.ord;
      if (part.declarations !== f.declarations || part.references !== f.references) changed.push(f);
    }
    for (const path of [...this.files.keys()]) if (!next.has(path)) this.remove(path);
    for (const f of changed) {
      const ord = this.files.get(f.path)?.ord ?? this.nextOrd++;
      this.remove(f.path);
      this.add(f, ord);
    }
    return true;
  }

  private add(f: IndexedFile, ord: number | undefined): void {
    // A path given twice (never by a workspace's files): its second part is indexed under the first's place.
    ord ??= this.files.get(f.path)!.ord;
    const existing = this.files.get(f.path);
    this.files.set(f.path, {
      ord,
      declarations: existing ? [...existing.declarations, ...f.declarations] : f.declarations,
      references: existing ? [...existing.references, ...f.references] : f.references,
    });
    const base = existing ? existing.declarations.length : 0;
    f.declarations.forEach((d, i) => {
      this.position.set(d, ord * 2 ** 24 + base + i);
      insert(this.byId, d.id, d, this.position);
      insert(this.groups, duplicateKey(d), d, this.position);
      this.count(d, 1);
    });
  }

  private remove(path: string): void {
    const part = this.files.get(path);
    if (!part) return;
    this.files.delete(path);
    for (const d of part.declarations) {
      remove(this.byId, d.id, d);
      remove(this.groups, duplicateKey(d), d);
      this.count(d, -1);
      this.position.delete(d);
    }
  }

  private count(d: Declaration, delta: 1 | -1): void {
    let counts = this.kinds.get(d.id);
    if (!counts) this.kinds.set(d.id, (counts = KINDS.map(() => 0)));
    const before = mask(counts);
    counts[KINDS.indexOf(d.kind)] += delta;
    const after = mask(counts);
    if (before === after) return;
    this.idsWithKinds[before]--;
    this.idsWithKinds[after]++;
    let same = this.byLength.get(d.id.length);
    if (after === 0) {
      this.kinds.delete(d.id);
      same?.delete(d.id);
      if (same?.size === 0) this.byLength.delete(d.id.length);
      return;
    }
    if (!same) this.byLength.set(d.id.length, (same = new Map()));
    const c = same.get(d.id);
    if (c) c.mask = after;
    else {
      const lower = d.id.toLowerCase();
      same.set(d.id, { id: d.id, lower, letters: letters(lower), mask: after });
    }
  }

  /** The declarations of an id, in workspace order. */
  declared(id: string): readonly Declaration[] {
    return this.byId.get(id) ?? [];
  }

  /** The declarations that collide with `d` (itself included), in workspace order. */
  colliding(d: Declaration): readonly Declaration[] {
    return this.groups.get(duplicateKey(d)) ?? [];
  }

  /** Where a declaration stands in workspace order. */
  positionOf(d: Declaration): number {
    return this.position.get(d) ?? -1;
  }

  /** A file's own declarations and references. */
  of(path: string): { declarations: readonly Declaration[]; references: readonly Reference[] } {
    return this.files.get(path) ?? { declarations: [], references: [] };
  }

  /**
   * The declared id of a wanted kind closest to `input`, as `didYouMean` over the ids of those
   * kinds in workspace order would choose it (the first of the closest), and charging the
   * budget as that scan would; only ids of a near length are compared.
   */
  suggest(input: string, wants: readonly Declaration['kind'][], budget?: SuggestionBudget): string | undefined {
    if (input.length > 64) return undefined;
    const want = wants.reduce((m, k) => m | bit(k), 0);
    if (budget) {
      let candidates = 0;
      for (let m = 1; m < this.idsWithKinds.length; m++) if (m & want) candidates += this.idsWithKinds[m];
      // The scan stops, without a suggestion, when the budget runs out before its last candidate.
      if (budget.left < candidates) {
        budget.left = -1;
        return undefined;
      }
      budget.left -= candidates;
    }
    const limit = input.length <= 3 ? 1 : input.length <= 6 ? 2 : Math.floor(input.length / 3);
    const lower = input.toLowerCase();
    const own = letters(lower);
    let best: string | undefined;
    let bestDistance = Infinity;
    let bestRank = Infinity;
    for (let length = Math.max(1, input.length - limit); length <= Math.min(64, input.length + limit); length++)
      for (const { id, lower: other, letters: theirs, mask } of this.byLength.get(length)?.values() ?? []) {
        if ((mask & want) === 0) continue;
        // Farther than the best so far for certain: its distance would be rejected below.
        const bound = Math.min(limit, bestDistance);
        if (bitCount(own & ~theirs) > bound || bitCount(theirs & ~own) > bound) continue;
        const d = editDistance(lower, other, bound);
        if (d > limit || d > bestDistance) continue;
        const rank = this.rank(id, wants);
        if (d < bestDistance || rank < bestRank) {
          best = id;
          bestDistance = d;
          bestRank = rank;
        }
      }
    return best;
  }

  /** Where an id is first declared with one of the wanted kinds. */
  private rank(id: string, wants: readonly Declaration['kind'][]): number {
    const d = this.byId.get(id)!.find((x) => wants.includes(x.kind));
    return d ? this.position.get(d)! : Infinity;
  }
}

function mask(counts: readonly number[]): number {
  let m = 0;
  counts.forEach((c, i) => {
    if (c > 0) m |= 1 << i;
  });
  return m;
}

/** Adds `d` to its list in workspace order (lists are short: an id is rarely declared twice). */
function insert(
  map: Map<string, Declaration[]>,
  key: string,
  d: Declaration,
  position: Map<Declaration, number>,
): void {
  const list = map.get(key);
  if (!list) {
    map.set(key, [d]);
    return;
  }
  const at = position.get(d)!;
  let i = list.length;
  while (i > 0 && position.get(list[i - 1])! > at) i--;
  list.splice(i, 0, d);
}

function remove(map: Map<string, Declaration[]>, key: string, d: Declaration): void {
  const list = map.get(key);
  if (!list) return;
  const i = list.indexOf(d);
  if (i >= 0) list.splice(i, 1);
  if (list.length === 0) map.delete(key);
}
