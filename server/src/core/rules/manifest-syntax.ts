import { CST, isMap, isPair, isScalar, isSeq, Parser, parseDocument, YAMLParseError, type Document } from 'yaml';
import { MAX_YAML_DEPTH, tooDeepAt } from '../yaml/depth';
import type { Finding, SourceFile, Span } from '../types';
import type { RuleMeta } from './meta';

/**
 * The rule every manifest and YAML config passes before any other reads it: the loaders call
 * `parseYaml`, and what does not parse is this rule's finding, at its place.
 */
export const manifestSyntax: RuleMeta = {
  id: 'CG001',
  name: 'manifest-syntax',
  defaultSeverity: 'error',
  summary:
    'A manifest is not valid YAML (syntax error, duplicate key, tab indentation, or an alias that expands without bound).',
};

/** Manifests larger than this are refused with a finding rather than parsed. */
export const MAX_MANIFEST_BYTES = 2 * 1024 * 1024;
/** Aliases one document may expand; beyond this it is an alias bomb. */
const MAX_ALIAS_COUNT = 1000;

function finding(
  rule: { id: string },
  path: string,
  span: Span,
  message: string,
  fixes: Finding['fixes'] = [],
): Finding {
  return { ruleId: rule.id, severity: 'error', message, path, span, fixes };
}

/** Parses YAML into a document and its syntax findings; never throws. */
export function parseYaml(file: SourceFile): { doc?: Document; value?: unknown; findings: Finding[] } {
  if (file.text.length > MAX_MANIFEST_BYTES) {
    return {
      findings: [
        finding(
          manifestSyntax,
          file.path,
          { offset: 0, length: 0 },
          `Manifest is larger than ${MAX_MANIFEST_BYTES / 1024 / 1024} MiB; not parsed`,
        ),
      ],
    };
  }
  // The yaml library recurses once per level: past this depth it would exhaust the stack, or abort the process.
  const deep = tooDeepAt(file.text);
  if (deep !== undefined) {
    return {
      findings: [
        finding(
          manifestSyntax,
          file.path,
          { offset: deep, length: 1 },
          `YAML nests more than ${MAX_YAML_DEPTH} levels deep here; not parsed`,
        ),
      ],
    };
  }
  const findings: Finding[] = [];
  try {
    // yaml's own duplicate-key check compares each key with every earlier one of its mapping
    // (20,000 keys took seconds); the same check with a set per mapping is linear.
    const doc = parseDocument(file.text, { prettyErrors: false, uniqueKeys: false, strict: true });
    doc.errors.push(...duplicateKeys(doc));
    // yaml reports an unclosed bracket where the text after it stops making sense (the next
    // line, often three times over); the mistake is at the bracket, so it is reported there alone.
    const unclosed = doc.errors.length > 0 ? firstUnclosedFlow(file.text) : undefined;
    if (unclosed) {
      findings.push(
        finding(
          manifestSyntax,
          file.path,
          { offset: unclosed.offset, length: 1 },
          `YAML: this \`${unclosed.open}\` is never closed with \`${unclosed.close}\``,
        ),
      );
    }
    for (const e of [...doc.errors, ...doc.warnings]) {
      if (unclosed && e.pos[0] >= unclosed.offset) continue;
      const [start, end] = widenToToken(file.text, e.pos[0], e.pos[1]);
      const message = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      findings.push(
        finding(manifestSyntax, file.path, { offset: start, length: Math.max(0, end - start) }, `YAML: ${message}`),
      );
    }
    if (doc.errors.length > 0) return { doc, findings };
    const value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    return { doc, value, findings };
  } catch (err) {
    // The yaml library throws for alias bombs and exhausts the stack on absurd nesting.
    const reason =
      err instanceof RangeError ? 'nesting is too deep' : err instanceof Error ? err.message : 'unreadable';
    findings.push(finding(manifestSyntax, file.path, { offset: 0, length: 0 }, `YAML could not be loaded: ${reason}`));
    return { findings };
  }
}

/** The earliest `[` or `{` whose flow collection has no closing bracket, if any. */
function firstUnclosedFlow(text: string): { offset: number; open: string; close: string } | undefined {
  let found: { offset: number; open: string; close: string } | undefined;
  for (const token of new Parser().parse(text)) {
    if (token.type !== 'document') continue;
    CST.visit(token, (item) => {
      for (const node of [item.key, item.value]) {
        if (node?.type !== 'flow-collection') continue;
        const close = node.start.source === '{' ? '}' : ']';
        if (!node.end.some((t) => t.source === close) && (!found || node.offset < found.offset))
          found = { offset: node.offset, open: node.start.source, close };
      }
    });
  }
  return found;
}

/** `Map keys must be unique` at every key that repeats an earlier scalar key of its mapping. */
function duplicateKeys(doc: Document): YAMLParseError[] {
  const errors: YAMLParseError[] = [];
  // An explicit stack: a document may nest deeper than the call stack allows.
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (isScalar(pair.key)) {
          const v = pair.key.value;
          const id = `${typeof v}:${String(v)}`;
          if (seen.has(id) && pair.key.range)
            errors.push(
              new YAMLParseError([pair.key.range[0], pair.key.range[1]], 'DUPLICATE_KEY', 'Map keys must be unique'),
            );
          seen.add(id);
        }
        stack.push(pair.key, pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(isPair(item) ? item.value : item);
    }
  }
  return errors.sort((a, b) => a.pos[0] - b.pos[0]);
}

/** yaml reports some errors at a single character; widen those to the word they start. */
function widenToToken(text: string, start: number, end: number): [number, number] {
  if (end - start > 1) return [start, end];
  const word = /^[^\s:,[\]{}#]+/.exec(text.slice(start, start + 200));
  return word ? [start, start + word[0].length] : [start, end];
}
