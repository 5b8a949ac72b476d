import { duplicateId } from './duplicate-id';
import { manifestSchema } from './manifest-schema';
import { manifestSyntax } from './manifest-syntax';
import type { RuleMeta } from './rule';
import { sensitiveDataInLog } from './sensitive-data-in-log';
import { unknownReference } from './unknown-reference';

/** Every rule, by id. Each has a page at `docs/rules/<id>.md`; a test keeps the two in step. */
export const RULES: readonly RuleMeta[] = [manifestSyntax, manifestSchema, unknownReference, duplicateId, sensitiveDataInLog];

export function ruleById(id: string): RuleMeta | undefined {
  return RULES.find((r) => r.id === id);
}

export { rulePagePath, type RuleMeta } from './rule';
