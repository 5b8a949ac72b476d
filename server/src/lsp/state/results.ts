import { createHash } from 'node:crypto';
import type { Diagnostic } from 'vscode-languageserver';
import type { Settings } from '../../core';
import type { GovernanceResult } from '../../core/governance/load';

/** A saved file's diagnostics; `computed` is true when they were computed for this request. */
export interface SavedResult {
  readonly resultId: string;
  readonly items: Diagnostic[];
  readonly computed: boolean;
}

/**
 * How much of the governance in force a file's diagnostics read. A code file, prompt template or
 * config on its own reads the governance's rules (names, tiers, redaction functions, flow,
 * policies, waiver rules, literal tuning) but not where the manifest declares them, nor the
 * approval roles and hub namespace only manifests' lineage reads: `rules`. A file whose
 * diagnostics point into the governance manifest, and every manifest, read all of it: `all`.
 */
export type GovernanceReads = 'rules' | 'all';

/** What a kept result was computed from: the key of each input it read, so it is reused only while they are unchanged. */
interface Kept {
  readonly result: SavedResult;
  readonly reads: GovernanceReads;
  readonly key: string;
}

/**
 * The last diagnostics of each file that is not open, with what they were computed from. Keys
 * are digests of content (the settings' values, the governance's parts), never of object
 * identity: re-reading an unchanged manifest after a save keeps every result it does not change.
 */
export class SavedResults {
  private readonly results = new Map<string, Kept>();
  /** Per governance object: the digest of each part, computed once. */
  private readonly governanceKeys = new WeakMap<GovernanceResult, Partial<Record<GovernanceReads, string>>>();
  private readonly settingsKeys = new WeakMap<Settings, string>();

  /**
   * The kept result of `uri` when what it read is unchanged: `keyOf` gives the current key of
   * its inputs for the part of the governance the result read.
   */
  reuse(uri: string, keyOf: (reads: GovernanceReads) => string): SavedResult | undefined {
    const kept = this.results.get(uri);
    return kept && kept.key === keyOf(kept.reads) ? kept.result : undefined;
  }

  /** Keeps a result computed from inputs with `key`; its result id names that key, so equal inputs answer the same id. */
  keep(uri: string, items: Diagnostic[], reads: GovernanceReads, key: string): SavedResult {
    const resultId = createHash('sha1').update(key).digest('hex').slice(0, 16);
    this.results.set(uri, { result: { resultId, items, computed: false }, reads, key });
    return { resultId, items, computed: true };
  }

  /** A digest of the settings' values, and of the day when waivers' expiry reads the clock. */
  settingsKey(settings: Settings): string {
    let key = this.settingsKeys.get(settings);
    if (key === undefined) this.settingsKeys.set(settings, (key = digest(JSON.stringify(settings))));
    return settings.today === undefined ? `${key}@${new Date().toISOString().slice(0, 10)}` : key;
  }

  /** A digest of the part of the governance in force (read from `text`) that a result reads. */
  governanceKey(governance: GovernanceResult, text: string | undefined, reads: GovernanceReads): string {
    let keys = this.governanceKeys.get(governance);
    if (!keys) this.governanceKeys.set(governance, (keys = {}));
    let key = keys[reads];
    if (key === undefined) {
      const g = governance.governance;
      keys[reads] = key =
        reads === 'all'
          ? digest(`${JSON.stringify(governance)}\0${text ?? ''}`)
          : digest(JSON.stringify({ ...g, approvalRoles: undefined, hub: undefined }, withoutSpans));
    }
    return key;
  }
}

/** Drops where the manifest declares each thing: a file that reads only the rules does not read positions. */
function withoutSpans(key: string, value: unknown): unknown {
  return key === 'span' ? undefined : value;
}

function digest(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 16);
}
