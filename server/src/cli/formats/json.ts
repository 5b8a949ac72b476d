import { maskedNote, maskedWaiver, maskId, type Waiver } from '../../core';
import type { CheckResult } from '../check';
import type { Regions } from './location';

/** Version of the JSON output's shape; bumped on any incompatible change. */
export const JSON_FORMAT_VERSION = 1;

function waiverJson(raw: Waiver) {
  const w = maskedWaiver(raw);
  return {
    path: maskId(w.path),
    line: w.line,
    rules: w.rules,
    policy: w.policy ?? null,
    reason: w.reason ?? null,
    expires: w.expires ?? null,
    approver: w.approver ?? null,
    valid: w.valid,
  };
}

export function formatJson(result: CheckResult, regions: Regions, toolVersion: string): string {
  return (
    JSON.stringify(
      {
        version: JSON_FORMAT_VERSION,
        tool: { name: 'crownguard', version: toolVersion },
        findings: result.findings.map((f) => ({
          ruleId: f.ruleId,
          severity: f.severity,
          message: f.message,
          path: maskId(f.path),
          offset: f.span.offset,
          length: f.span.length,
          ...regions.of(f),
          // In a notebook: the cell (1-based) and the line and column in its source, or its output.
          ...(f.cell ? { cell: f.cell } : {}),
          fixes: f.fixes.map((x) => ({ title: x.title, safe: x.safe === true, edits: x.edits })),
          // The helpers the data goes through to the sink, each where it passes the value on.
          ...(f.flow
            ? {
                flow: f.flow
                  .filter((r) => r.path && r.span)
                  .map((r) => ({
                    message: r.message,
                    path: maskId(r.path!),
                    ...regions.of({ path: r.path!, span: r.span! }),
                  })),
              }
            : {}),
          ...(f.waiver ? { waiver: waiverJson(f.waiver) } : {}),
        })),
        waivers: result.waivers.map(waiverJson),
        notes: result.notes.map((n) => ({ ...maskedNote(n), path: maskId(n.path) })),
        summary: { filesChecked: result.filesChecked, skipped: Object.fromEntries(result.skipped) },
      },
      null,
      2,
    ) + '\n'
  );
}
