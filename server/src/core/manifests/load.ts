import type { ValidateFunction } from 'ajv';
import { isMap, isSeq, type Document } from 'yaml';
import { parseYaml } from '../governance/load';
import { schemaFindings } from '../rules/manifest-schema';
import { ownValidator } from '../schema/validators';
import type { Finding, SourceFile, Span } from '../types';
import { valueSpan, type YamlPath } from '../yaml/locate';
import { validateInChunks } from '../schema/validate';
import { Budget } from '../budget';
import { notFullyAnalysedFinding } from '../rules/not-fully-analysed';

/**
 * Time one manifest's schema check may take, as for a code file's analysis. Past it the
 * remaining items are not checked and a CG005 finding says so; the syntax findings, the
 * findings of the items checked, and the literal secrets (found from the text) are kept.
 */
export const MANIFEST_BUDGET_MS = 10_000;

export type ManifestKind = 'pipeline' | 'model';

/** A pipeline or model manifest: by its file name, or by its `kind` when the name says nothing. */
export function manifestKindOf(path: string, text: string): ManifestKind | undefined {
  const lower = path.toLowerCase();
  if (/\.pipeline\.ya?ml$/.test(lower)) return 'pipeline';
  if (/\.model\.ya?ml$/.test(lower)) return 'model';
  if (!/\.ya?ml$/.test(lower) || !/^apiVersion:\s*crownguard\//m.test(text)) return undefined;
  const kind = /^kind:\s*(\w+)\s*$/m.exec(text)?.[1];
  return kind === 'Pipeline' ? 'pipeline' : kind === 'ModelRelease' ? 'model' : undefined;
}

/** An id declared somewhere in the workspace, and where. */
export interface Declaration {
  readonly id: string;
  readonly kind: 'asset' | 'output' | 'pipeline' | 'release' | 'stage';
  readonly path: string;
  readonly span: Span;
  /** Stage ids are only unique within their pipeline: their scope is the pipeline's file. */
  readonly scope?: string;
}

/** An id used somewhere, and what it must name. */
export interface Reference {
  readonly id: string;
  readonly wants: readonly Declaration['kind'][];
  /** What the reference must name, in words: `asset or stage output`. */
  readonly what: string;
  readonly path: string;
  readonly span: Span;
}

export interface LoadedManifest {
  readonly kind: ManifestKind;
  readonly path: string;
  readonly findings: Finding[];
  readonly declarations: Declaration[];
  readonly references: Reference[];
  /** The parsed document and its plain value, for policies; absent when it did not parse. */
  readonly doc?: Document;
  readonly value?: Record<string, unknown>;
  /** The manifest's text, for fixes that insert lines at the right indentation. */
  readonly text?: string;
}

function validatorFor(kind: ManifestKind): ValidateFunction {
  return ownValidator(kind);
}

function items(doc: Document, path: YamlPath): number {
  const node = doc.getIn(path, true);
  return isSeq(node) ? node.items.length : 0;
}

function str(doc: Document, path: YamlPath): string | undefined {
  const v = doc.getIn(path);
  return typeof v === 'string' ? v : undefined;
}

/**
 * Reads a pipeline or model manifest: syntax and schema findings at their nodes, and the ids it
 * declares and refers to, for the workspace-wide checks. Never throws.
 */
export function loadManifest(
  file: SourceFile,
  kind: ManifestKind,
  budget: Budget = new Budget(MANIFEST_BUDGET_MS),
): LoadedManifest {
  const parsed = parseYaml(file);
  const doc = parsed.doc;
  const value =
    parsed.value !== null && typeof parsed.value === 'object' && !Array.isArray(parsed.value)
      ? (parsed.value as Record<string, unknown>)
      : undefined;
  const out: LoadedManifest = {
    kind,
    path: file.path,
    findings: [...parsed.findings],
    declarations: [],
    references: [],
    doc,
    value,
    text: file.text,
  };
  if (!doc || parsed.value === undefined) return out;
  const { errors, stopped } = validateInChunks(validatorFor(kind), parsed.value, budget);
  if (errors.length > 0) out.findings.push(...schemaFindings(file.path, doc, errors, { text: file.text, kind }));
  // The schema findings of the items validated in time are real; the finding says the rest was not checked.
  if (stopped)
    out.findings.push(
      notFullyAnalysedFinding(file.path, { cause: 'time', budgetMs: budget.ms, during: 'analysis' }, true),
    );
  if (!isMap(doc.contents)) return out;

  const declare = (kind: Declaration['kind'], at: YamlPath, scope?: string, id = str(doc, at)) => {
    if (id) out.declarations.push({ id, kind, path: file.path, span: valueSpan(doc, at), scope });
  };
  const refer = (wants: Declaration['kind'][], what: string, at: YamlPath) => {
    const id = str(doc, at);
    if (id) out.references.push({ id, wants, what, path: file.path, span: valueSpan(doc, at) });
  };

  if (kind === 'pipeline') {
    declare('pipeline', ['metadata', 'name']);
    for (let s = 0; s < items(doc, ['stages']); s++) {
      declare('stage', ['stages', s, 'id'], file.path);
      // An output is its id, or `{id, location}`: the id is declared either way.
      for (let i = 0; i < items(doc, ['stages', s, 'outputs']); i++)
        declare(
          'output',
          isMap(doc.getIn(['stages', s, 'outputs', i], true))
            ? ['stages', s, 'outputs', i, 'id']
            : ['stages', s, 'outputs', i],
        );
      for (let i = 0; i < items(doc, ['stages', s, 'inputs']); i++)
        refer(['asset', 'output'], 'asset or stage output', ['stages', s, 'inputs', i]);
    }
  } else {
    // A release shares its name with the stage output it ships: releases are unique by name and version.
    const name = str(doc, ['name']);
    const version = doc.getIn(['version']);
    if (name) declare('release', ['name'], undefined, `${name}@${String(version ?? '')}`);
    refer(['pipeline'], 'pipeline', ['pipeline']);
    for (let i = 0; i < items(doc, ['datasets']); i++)
      refer(['asset', 'output'], 'asset or stage output', ['datasets', i]);
    for (let i = 0; i < items(doc, ['evaluation']); i++)
      refer(['asset', 'output'], 'asset or stage output', ['evaluation', i, 'dataset']);
  }
  return out;
}
