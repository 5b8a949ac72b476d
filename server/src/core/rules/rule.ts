import type { Severity } from '../types';

/** What every rule declares about itself. Its page is `docs/rules/<id>.md`. */
export interface RuleMeta {
  /** Stable id, used in diagnostics, waivers, baselines and SARIF. Never reused. */
  readonly id: string;
  /** Kebab-case name, readable in configuration. */
  readonly name: string;
  readonly defaultSeverity: Severity;
  /** One sentence: what the rule reports. */
  readonly summary: string;
}

/** Where a rule's page lives, relative to the repository (and the packaged extension). */
export function rulePagePath(id: string): string {
  return `docs/rules/${id}.md`;
}
