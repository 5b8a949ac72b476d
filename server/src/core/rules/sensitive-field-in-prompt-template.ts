import type { Governance } from '../governance/model';
import { isRedactingCall } from '../languages/common';
import { placeholders } from '../prompts/template';
import type { Catalog } from '../sensitivity/catalog';
import type { Finding, Fix } from '../types';
import { describe, severityOf } from './flow-findings';
import type { Rule } from './rule';

export const sensitiveFieldInPromptTemplate: Rule = {
  id: 'CG106',
  name: 'sensitive-field-in-prompt-template',
  defaultSeverity: 'error',
  summary:
    'A prompt template interpolates a crown-jewel field or a credential, so every prompt rendered from it carries the value to the model.',
  file: (ctx) =>
    ctx.kind === 'prompt-template' ? checkPromptTemplate(ctx.path, ctx.text, ctx.catalog, ctx.governance) : [],
};

/** Placeholders that interpolate sensitive fields without a redacting filter. */
export function checkPromptTemplate(path: string, text: string, catalog: Catalog, governance: Governance): Finding[] {
  const filter = governance.redaction.templates;
  return placeholders(text, (field) => catalog.classify(field) !== undefined).flatMap((p) => {
    const c = catalog.classify(p.field);
    if (!c || p.filters.some((f) => isRedactingCall(f, filter))) return [];
    const fixes: Fix[] = !p.simple
      ? []
      : filter
        ? [
            {
              title: `Apply the ${filter.function} filter`,
              edits: [{ offset: p.filterInsertAt, length: 0, newText: ` | ${filter.function}` }],
              preferred: true,
              safe: true,
            },
          ]
        : [
            {
              title: `Replace with the placeholder <redacted:${c.name}>`,
              edits: [{ ...p.tag, newText: `<redacted:${c.name}>` }],
              preferred: true,
              safe: true,
            },
          ];
    const advice = filter
      ? `; apply the ${filter.function} filter`
      : '; declare a template filter under `redaction.templates` in the governance manifest';
    return [
      {
        ruleId: sensitiveFieldInPromptTemplate.id,
        severity: severityOf(c),
        message: `${describe(c)} is interpolated into a prompt template${advice}`,
        path,
        span: p.variable,
        fixes,
        classification: { tier: c.tier, crownJewel: c.crownJewel },
      },
    ];
  });
}
