import type { Governance } from '../governance/model';
import type { Flow, LanguageAdapter } from '../languages/adapter';
import type { Tree } from '../languages/parsers';
import type { Classification } from '../sensitivity/catalog';
import type { LineIndex } from '../text';
import type { Finding, Fix, Severity } from '../types';
import type { RuleMeta } from './rule';

export const sensitiveDataInLog: RuleMeta = {
  id: 'CG101',
  name: 'sensitive-data-in-log',
  defaultSeverity: 'error',
  summary: 'A crown-jewel field, asset or credential reaches a logging call, print or stdout/stderr without passing through a redaction function.',
};

function severityOf(c: Classification): Severity {
  return c.crownJewel ? 'error' : 'warning';
}

/** Names what the value is and who said so; never the value. */
export function describe(c: Classification): string {
  if (c.source === 'governance' && c.asset) {
    return `${c.crownJewel ? 'Crown-jewel' : 'Sensitive'} field \`${c.name}\` of asset \`${c.asset}\` (tier ${c.tier})`;
  }
  if (c.source === 'governance') return `${c.crownJewel ? 'Crown-jewel' : 'Sensitive'} identifier \`${c.name}\`${c.tier ? ` (tier ${c.tier})` : ''}`;
  return `Possible ${c.category ?? 'sensitive'} value \`${c.name}\` (built-in name list)`;
}

export interface FileContext {
  readonly path: string;
  readonly text: string;
  readonly tree: Tree;
  readonly lines: LineIndex;
  readonly adapter: LanguageAdapter;
  readonly governance: Governance;
}

export function checkLogFlows(ctx: FileContext, flows: readonly Flow[]): Finding[] {
  const redaction = ctx.governance.redaction[ctx.adapter.id];
  const importEdit = redaction ? ctx.adapter.importEdit(ctx.tree, ctx.text, redaction) : undefined;
  return flows
    .filter((f) => f.sink.kind === 'log')
    .map((f) => {
      const via = f.via ? ` through local variable \`${f.via.name}\` (assigned on line ${ctx.lines.position(f.via.offset).line + 1})` : '';
      const advice = redaction
        ? `; wrap it in ${redaction.function}()`
        : `; declare your redaction function under \`redaction.${ctx.adapter.id}\` in the governance manifest`;
      const message = `${describe(f.classification)} reaches ${f.sink.callee}${via} without redaction${advice}`;
      const fixes: Fix[] = [];
      if (redaction) {
        const edits = [
          { offset: f.span.offset, length: 0, newText: `${redaction.function}(` },
          { offset: f.span.offset + f.span.length, length: 0, newText: ')' },
        ];
        if (importEdit) edits.unshift(importEdit);
        fixes.push({ title: `Wrap in ${redaction.function}()`, edits, preferred: true });
      } else {
        // Inside an interpolation the placeholder replaces the whole `{...}`, so no quotes nest.
        const placeholder = `<redacted:${f.classification.name}>`;
        const edit = f.interpolation
          ? { ...f.interpolation, newText: placeholder }
          : { ...f.span, newText: ctx.adapter.stringLiteral(placeholder) };
        fixes.push({ title: `Replace with the placeholder "${placeholder}"`, edits: [edit], preferred: true });
      }
      return { ruleId: sensitiveDataInLog.id, severity: severityOf(f.classification), message, path: ctx.path, span: f.span, fixes };
    });
}
