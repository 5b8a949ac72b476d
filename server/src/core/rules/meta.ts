import type { Severity } from '../types';

// Apart from the rule contract (rule.ts), which names the model each scope reads: the loaders
// build the findings of the rules they run (syntax, schema, not fully analysed) from this alone,
// so they never import the model's upper layers back.

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
