import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/** Files (paths relative to the root, `/`-separated) and the files each imports. */
export type ImportGraph = Map<string, Set<string>>;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function resolve(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  return [`${base}.ts`, path.join(base, 'index.ts')].find((p) => existsSync(p));
}

/**
 * The import graph of the TypeScript files under `root`, as the compiler reads their imports
 * (`import`, `import type`, `export ... from`, `import x = require(...)`): type-only imports
 * count, since they tie the files' designs together just as much. Packages and JSON are left out.
 */
export function importGraph(root: string): ImportGraph {
  const graph: ImportGraph = new Map();
  const rel = (p: string) => path.relative(root, p).split(path.sep).join('/');
  for (const file of sources(root)) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = new Set<string>();
    for (const i of info.importedFiles) {
      if (!i.fileName.startsWith('.')) continue;
      const target = resolve(file, i.fileName);
      if (target && target.startsWith(root + path.sep)) targets.add(rel(target));
    }
    graph.set(rel(file), targets);
  }
  return graph;
}

/** The strongly connected components of more than one node (or a node importing itself): the cycles. */
export function cycles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  // Tarjan's algorithm, with an explicit stack so that no graph depth can overflow the call stack.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: { node: string; next: string[] }[] = [];
    const enter = (node: string) => {
      index.set(node, counter);
      low.set(node, counter++);
      stack.push(node);
      onStack.add(node);
      work.push({ node, next: [...(graph.get(node) ?? [])] });
    };
    enter(start);
    while (work.length > 0) {
      const top = work[work.length - 1];
      const w = top.next.pop();
      if (w !== undefined) {
        if (!index.has(w)) enter(w);
        else if (onStack.has(w)) low.set(top.node, Math.min(low.get(top.node)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.node)!));
      }
      if (low.get(top.node) === index.get(top.node)) {
        const component: string[] = [];
        let w2: string;
        do {
          w2 = stack.pop()!;
          onStack.delete(w2);
          component.push(w2);
        } while (w2 !== top.node);
        if (component.length > 1 || graph.get(top.node)?.has(top.node)) out.push(component.sort());
      }
    }
  }
  return out;
}

/**
 * The folder a file belongs to for the folder-level graph: the core's subfolders each on their
 * own (`core/rules`), the other top-level folders whole (`lsp`). Files directly in the core
 * (engine.ts, types.ts, text.ts, ...) are no folder: some sit below everything and some above,
 * and the file-level graph already holds them to having no cycles.
 */
export function folderOf(file: string): string | undefined {
  const parts = file.split('/');
  if (parts.length < 2) return undefined;
  if (parts[0] === 'core') return parts.length > 2 ? `core/${parts[1]}` : undefined;
  return parts[0];
}

/** The folder-level graph, leaving out the file edges in `ignored` (written `from -> to`). */
export function folderGraph(graph: ImportGraph, ignored: ReadonlySet<string> = new Set()): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [from, targets] of graph) {
    const a = folderOf(from);
    if (!a) continue;
    if (!out.has(a)) out.set(a, new Set());
    for (const to of targets) {
      const b = folderOf(to);
      if (b && b !== a && !ignored.has(`${from} -> ${to}`)) out.get(a)!.add(b);
    }
  }
  return out;
}
