/** A compiled asset location glob: `test` says whether a whole path matches it. */
export interface Glob {
  readonly source: string;
  test(path: string): boolean;
}

/** One step of a glob: a literal character, `?` (one character within a segment), `*` or `**`. */
type Token = { kind: 'char'; char: string } | { kind: 'one' } | { kind: 'segment' } | { kind: 'any' };

/** `**` crosses segments but, like the `.` of a regular expression, not a line break. */
const LINE_BREAK = /[\n\r\u2028\u2029]/;

function tokens(pattern: string): Token[] {
  const glob = pattern.replace(/^\.\//, '');
  const out: Token[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      i++;
      if (glob[i + 1] === '/') i++;
      // Consecutive stars match the same strings as one: keeping one keeps the state set small.
      if (out[out.length - 1]?.kind !== 'any') out.push({ kind: 'any' });
    } else if (c === '*') {
      const last = out[out.length - 1]?.kind;
      if (last !== 'segment' && last !== 'any') out.push({ kind: 'segment' });
    } else if (c === '?') out.push({ kind: 'one' });
    else out.push({ kind: 'char', char: c });
  }
  return out;
}

/**
 * Compiles an asset location glob: `s3://bucket/crm/**` matches everything below crm/, `*`
 * stays within one path segment and `?` is one character of it. Globs come from the workspace,
 * so matching must not backtrack: it simulates the glob as an automaton, one set of positions
 * per character, which costs at most the path's length times the glob's, however many stars.
 */
export function compileGlob(pattern: string): Glob {
  const steps = tokens(pattern);
  const n = steps.length;
  const literal = steps.every((t) => t.kind === 'char')
    ? steps.map((t) => (t as { char: string }).char).join('')
    : undefined;
  let current = new Uint8Array(n + 1);
  let next = new Uint8Array(n + 1);

  // Adds state i and every state reachable from it by letting stars match nothing.
  const add = (set: Uint8Array, i: number): void => {
    while (i <= n && !set[i]) {
      set[i] = 1;
      const k = steps[i]?.kind;
      if (k !== 'segment' && k !== 'any') return;
      i++;
    }
  };
  /** Adds a position that the current character moves to: the walk is still alive. */
  const reach = (set: Uint8Array, i: number): true => {
    add(set, i);
    return true;
  };

  const test = (path: string): boolean => {
    if (literal !== undefined) return path === literal;
    current.fill(0);
    add(current, 0);
    for (let p = 0; p < path.length; p++) {
      const c = path[p];
      next.fill(0);
      let alive = false;
      for (let i = 0; i < n; i++) {
        if (!current[i]) continue;
        const t = steps[i];
        if (t.kind === 'char') {
          if (t.char === c) alive = reach(next, i + 1);
        } else if (t.kind === 'one') {
          if (c !== '/') alive = reach(next, i + 1);
        } else if (t.kind === 'segment') {
          if (c !== '/') alive = reach(next, i);
        } else if (!LINE_BREAK.test(c)) alive = reach(next, i);
      }
      if (!alive) return false;
      [current, next] = [next, current];
    }
    return current[n] === 1;
  };
  return { source: pattern, test };
}
