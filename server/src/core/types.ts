/**
 * The vocabulary shared by every part of the analysis core. Everything here is plain data:
 * offsets into the file's text (UTF-16 code units, as JavaScript strings index them), never
 * editor positions. The shells convert offsets to lines and columns at their edge.
 */

export type Severity = 'error' | 'warning' | 'note';

/** Severities from the most to the least serious, for thresholds and sorting. */
export const SEVERITY_ORDER: readonly Severity[] = ['error', 'warning', 'note'];

export function severityRank(s: Severity): number {
  return SEVERITY_ORDER.indexOf(s);
}

/** A file handed to the core. `path` identifies it (a relative path, an absolute path or a URI). */
export interface SourceFile {
  readonly path: string;
  readonly text: string;
}

/** A half-open span `[offset, offset + length)` in a file's text. */
export interface Span {
  readonly offset: number;
  readonly length: number;
}

export interface TextEdit extends Span {
  readonly newText: string;
}

export interface Fix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
  /** The fix a user most likely wants; editors offer it first. */
  readonly preferred?: boolean;
  /** Safe to apply without review: `fix all` and `check --fix` apply only these. */
  readonly safe?: boolean;
}

/** A policy annotation in a file's comments that waives findings of the statement below it. */
export interface Waiver {
  readonly path: string;
  /** The annotation itself. */
  readonly span: Span;
  /** 1-based line of the annotation. */
  readonly line: number;
  readonly rules: readonly string[];
  readonly policy?: string;
  readonly reason?: string;
  /** YYYY-MM-DD. */
  readonly expires?: string;
  readonly approver?: string;
  /** The code it applies to. */
  readonly covers: Span;
  /** False when the annotation itself is broken (no reason, expired, ...): it waives nothing. */
  readonly valid: boolean;
}

/**
 * Another place that explains a finding, e.g. where the policy it violates is defined: a span
 * of a workspace file (`path` as in findings), or a rule's page at the entry named `anchor`.
 */
export interface RelatedInformation {
  readonly message: string;
  readonly path?: string;
  readonly span?: Span;
  readonly rulePage?: { readonly ruleId: string; readonly anchor?: string };
}

export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  /** Never contains a detected sensitive value: names, kinds and masked forms only. */
  readonly message: string;
  readonly path: string;
  readonly span: Span;
  readonly fixes: readonly Fix[];
  /** How sensitive the data is, for waiver rules and reports. */
  readonly classification?: { readonly tier?: string; readonly crownJewel: boolean };
  /** Set when a valid waiver covers the finding: editors hide it, SARIF suppresses it. */
  readonly waiver?: Waiver;
  /** Stable across unrelated edits; baselines and SARIF match findings by it. */
  readonly fingerprint?: string;
  /** Where to read more: the definition of the policy a finding violates, for one. */
  readonly related?: readonly RelatedInformation[];
  /**
   * The path the data takes from the flagged expression to the sink, hop by hop, when it goes
   * through helper functions: each helper's place where it passes the value on (SARIF codeFlows).
   */
  readonly flow?: readonly RelatedInformation[];
  /**
   * In a notebook (.ipynb): the cell, 1-based, and the 1-based line and column in its source
   * (`span` is still the offset in the file), or `output` when the finding is in what it printed.
   */
  readonly cell?: CellLocation;
}

export interface CellLocation {
  readonly number: number;
  readonly line?: number;
  readonly column?: number;
  readonly output?: boolean;
}

/** Something the user should know that is not a finding, e.g. a file that was skipped. */
export interface Note {
  readonly path: string;
  readonly message: string;
}

/** Settings that apply to one resource (a file, or the folder it lives in). */
export interface Settings {
  /** When false, no findings are produced for the resource. */
  readonly enable: boolean;
  /** Path of the governance manifest; empty for the first `governance.yaml`/`.yml` found. */
  readonly governanceManifest: string;
  /** When false, waivers written in files are reported but waive nothing (`--no-inline-waivers`). */
  readonly inlineWaivers?: boolean;
  /** Today's date (YYYY-MM-DD) for waiver expiry; the shells pass the clock's, tests a fixed one. */
  readonly today?: string;
}

export const DEFAULT_SETTINGS: Settings = { enable: true, governanceManifest: '' };

/** What a shell knows of a release's artifact file (the core reads no files itself). */
export type ArtifactStatus = { status: 'ok'; sha256: string } | { status: 'missing' | 'too-large' | 'outside' };
export type ArtifactLookup = (pathFromRoot: string) => ArtifactStatus;
