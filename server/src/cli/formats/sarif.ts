import { pathToFileURL } from 'node:url';
import { maskedWaiver, maskId, maskText, RULES, type CellLocation, type Severity } from '../../core';
import { ruleDocText, ruleDocUrl } from '../../host/docs';
import type { CheckResult } from '../check';
import type { Regions } from './location';

const levels: Record<Severity, string> = { error: 'error', warning: 'warning', note: 'note' };

/** The first paragraph under "What it checks" on a rule page, as plain text. */
function whatItChecks(page: string): string {
  const section = page.split(/^## What it checks\s*$/m)[1] ?? '';
  return (
    section
      .trim()
      .split(/\n\s*\n/)[0]
      ?.replace(/\s+/g, ' ')
      .trim() ?? ''
  );
}

function cellText(c: CellLocation): string {
  return c.output ? `cell ${c.number} output` : `cell ${c.number}, line ${c.line}, column ${c.column}`;
}

/** Why a waived finding is waived, its fields masked. */
function justification(raw: Parameters<typeof maskedWaiver>[0]): string {
  const w = maskedWaiver(raw);
  return `${w.reason ?? ''} (policy ${w.policy ?? 'none'}, expires ${w.expires}${w.approver ? `, approved by ${w.approver}` : ''})`;
}

/**
 * SARIF 2.1.0: one run, the rules it used, one result per finding. File names are masked
 * like every other name (core/safe.ts), so a secret in a file's name is not uploaded.
 */
export function formatSarif(result: CheckResult, regions: Regions, toolVersion: string, cwd: string): string {
  const used = RULES.filter((r) => result.findings.some((f) => f.ruleId === r.id));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'CrownGuard',
            version: toolVersion,
            rules: used.map((r) => {
              const page = ruleDocText(r.id);
              return {
                id: r.id,
                name: r.name,
                shortDescription: { text: r.summary },
                fullDescription: { text: whatItChecks(page) || r.summary },
                helpUri: ruleDocUrl(r.id),
                ...(page ? { help: { text: page, markdown: page } } : {}),
                defaultConfiguration: { level: levels[r.defaultSeverity] },
              };
            }),
          },
        },
        originalUriBaseIds: { SRCROOT: { uri: maskId(pathToFileURL(cwd.endsWith('/') ? cwd : cwd + '/').href) } },
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: result.notes.map((n) => ({
              level: 'note',
              message: { text: maskText(n.message) },
              locations: [
                { physicalLocation: { artifactLocation: { uri: encodeURI(maskId(n.path)), uriBaseId: 'SRCROOT' } } },
              ],
            })),
          },
        ],
        results: result.findings.map((f) => ({
          ruleId: f.ruleId,
          ruleIndex: used.findIndex((r) => r.id === f.ruleId),
          ...(f.fingerprint ? { partialFingerprints: { 'crownguard/v1': f.fingerprint } } : {}),
          level: levels[f.severity],
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: encodeURI(maskId(f.path)), uriBaseId: 'SRCROOT' },
                region: regions.of(f),
              },
              // In a notebook the region is in the .ipynb file; the cell and its line say where a reader looks.
              ...(f.cell
                ? {
                    message: { text: cellText(f.cell) },
                    properties: {
                      cell: f.cell.number,
                      ...(f.cell.output ? { output: true } : { line: f.cell.line, column: f.cell.column }),
                    },
                  }
                : {}),
            },
          ],
          // Where the policy a finding violates is defined, when that is a file of the workspace.
          ...(f.related?.some((r) => r.path && r.span)
            ? {
                relatedLocations: f.related
                  .filter((r) => r.path && r.span)
                  .map((r, id) => ({
                    id,
                    message: { text: r.message },
                    physicalLocation: {
                      artifactLocation: { uri: encodeURI(maskId(r.path!)), uriBaseId: 'SRCROOT' },
                      region: regions.of({ path: r.path!, span: r.span! }),
                    },
                  })),
              }
            : {}),
          // A flow through helpers: the flagged value, then each helper's place where it passes the value on.
          ...(f.flow?.some((r) => r.path && r.span)
            ? {
                codeFlows: [
                  {
                    threadFlows: [
                      {
                        locations: [
                          { path: f.path, span: f.span, message: 'the value passed' },
                          ...f.flow
                            .filter((r) => r.path && r.span)
                            .map((r) => ({ path: r.path!, span: r.span!, message: r.message })),
                        ].map((l) => ({
                          location: {
                            message: { text: l.message },
                            physicalLocation: {
                              artifactLocation: { uri: encodeURI(maskId(l.path)), uriBaseId: 'SRCROOT' },
                              region: regions.of({ path: l.path, span: l.span }),
                            },
                          },
                        })),
                      },
                    ],
                  },
                ],
              }
            : {}),
          ...(f.waiver
            ? { suppressions: [{ kind: 'inSource', status: 'accepted', justification: justification(f.waiver) }] }
            : {}),
        })),
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
