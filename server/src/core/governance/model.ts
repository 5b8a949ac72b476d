import type governanceSchema from '../../../../schemas/governance.schema.json';
import type { Span } from '../types';

/** The parsed governance manifest: what is sensitive, how sensitive, and how to redact it. */

export interface Tier {
  readonly id: string;
  /** Position in the declared order: higher is more sensitive. */
  readonly rank: number;
  readonly crownJewel: boolean;
}

export interface Asset {
  readonly id: string;
  readonly kind?: string;
  readonly tier: string;
  readonly owner?: string;
  readonly fields: readonly string[];
  /** Type names whose instances are whole records of the asset. */
  readonly records: readonly string[];
  readonly locations: readonly string[];
  readonly allowedUses: readonly string[];
  readonly retentionDays?: number;
  /** The data domain that owns it; crown-jewel data leaves it only redacted. */
  readonly domain?: string;
  /** Where the asset's id is declared in the manifest. */
  readonly span: Span;
}

export type Category = 'credential' | 'government-id' | 'contact' | 'financial' | 'health' | 'personal' | 'proprietary';

export interface SensitiveIdentifier {
  readonly name: string;
  readonly category?: Category;
  readonly tier?: string;
}

/**
 * Where redaction functions are declared: per language (the language adapters' ids, which the
 * schema's keys are tested against), and the filter for prompt templates.
 */
export type RedactionTarget = keyof (typeof governanceSchema)['properties']['redaction']['properties'];
export type RedactionLanguage = Exclude<RedactionTarget, 'templates'>;

export interface RedactionFunction {
  readonly function: string;
  readonly import?: string;
}

/** A call the manifest declares a sink: its callee by dotted segments (`*` for any one). */
export interface CustomSink {
  readonly callee: string;
  readonly kind: 'log' | 'exception' | 'tracker' | 'llm' | 'upload';
  readonly languages?: readonly RedactionLanguage[];
}

/** A call or attribute the manifest declares a source of sensitive data, and the name findings give it. */
export interface CustomSource {
  readonly call?: string;
  readonly attribute?: string;
  readonly field: string;
  readonly category?: Category;
  readonly tier?: string;
  readonly languages?: readonly RedactionLanguage[];
}

/** A named governance policy; waivers cite it, and it says which rules enforce it. */
export interface Policy {
  readonly id: string;
  readonly description?: string;
  readonly rules: readonly string[];
  readonly enabled?: boolean;
  readonly severity?: 'error' | 'warning' | 'note';
  readonly target?: 'stage' | 'release';
  /** JSON Schema fragments, evaluated with ajv: never code. */
  readonly when?: object;
  readonly require?: object;
  readonly at?: readonly string[];
  /** Where the manifest declares (or overrides) the policy: its whole entry. */
  readonly span?: Span;
}

/** What the manifest demands of waivers written in code. */
export interface WaiverPolicy {
  readonly reasonRequired: boolean;
  readonly requirePolicy: boolean;
  readonly maxDays?: number;
  readonly requireApproverForCrownJewel: boolean;
  readonly approvers: readonly string[];
  readonly forbidInlineForTiers: readonly string[];
}

export const DEFAULT_WAIVER_POLICY: WaiverPolicy = {
  reasonRequired: true,
  requirePolicy: false,
  requireApproverForCrownJewel: false,
  approvers: [],
  forbidInlineForTiers: [],
};

export interface Governance {
  /** The manifest's path, or undefined when the built-in default is in force. */
  readonly path?: string;
  readonly tiers: readonly Tier[];
  readonly assets: readonly Asset[];
  readonly identifiers: readonly SensitiveIdentifier[];
  readonly redaction: Partial<Record<RedactionTarget, RedactionFunction>>;
  /** The manifest's `flow:` section: the team's own sinks and sources. */
  readonly flow?: { readonly sinks: readonly CustomSink[]; readonly sources: readonly CustomSource[] };
  readonly builtinNames: boolean;
  readonly policies: readonly Policy[];
  readonly waiverPolicy: WaiverPolicy;
  /** Roles whose approval counts for fine-tuning, deployment and releases; empty: any. */
  readonly approvalRoles: readonly string[];
  /** How the literal rules are tuned for this repository (`literals:` in the manifest). */
  readonly literals?: LiteralsPolicy;
  /** The Hugging Face Hub account org-less pushes are created under (`hub.namespace`). */
  readonly hub?: { readonly namespace?: string };
}

/** The manifest's `literals:` section: test-data paths, accepted findings, published domains. */
export interface LiteralsPolicy {
  readonly testPaths: readonly string[];
  readonly allowFingerprints: readonly string[];
  readonly allowedEmailDomains: readonly string[];
  readonly reportTestData: boolean;
  readonly maxPerFile: number;
}

/** The tiers in force when a manifest declares none. */
export const DEFAULT_TIERS: readonly Tier[] = [
  { id: 'public', rank: 0, crownJewel: false },
  { id: 'internal', rank: 1, crownJewel: false },
  { id: 'confidential', rank: 2, crownJewel: false },
  { id: 'restricted', rank: 3, crownJewel: true },
];

/** What applies with no governance manifest in the workspace. */
export const DEFAULT_GOVERNANCE: Governance = {
  tiers: DEFAULT_TIERS,
  assets: [],
  identifiers: [],
  redaction: {},
  builtinNames: true,
  policies: [],
  waiverPolicy: DEFAULT_WAIVER_POLICY,
  approvalRoles: [],
};

export function findTier(g: Governance, id: string | undefined): Tier | undefined {
  return id === undefined ? undefined : g.tiers.find((t) => t.id === id);
}
