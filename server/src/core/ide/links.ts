import { isMap, isScalar, isSeq, parseDocument, type Node, type Scalar } from 'yaml';
import { tooDeepAt } from '../yaml/depth';
import type { Span } from '../types';
import { schemasAt, SCHEMAS, type SchemaKind } from '../schema/manifests';

/** A file a manifest names, and where it may be: the shell links the first that exists. */
export interface LinkCandidate {
  /** The path (or the module of an import line) in the manifest's text. */
  readonly span: Span;
  /** Relative to the manifest's folder or to the workspace folder, in the order to try. */
  readonly targets: readonly { readonly base: 'manifest' | 'root'; readonly path: string }[];
}

/** Nodes visited at most: links are a convenience, never worth unbounded work. */
const MAX_NODES = 20000;
const MAX_DEPTH = 64;

const JS_EXTENSIONS = ['', '.ts', '.tsx', '.js', '.mjs', '.cjs', '/index.ts', '/index.js'];

/** The files a module of an import line may be: `from acme.privacy import x`, `from "./privacy"`. */
function moduleFiles(line: string): { module: string; files: string[] } | undefined {
  const py = /^\s*(?:from\s+([A-Za-z_][\w.]*)\s+import\b|import\s+([A-Za-z_][\w.]*))/.exec(line);
  if (py) {
    const module = py[1] ?? py[2];
    const base = module.split('.').join('/');
    return { module, files: [`${base}.py`, `${base}/__init__.py`] };
  }
  // Only a relative specifier is a file of the workspace; a bare one is a package.
  const js = /(?:\bfrom\s*|\brequire\s*\(\s*|^\s*import\s*)(['"])(\.{1,2}\/[^'"]+)\1/.exec(line);
  if (js) return { module: js[2], files: JS_EXTENSIONS.map((e) => js[2].replace(/^\.\//, '') + e) };
  return undefined;
}

/** A local path worth linking: no URI scheme, no glob, not absolute, not home-relative. */
function isLocalPath(value: string): boolean {
  return (
    value.length > 0 &&
    value.length < 1024 &&
    !/^[a-z][\w+.-]*:/i.test(value) &&
    !/[*?[\]{}]/.test(value) &&
    !/^[/\\~]/.test(value) &&
    !/^[A-Za-z]:/.test(value)
  );
}

/** Where a scalar's text starts in the file: inside its quotes for a quoted one. */
function contentStart(text: string, node: Scalar): number {
  const start = node.range![0];
  return text[start] === '"' || text[start] === "'" ? start + 1 : start;
}

/**
 * The file paths a governance, pipeline or model manifest names, wherever its schema marks a
 * value as a path (`x-crownguard-path`): a training config, an artifact, an asset's local
 * location, the module of a redaction function's import line. Only candidates: the core reads
 * no files, so the shell checks which exist.
 */
export function linkCandidates(text: string, kind: SchemaKind): LinkCandidate[] {
  let doc;
  // Nesting the yaml library cannot follow could abort the process: such a text gets no help.
  if (tooDeepAt(text) !== undefined) return [];
  try {
    doc = parseDocument(text, { prettyErrors: false });
  } catch {
    return [];
  }
  const root = SCHEMAS[kind];
  const out: LinkCandidate[] = [];
  let visited = 0;
  const both = (p: string) => [
    { base: 'manifest' as const, path: p },
    { base: 'root' as const, path: p },
  ];
  const visit = (node: unknown, path: (string | number)[]) => {
    if (++visited > MAX_NODES || path.length > MAX_DEPTH) return;
    if (isMap(node)) {
      for (const pair of node.items) if (isScalar(pair.key)) visit(pair.value, [...path, String(pair.key.value)]);
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => visit(item, [...path, i]));
    } else if (isScalar(node) && typeof node.value === 'string' && node.range) {
      const marker = schemasAt(root, path).find((s) => s['x-crownguard-path'])?.['x-crownguard-path'];
      if (!marker) return;
      const value = node.value;
      const start = contentStart(text, node);
      if (marker === 'file') {
        if (!isLocalPath(value) || text.slice(start, start + value.length) !== value) return;
        out.push({ span: { offset: start, length: value.length }, targets: both(value.replace(/^\.\//, '')) });
      } else {
        const found = moduleFiles(value);
        const at = found ? value.indexOf(found.module) : -1;
        if (!found || at < 0 || text.slice(start + at, start + at + found.module.length) !== found.module) return;
        out.push({ span: { offset: start + at, length: found.module.length }, targets: found.files.flatMap(both) });
      }
    }
  };
  visit(doc.contents as Node, []);
  return out;
}
