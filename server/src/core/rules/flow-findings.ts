import type { Governance, RedactionFunction } from '../governance/model';
import type { Flow, LanguageAdapter, SinkKind } from '../languages/adapter';
import { languageById } from '../languages/registry';
import type { Tree } from '../languages/parsers';
import type { Classification } from '../sensitivity/catalog';
import { fileRole } from '../sensitivity/location';
import { literalTuning } from './literal-findings';
import type { LineIndex } from '../text';
import type { PathStep } from '../languages/summaries';
import type { Finding, Fix, RelatedInformation, Severity, Span, TextEdit } from '../types';
import type { RuleMeta } from './rule';

/** A rule about sensitive data reaching one kind of sink. */
export interface FlowRule extends RuleMeta {
  readonly sink: SinkKind;
  /** How the message says where the data went, e.g. `reaches logger.info`. */
  describeSink(callee: string): string;
}

export interface FileContext {
  readonly path: string;
  readonly text: string;
  readonly tree: Tree;
  readonly lines: LineIndex;
  readonly adapter: LanguageAdapter;
  readonly governance: Governance;
  /** The adapter's `runsInBrowser` for this text, when the caller keeps it between versions of the text. */
  readonly runsInBrowser?: () => boolean;
}

/** The redaction function for a language, or its adapter's stand-in (TypeScript and JavaScript serve each other). */
export function redactionFor(governance: Governance, language: LanguageAdapter['id']): RedactionFunction | undefined {
  const r: Readonly<Record<string, RedactionFunction | undefined>> = governance.redaction;
  const fallback = languageById(language)?.redactionFallback;
  return r[language] ?? (fallback !== undefined ? r[fallback] : undefined);
}

/** Crown-jewel data is an error; other declared data a warning; built-in guesses by confidence. */
export function severityOf(c: Classification): Severity {
  if (c.crownJewel) return 'error';
  if (c.source === 'builtin' && c.lowConfidence) return 'note';
  return 'warning';
}

/** Names what the value is and who said so; never the value. */
export function describe(c: Classification): string {
  const level = c.crownJewel ? 'Crown-jewel' : 'Sensitive';
  if (c.record) return `${level} record \`${c.name}\` of asset \`${c.asset}\` (tier ${c.tier}, every field)`;
  if (c.viaLocation) return `${level} data of asset \`${c.asset}\` (tier ${c.tier}, read from its declared location)`;
  if (c.source === 'governance' && c.asset)
    return `${level} field \`${c.name}\` of asset \`${c.asset}\` (tier ${c.tier})`;
  if (c.source === 'governance') return `${level} identifier \`${c.name}\`${c.tier ? ` (tier ${c.tier})` : ''}`;
  return `Possible ${c.category ?? 'sensitive'} value \`${c.name}\` (built-in name list)`;
}

function wrapEdits(span: Span, form: Flow['form'], text: string, fn: string): TextEdit[] {
  if (form === 'shorthand') return [{ ...span, newText: `${text}: ${fn}(${text})` }];
  return [
    { offset: span.offset, length: 0, newText: `${fn}(` },
    { offset: span.offset + span.length, length: 0, newText: ')' },
  ];
}

/**
 * The fix that redacts a value where it entered the local variable that carries it to the
 * sink, when one expression alone put it there and the file still reads as the walker saw it.
 */
function originFix(ctx: FileContext, f: Flow, fn: string, importEdit: TextEdit | undefined): Fix | undefined {
  const origin = f.via?.origin;
  // A whole record (`json.dumps(customer)`) may not be a string where it entered: wrap it at the sink only.
  if (!origin || origin.form === 'object' || f.classification.record || f.classification.viaLocation) return undefined;
  const { span } = origin;
  if (
    span.offset + span.length > f.span.offset ||
    ctx.text.slice(span.offset, span.offset + span.length) !== origin.text
  )
    return undefined;
  const edits = wrapEdits(span, origin.form, origin.text, fn);
  if (importEdit) edits.unshift(importEdit);
  const what = origin.text.length <= 40 && !origin.text.includes('\n') ? `\`${origin.text}\`` : 'the value';
  const line = ctx.lines.position(span.offset).line + 1;
  return {
    title: `Wrap ${what} in ${fn}() where it enters \`${f.via!.name}\` (line ${line})`,
    edits,
    preferred: true,
    safe: true,
  };
}

/** Turns the flows of one sink kind into findings, each with its redaction fix. */
export function flowFindings(rule: FlowRule, ctx: FileContext, flows: readonly Flow[]): Finding[] {
  const mine = flows.filter((f) => f.sink.kind === rule.sink);
  if (mine.length === 0) return [];
  const redaction = redactionFor(ctx.governance, ctx.adapter.id);
  const importEdit = redaction ? ctx.adapter.importEdit(ctx.tree, ctx.text, redaction) : undefined;
  const tuning = literalTuning(ctx.governance);
  const inTest = fileRole(ctx.path, tuning.testPaths, tuning.root) === 'test';
  const inBrowser =
    rule.sink === 'log' && (ctx.runsInBrowser ? ctx.runsInBrowser() : ctx.adapter.runsInBrowser?.(ctx.text) === true);
  return mine.map((f) => {
    const via = f.via
      ? ` through local variable \`${f.via.name}\` (assigned on line ${ctx.lines.position(f.via.offset).line + 1})`
      : '';
    // Through helpers: `my_log(x)` (line 3) -> `logger.info`, each where it passes the value on.
    const steps = f.steps ?? [];
    const where = (s: PathStep) =>
      s.path ? `${s.path}:${s.line ?? '?'}` : `line ${ctx.lines.position(s.span.offset).line + 1}`;
    const path = steps.length
      ? ` through ${steps.map((s) => `\`${s.callee}\` (${where(s)})`).join(' -> ')} -> \`${f.sink.callee}\``
      : '';
    const advice = redaction
      ? `; wrap it in ${redaction.function}()`
      : `; declare your redaction function under \`redaction.${ctx.adapter.id}\` in the governance manifest`;
    // A page's console is its visitor's, read by anyone with the developer tools or an extension.
    const page =
      rule.sink === 'log' && inBrowser && /^console\./.test(f.sink.callee)
        ? ' (the browser console of whoever opens the page: this file runs in a web page, not on a server)'
        : '';
    const message = `${describe(f.classification)} ${rule.describeSink(f.sink.callee)}${page}${via}${path} without redaction${advice}`;
    const fixes: Fix[] = [];
    const name = ctx.text.slice(f.span.offset, f.span.offset + f.span.length);
    // The object of `ds.push_to_hub()` or `df["email"].isna()` may not be a string: no placeholder
    // for it, and a wrap is offered but never applied unasked.
    if (f.form === 'passed') {
      // The value is the helper's own: it is redacted inside the helper, where the path ends, not here.
    } else if (f.form === 'object') {
      if (redaction) {
        const edits = [
          ...(importEdit ? [importEdit] : []),
          { offset: f.span.offset, length: 0, newText: `${redaction.function}(` },
          { offset: f.span.offset + f.span.length, length: 0, newText: ')' },
        ];
        fixes.push({ title: `Wrap in ${redaction.function}()`, edits, preferred: true, safe: false });
      }
    } else if (redaction) {
      // Redacting where the value entered the variable keeps the rest of what is logged (a
      // ticket id beside the SSN), so that fix comes first; the wrap at the sink stays on offer.
      const origin = originFix(ctx, f, redaction.function, importEdit);
      if (origin) fixes.push(origin);
      const edits = wrapEdits(f.span, f.form, name, redaction.function);
      if (importEdit) edits.unshift(importEdit);
      const title = origin
        ? `Wrap the whole \`${f.via!.name}\` in ${redaction.function}() here`
        : `Wrap in ${redaction.function}()`;
      fixes.push({ title, edits, preferred: !origin, safe: true });
    } else {
      // Inside an interpolation the placeholder replaces the whole `{...}`, so no quotes nest.
      const placeholder = `<redacted:${f.classification.name}>`;
      const literal = ctx.adapter.stringLiteral(placeholder);
      const edit = f.interpolation
        ? { ...f.interpolation, newText: placeholder }
        : { ...f.span, newText: f.form === 'shorthand' ? `${name}: ${literal}` : literal };
      // A placeholder for a variable or a whole record changes what the code does: offer it, never apply it unasked.
      const safe = !f.via && !f.classification.record && !f.classification.viaLocation;
      fixes.push({ title: `Replace with the placeholder "${placeholder}"`, edits: [edit], preferred: true, safe });
    }
    const classification = { tier: f.classification.tier, crownJewel: f.classification.crownJewel };
    // A built-in name guess in a test is the test's own fixture (`secret = {...}`); a declared field is reported wherever it is.
    const severity = f.classification.source === 'builtin' && inTest ? 'note' : severityOf(f.classification);
    const flow: RelatedInformation[] = steps.map((s, i) => ({
      message: `\`${s.callee}\` passes the value to ${i + 1 < steps.length ? `\`${steps[i + 1].callee}\`` : `\`${f.sink.callee}\``}`,
      path: s.path ?? ctx.path,
      span: s.span,
    }));
    return {
      ruleId: rule.id,
      severity,
      message,
      path: ctx.path,
      span: f.span,
      fixes,
      classification,
      ...(flow.length ? { flow, related: flow } : {}),
    };
  });
}
