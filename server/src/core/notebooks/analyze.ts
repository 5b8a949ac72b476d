import { withFingerprints } from '../fingerprint';
import type { Governance } from '../governance/model';
import { notFullyAnalysed } from '../rules/not-fully-analysed';
import { boundLiteralFindings, literalFindings, literalTuning, secretLiteral } from '../rules/literal-findings';
import { masked } from '../safe';
import { scanLiterals } from '../sensitivity/literals';
import { LineIndex } from '../text';
import type { Finding, Fix, Severity, SourceFile, Span, TextEdit, Waiver } from '../types';
import type { CellKind, MappedText, Notebook } from './notebook';
import { cellAt, notebookProgram, type CellRange, type NotebookProgram } from './program';

/** One cell as an editor or a file gives it: its kind and its source text. */
export interface CellSource {
  readonly kind: CellKind;
  readonly text: string;
}

/** A finding in a cell: its span and its fixes' edits are offsets in that cell's text. */
export interface CellFinding {
  /** The cell's index among all the notebook's cells. */
  readonly cell: number;
  readonly finding: Finding;
}

export interface CellsResult {
  readonly findings: CellFinding[];
  /** The waivers written in the code cells, spans in their cells' texts. */
  readonly waivers: { readonly cell: number; readonly waiver: Waiver }[];
}

/** What the engine does with a program: the analysis of Python code. */
export type AnalyzeProgram = (file: SourceFile) => { findings: Finding[]; waivers: Waiver[] };

function shift(span: Span, by: number): Span {
  return { offset: span.offset - by, length: span.length };
}

/** An inserted line (an import, written to follow the program's own imports) as a cell's first line. */
function asFirstLine(text: string): string {
  const line = text.replace(/^(?:\r?\n)+/, '');
  return line.endsWith('\n') ? line : `${line}\n`;
}

/**
 * A program finding's fixes, in its cell. An edit in another cell is either an insertion (the
 * import a redaction needs, which the program puts at its top), which goes to the top of the
 * finding's own cell so that the cell still runs on its own, or the fix is dropped: a fix edits
 * the cell it is offered in and nothing else.
 */
function fixesInCell(fixes: readonly Fix[], own: CellRange, program: NotebookProgram, source: string): Fix[] {
  // A cell magic (`%%time`) must stay the cell's first line.
  const top = source.startsWith('%%') ? source.indexOf('\n') + 1 || source.length : 0;
  return fixes.flatMap((fix) => {
    const edits: TextEdit[] = [];
    for (const e of fix.edits) {
      const c = cellAt(program, e.offset);
      if (c === own && e.offset + e.length <= own.start + own.length)
        edits.push({ ...e, offset: e.offset - own.start });
      else if (e.length === 0) edits.push({ offset: top, length: 0, newText: asFirstLine(e.newText) });
      else return [];
    }
    return [{ ...fix, edits }];
  });
}

/** Literal findings of a markdown or raw cell: such cells hold no code, only text. */
function textCellFindings(path: string, cell: number, text: string, governance: Governance): CellFinding[] {
  const tuning = literalTuning(governance);
  const found = boundLiteralFindings(
    literalFindings(path, text, 'a notebook cell', { tuning }),
    governance.literals?.maxPerFile,
  );
  return masked(withFingerprints(`${path}#cell${cell}`, text, found)).map((finding) => ({ cell, finding }));
}

/**
 * Analyses a notebook's cells. The code cells are one Python program (when the notebook's
 * language is Python); markdown and raw cells are read for literal secrets and personal data.
 * Every finding is placed in its cell, with its fixes.
 */
export function analyzeCells(
  path: string,
  cells: readonly CellSource[],
  language: string,
  governance: Governance,
  analyzeProgram: AnalyzeProgram,
): CellsResult {
  const findings: CellFinding[] = [];
  const waivers: CellsResult['waivers'] = [];
  const code = cells.flatMap((c, cell) => (c.kind === 'code' ? [{ cell, text: c.text }] : []));
  if (language === 'python' && code.length > 0) {
    const program = notebookProgram(code);
    const result = analyzeProgram({ path, text: program.text });
    const lines = new LineIndex(program.text);
    // The flow rules name lines of the program: a reader knows cells and their lines.
    const inCells = (text: string) =>
      text.replace(/\b(on )?line (\d+)\b/g, (whole, on: string | undefined, n: string) => {
        const offset = lines.lineStart(Number(n) - 1);
        const c = cellAt(program, offset);
        if (!c) return whole;
        const line = lines.position(offset).line - lines.position(c.start).line + 1;
        return `${on ? 'in ' : ''}cell ${c.cell + 1}, line ${line}`;
      });
    for (const f of result.findings) {
      // A whole-file finding (CG005 at offset 0) belongs to the first code cell.
      const own = cellAt(program, f.span.offset) ?? program.cells[0];
      const fixes = fixesInCell(f.fixes, own, program, cells[own.cell].text).map((x) => ({
        ...x,
        title: inCells(x.title),
      }));
      findings.push({
        cell: own.cell,
        finding: { ...f, message: inCells(f.message), span: shift(f.span, own.start), fixes },
      });
    }
    for (const w of result.waivers) {
      const own = cellAt(program, w.span.offset) ?? program.cells[0];
      waivers.push({
        cell: own.cell,
        waiver: { ...w, span: shift(w.span, own.start), covers: shift(w.covers, own.start) },
      });
    }
  } else {
    // Code in a language we do not analyse is still text that can hold a secret.
    for (const c of code) findings.push(...textCellFindings(path, c.cell, c.text, governance));
  }
  cells.forEach((c, cell) => {
    if (c.kind !== 'code' && c.text.length > 0) findings.push(...textCellFindings(path, cell, c.text, governance));
  });
  return { findings, waivers };
}

/** A cell text's offsets in the .ipynb file, with edits' new text written as JSON string content. */
function toFile(cell: MappedText, span: Span): Span {
  const at = (o: number) => cell.offsets[Math.max(0, Math.min(o, cell.text.length))];
  const start = at(span.offset);
  return { offset: start, length: at(span.offset + span.length) - start };
}

function jsonEscaped(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, note: 2 };

/**
 * The findings of a cell's outputs: what a run printed is committed with the notebook, so a
 * printed token or a table of e-mail addresses is a leak. One finding per cell and rule, at the
 * first value, naming the kinds and how many of each, never a value.
 */
function outputFindings(path: string, notebook: Notebook, governance: Governance): Finding[] {
  const tuning = literalTuning(governance);
  const out: Finding[] = [];
  notebook.cells.forEach((cell, index) => {
    const byRule = new Map<string, { first: Span; severity: Severity; kinds: Map<string, number>; count: number }>();
    for (const o of cell.outputs) {
      const found = literalFindings(path, o.content.text, 'a notebook output', { tuning });
      if (found.length === 0) continue;
      const kinds = new Map(
        scanLiterals(o.content.text, undefined, { allowedEmailDomains: tuning.allowedEmailDomains }).map((m) => [
          m.offset,
          m.kind,
        ]),
      );
      for (const f of found) {
        const span = toFile(o.content, f.span);
        const group = byRule.get(f.ruleId) ?? { first: span, severity: f.severity, kinds: new Map(), count: 0 };
        if (RANK[f.severity] < RANK[group.severity]) group.severity = f.severity;
        if (span.offset < group.first.offset) group.first = span;
        const kind = kinds.get(f.span.offset) ?? 'value';
        group.kinds.set(kind, (group.kinds.get(kind) ?? 0) + 1);
        group.count++;
        byRule.set(f.ruleId, group);
      }
    }
    for (const [ruleId, g] of byRule) {
      const what = ruleId === secretLiteral.id ? 'literal secret' : 'literal personal value';
      const kinds = [...g.kinds].map(([k, n]) => `${k} x${n.toLocaleString('en-US')}`).join(', ');
      const advice =
        ruleId === secretLiteral.id
          ? 'revoke it, and clear the output before committing the notebook'
          : 'clear the output before committing the notebook, or print synthetic data';
      out.push({
        ruleId,
        severity: g.severity,
        message: `The output of cell ${index + 1} holds ${g.count.toLocaleString('en-US')} ${what}${g.count === 1 ? '' : 's'} (${kinds}); ${advice}`,
        path,
        span: g.first,
        fixes: [],
        cell: { number: index + 1, output: true },
      });
    }
  });
  return out;
}

/** The note that a notebook's outputs were only sampled, with how much was read. */
function samplingFinding(path: string, notebook: Notebook): Finding | undefined {
  const { read, unread } = notebook.outputChars;
  if (unread === 0) return undefined;
  const kib = (n: number) => `${Math.ceil(n / 1024).toLocaleString('en-US')} KiB`;
  return {
    ruleId: notFullyAnalysed.id,
    severity: 'note',
    message: `Outputs only sampled: ${kib(read)} of output text read, about ${kib(unread)} not read (the first 64 KiB of each output, 1 MiB per notebook); images are never read`,
    path,
    span: { offset: 0, length: 0 },
    fixes: [],
  };
}

/**
 * The findings of a .ipynb file: every cell finding placed in the file (its span, and its
 * fixes' edits as JSON string content, so a fix rewrites the cell's source and nothing around
 * it), with the cell's number and the line and column in the cell; then the outputs'.
 */
export function notebookFileFindings(
  file: SourceFile,
  notebook: Notebook,
  governance: Governance,
  analyzeProgram: AnalyzeProgram,
): { findings: Finding[]; waivers: Waiver[] } {
  const cells = notebook.cells.map((c) => ({ kind: c.kind, text: c.source.text }));
  const result = analyzeCells(file.path, cells, notebook.language, governance, analyzeProgram);
  const lines = new LineIndex(file.text);
  const cellLines = new Map<number, LineIndex>();
  const cellLine = (cell: number) => {
    if (!cellLines.has(cell)) cellLines.set(cell, new LineIndex(notebook.cells[cell].source.text));
    return cellLines.get(cell)!;
  };
  const findings = result.findings.map(({ cell, finding }) => {
    const source = notebook.cells[cell].source;
    const at = cellLine(cell).position(finding.span.offset);
    return {
      ...finding,
      span: toFile(source, finding.span),
      cell: { number: cell + 1, line: at.line + 1, column: at.character + 1 },
      fixes: finding.fixes.map((fix) => ({
        ...fix,
        edits: fix.edits.map((e) => ({ ...toFile(source, e), newText: jsonEscaped(e.newText) })),
      })),
    };
  });
  const waivers = result.waivers.map(({ cell, waiver }) => {
    const source = notebook.cells[cell].source;
    const span = toFile(source, waiver.span);
    return { ...waiver, span, covers: toFile(source, waiver.covers), line: lines.position(span.offset).line + 1 };
  });
  const sampling = samplingFinding(file.path, notebook);
  const fromOutputs = outputFindings(file.path, notebook, governance);
  const extra = masked(withFingerprints(file.path, file.text, [...fromOutputs, ...(sampling ? [sampling] : [])]));
  return { findings: [...findings, ...extra], waivers };
}
