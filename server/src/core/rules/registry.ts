import { duplicateId } from './duplicate-id';
import type { FlowRule } from './flow-findings';
import { invalidWaiver } from './invalid-waiver';
import { lineageCycle } from './lineage-cycle';
import { piiLiteral, secretLiteral } from './literal-findings';
import { artifactDigest } from './artifact-digest';
import { policyViolation } from './policy-violation';
import { manifestSchema } from './manifest-schema';
import { manifestSyntax } from './manifest-syntax';
import { notFullyAnalysed } from './not-fully-analysed';
import type { Rule, RuleMeta } from './rule';
import { sensitiveDataInException } from './sensitive-data-in-exception';
import { sensitiveDataInLlmCall } from './sensitive-data-in-llm-call';
import { sensitiveDataInLog } from './sensitive-data-in-log';
import { sensitiveDataInTracker } from './sensitive-data-in-tracker';
import { sensitiveDataUpload } from './sensitive-data-upload';
import { sensitiveFieldInPromptTemplate } from './sensitive-field-in-prompt-template';
import { unknownReference } from './unknown-reference';
import { sensitiveDataInTrainingFile } from './sensitive-data-in-training-file';
import { undeclaredCrownJewelCandidate, undeclaredSensitiveField } from './undeclared-data';
import { redactionClaim } from './redaction-claim';

/** The rules about sensitive data reaching a sink, one per kind of sink. */
export const FLOW_RULES: readonly FlowRule[] = [
  sensitiveDataInLog,
  sensitiveDataInException,
  sensitiveDataInTracker,
  sensitiveDataInLlmCall,
  sensitiveDataUpload,
];

/**
 * Every rule, by id. Each has a page at `docs/rules/<id>.md`; a test keeps the two in step.
 * The engine runs the checks of each scope in this order: a new rule is one line here.
 */
export const RULES: readonly (Rule | FlowRule)[] = [
  manifestSyntax,
  manifestSchema,
  unknownReference,
  duplicateId,
  notFullyAnalysed,
  ...FLOW_RULES,
  sensitiveFieldInPromptTemplate,
  secretLiteral,
  piiLiteral,
  sensitiveDataInTrainingFile,
  invalidWaiver,
  policyViolation,
  artifactDigest,
  lineageCycle,
  undeclaredSensitiveField,
  undeclaredCrownJewelCandidate,
  redactionClaim,
];

export function ruleById(id: string): RuleMeta | undefined {
  return RULES.find((r) => r.id === id);
}

/** The rules with a check for `scope`, in registry order. */
export function rulesFor(scope: 'file' | 'manifest' | 'workspace'): readonly Rule[] {
  return RULES.filter((r): r is Rule => scope in r && typeof (r as Rule)[scope] === 'function');
}

export { rulePagePath, type Rule, type RuleMeta } from './rule';
