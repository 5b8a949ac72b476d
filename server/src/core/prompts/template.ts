import type { Span } from '../types';

/** A `{{ ... }}` placeholder in a Jinja, Mustache or Handlebars prompt template. */
export interface Placeholder {
  /** The whole tag, braces included. */
  readonly tag: Span;
  /** The variable path, e.g. `customer.ssn` or `row['ssn']`. */
  readonly variable: Span;
  /** The field the path ends in: `ssn`. */
  readonly field: string;
  /** Filters applied to it: `{{ x | upper | redact }}` has [upper, redact]. */
  readonly filters: readonly string[];
  /** Where a further filter would be inserted: after the last filter or the variable. */
  readonly filterInsertAt: number;
  /** True when the tag is the variable and filters only, so a filter can safely be appended. */
  readonly simple: boolean;
}

const EXTENSIONS = ['.prompt', '.prompty', '.jinja', '.jinja2', '.j2', '.mustache', '.hbs', '.handlebars'];
const PROMPT_DIR_EXTENSIONS = ['.txt', '.md', '.tmpl', '.tpl', '.template'];

/** True for prompt-template files: by extension, or text files under a `prompts/` folder. */
export function isPromptTemplate(path: string): boolean {
  const p = path.toLowerCase().replace(/\\/g, '/');
  if (EXTENSIONS.some((e) => p.endsWith(e))) return true;
  return /(^|\/)prompts\//.test(p) && PROMPT_DIR_EXTENSIONS.some((e) => p.endsWith(e));
}

/**
 * The comment a template engine does not render: Mustache and Handlebars print `{# ... #}` as
 * text, so a waiver written that way would end up in the prompt.
 */
export function templateComment(path: string): { open: string; close: string } {
  return /\.(mustache|hbs|handlebars)$/i.test(path) ? { open: '{{!', close: '}}' } : { open: '{#', close: '#}' };
}

/** The openings of the template engines' comments, as regular-expression source: where a waiver may be written. */
export const TEMPLATE_COMMENT_OPENERS: readonly string[] = ['\\{#', '\\{\\{!(?:--)?'];

/** Regions that are not template text: `{# comments #}`, `{{! comments }}`, front matter. */
function ignoredRegions(text: string): Span[] {
  const out: Span[] = [];
  const front = /^---\r?\n[\s\S]*?\r?\n---\r?\n/.exec(text);
  if (front) out.push({ offset: 0, length: front[0].length });
  // Bounded, so a file full of unclosed `{#` costs linear time, not quadratic.
  for (const m of text.matchAll(/\{#[\s\S]{0,20000}?#\}|\{\{!--[\s\S]{0,20000}?--\}\}|\{\{![\s\S]{0,20000}?\}\}/g))
    out.push({ offset: m.index, length: m[0].length });
  return out;
}

const PATH = /^([A-Za-z_][\w]*(?:\s*\.\s*[A-Za-z_]\w*|\s*\[\s*(['"])[^'"\]]+\2\s*\])*)/;

/**
 * The placeholders of a template, in order, or only those whose field `wanted` accepts (the
 * rest are not read further). Statements (`{% %}`) and sections are skipped.
 */
export function placeholders(text: string, wanted?: (field: string) => boolean): Placeholder[] {
  const ignored = ignoredRegions(text);
  const out: Placeholder[] = [];
  const tag = /\{\{(\{)?([-~]?)([\s\S]{0,1000}?)([-~]?)\}\}(\})?/g;
  for (let m = tag.exec(text); m; m = tag.exec(text)) {
    const start = m.index;
    // A third closing brace belongs to the tag only when it opened with three (`{{{x}}}`).
    if (!m[1] && m[5]) tag.lastIndex--;
    const tagLength = m[0].length - (!m[1] && m[5] ? 1 : 0);
    if (ignored.some((r) => start >= r.offset && start < r.offset + r.length)) continue;
    let inner = m[3];
    let innerStart = start + 2 + (m[1] ? 1 : 0) + m[2].length;
    // Mustache sections, partials and comments are not values; `&` marks an unescaped value.
    if (/^\s*[#/^>!=]/.test(inner)) continue;
    const amp = /^\s*&/.exec(inner);
    if (amp) {
      innerStart += amp[0].length;
      inner = inner.slice(amp[0].length);
    }
    const lead = inner.length - inner.trimStart().length;
    const path = PATH.exec(inner.slice(lead));
    if (!path) continue;
    const variable = { offset: innerStart + lead, length: path[1].length };
    const segments = path[1].split(/\s*\.\s*|\s*\[\s*['"]|['"]\s*\]/).filter(Boolean);
    const field = segments[segments.length - 1];
    if (wanted && !wanted(field)) continue;
    const rest = inner.slice(lead + path[1].length);
    // Filters count only when they apply to the variable itself: `{{ ssn if x else "-" | redact }}`
    // filters the fallback, and `{{ x | default(ssn) }}` is not the variable's filter either.
    const simple = /^\s*(\|\s*[A-Za-z_]\w*\s*)*$/.test(rest);
    const filters = simple ? [...rest.matchAll(/\|\s*([A-Za-z_]\w*)/g)].map((f) => f[1]) : [];
    const trimmedEnd = innerStart + inner.trimEnd().length;
    out.push({
      tag: { offset: start, length: tagLength },
      variable,
      field,
      filters,
      filterInsertAt: trimmedEnd,
      simple,
    });
  }
  return out;
}
