/**
 * Ignore files (.gitignore, .crownguardignore) with git's syntax, matched without backtracking.
 *
 * Ignore files come from the workspace, so a pattern such as `a/**\/**\/**\/x` or `*a*a*a*a*b`
 * must not be able to stall a scan. Each pattern is compiled to a small automaton (one state per
 * pattern character, roughly) and a path is matched by simulating it one character at a time, which
 * costs at most the path's length times the pattern's, whatever the pattern. One pass over a path
 * also tells whether each of its parent folders matches, so "a folder that is ignored cannot have
 * anything re-included" costs nothing extra.
 *
 * Matching is case-insensitive, as it has always been in CrownGuard.
 */

type Pred = (c: string) => boolean;

interface State {
  /** Moves that consume no character. */
  readonly eps: number[];
  /** Moves that consume one character satisfying the predicate. */
  readonly edges: Array<[Pred, number]>;
}

interface Rule {
  readonly negative: boolean;
  readonly dirOnly: boolean;
  readonly states: readonly State[];
  readonly accept: number;
  /** The same pattern as a comparison of lower-case text, when it is that simple (see `plainOf`). */
  readonly plain?: Plain;
}

/**
 * Most lines of real ignore files are a name (`node_modules`, `dist`), a folder from the top
 * (`/build`, `docs/_build`) or one star and a name (`*.pyc`, `build*`). On ASCII paths they are
 * compared as strings: the automaton tests its characters one by one without case, which made
 * listing a real monorepo spend most of its time in these patterns.
 */
type Plain =
  /** Anchored and star-free: the path up to some folder boundary is exactly this. */
  | { readonly anchored: true; readonly path: string }
  /** Unanchored, no slash: some segment starts with `head` and ends with `tail` (one string when there is no star). */
  | { readonly anchored: false; readonly head: string; readonly tail?: string };

/** No character past ASCII (a control character in a path is still ASCII). */
const ASCII_TEXT = /^[^\u0080-\uffff]*$/;

function plainOf(body: string, anchored: boolean): Plain | undefined {
  if (!ASCII_TEXT.test(body) || /[?[\\]/.test(body)) return undefined;
  const lower = body.toLowerCase();
  const stars = lower.split('*').length - 1;
  if (anchored) return stars === 0 ? { anchored: true, path: lower } : undefined;
  if (stars === 0) return { anchored: false, head: lower };
  if (stars > 1) return undefined;
  const star = lower.indexOf('*');
  return { anchored: false, head: lower.slice(0, star), tail: lower.slice(star + 1) };
}

function matchPlain(plain: Plain, segments: readonly string[], prefixes: readonly string[]): boolean[] {
  if (plain.anchored) return prefixes.map((p) => p === plain.path);
  const { head, tail } = plain;
  if (tail === undefined) return segments.map((s) => s === head);
  return segments.map((s) => s.length >= head.length + tail.length && s.startsWith(head) && s.endsWith(tail));
}

/** One character of a pattern body, after escapes and brackets are resolved. */
type Token = { kind: 'char'; pred: Pred } | { kind: 'slash' } | { kind: 'star' } | { kind: 'never' };

const NOT_SLASH: Pred = (c) => c !== '/';
const ANY: Pred = () => true;
const SLASH: Pred = (c) => c === '/';

const POSIX_CLASSES: Record<string, Pred> = {
  alnum: (c) => /[0-9A-Za-z]/.test(c),
  alpha: (c) => /[A-Za-z]/.test(c),
  blank: (c) => c === ' ' || c === '\t',
  cntrl: (c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f,
  digit: (c) => /[0-9]/.test(c),
  graph: (c) => /[!-.0-~]/.test(c),
  lower: (c) => /[a-z]/.test(c),
  print: (c) => /[ -.0-~]/.test(c),
  punct: (c) => /[!-.:-@[-`{-~]/.test(c),
  space: (c) => /[ \t\n\r]/.test(c),
  upper: (c) => /[A-Z]/.test(c),
  xdigit: (c) => /[0-9A-Fa-f]/.test(c),
};

/** Both cases of a character, so a class or a literal matches whatever the path's case. */
function cases(c: string): string[] {
  const lower = c.toLowerCase();
  const upper = c.toUpperCase();
  return lower === upper ? [c] : [lower, upper];
}

function literal(ch: string): Pred {
  const want = ch.toLowerCase();
  return (c) => c.toLowerCase() === want;
}

/**
 * Reads a bracket expression starting at `start` (the `[`). Returns the predicate and the index
 * of the closing `]`, or undefined when the bracket never closes or names an unknown class (git
 * then never matches the pattern).
 */
function bracket(p: string, start: number): { pred: Pred; end: number } | undefined {
  let i = start + 1;
  let negated = false;
  if (p[i] === '!' || p[i] === '^') {
    negated = true;
    i++;
  }
  const members: Pred[] = [];
  let prev = '';
  for (;;) {
    const c = p[i];
    if (c === undefined) return undefined;
    if (c === '\\') {
      const e = p[++i];
      if (e === undefined) return undefined;
      members.push(literal(e));
      prev = e;
    } else if (c === '-' && prev && i + 1 < p.length && p[i + 1] !== ']') {
      let to = p[++i];
      if (to === '\\') to = p[++i];
      if (to === undefined) return undefined;
      // A reversed range matches nothing, and its start was already added as a member.
      if (prev <= to) {
        const from = prev;
        const hi = to;
        members.push((x) => cases(x).some((v) => v >= from && v <= hi));
      }
      prev = '';
    } else if (c === '[' && p[i + 1] === ':') {
      const nameStart = i + 2;
      let end = nameStart;
      while (end < p.length && p[end] !== ']') end++;
      if (end === p.length) return undefined;
      if (end > nameStart && p[end - 1] === ':') {
        const cls = POSIX_CLASSES[p.slice(nameStart, end - 1)];
        if (!Object.prototype.hasOwnProperty.call(POSIX_CLASSES, p.slice(nameStart, end - 1))) return undefined;
        members.push(cls);
        prev = '';
        i = end;
      } else {
        members.push(literal('['));
        prev = '[';
      }
    } else {
      members.push(literal(c));
      prev = c;
    }
    i++;
    if (p[i] === ']') break;
  }
  const inClass = (x: string) => members.some((m) => m(x));
  // A class never matches the separator, negated or not.
  const pred: Pred = negated ? (x) => x !== '/' && !inClass(x) : (x) => x !== '/' && inClass(x);
  return { pred, end: i };
}

function tokenize(body: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') {
      const e = body[++i];
      // An escaped final slash cannot match a path, which never ends in a slash here.
      if (e === '/' && i === body.length - 1) out.push({ kind: 'never' });
      else out.push({ kind: 'char', pred: literal(e) });
    } else if (c === '[') {
      const b = bracket(body, i);
      if (!b) {
        out.push({ kind: 'never' });
        break;
      }
      out.push({ kind: 'char', pred: b.pred });
      i = b.end;
    } else if (c === '*') out.push({ kind: 'star' });
    else if (c === '?') out.push({ kind: 'char', pred: NOT_SLASH });
    else if (c === '/') out.push({ kind: 'slash' });
    else out.push({ kind: 'char', pred: literal(c) });
  }
  return out;
}

/** Builds the automaton of one pattern body: `anchored` means it matches from the top only. */
function build(tokens: Token[], anchored: boolean): { states: State[]; accept: number } {
  const states: State[] = [];
  const state = (): number => states.push({ eps: [], edges: [] }) - 1;
  let cur = state();

  // `(?:.*/)?`: nothing, or any run of whole folders. Used for an unanchored start and `/**/`.
  const anyFolders = (): void => {
    const loop = state();
    const exit = state();
    states[cur].eps.push(loop, exit);
    states[loop].edges.push([ANY, loop], [SLASH, exit]);
    cur = exit;
  };

  const segments: Token[][] = [[]];
  for (const t of tokens) {
    if (t.kind === 'slash') segments.push([]);
    else segments[segments.length - 1].push(t);
  }
  const isGlobstar = (s: Token[]) => s.length >= 2 && s.every((t) => t.kind === 'star');

  let k = 0;
  if (!anchored) anyFolders();
  // Leading `**/` folders mean "in any folder": the same as an unanchored start.
  while (k < segments.length - 1 && isGlobstar(segments[k])) {
    if (k === 0 && anchored) anyFolders();
    k++;
  }
  for (; k < segments.length; k++) {
    const seg = segments[k];
    const last = k === segments.length - 1;
    if (isGlobstar(seg) && last && k > 0) {
      // A trailing `/**` matches everything inside the folder (the slash is already in place).
      const rest = state();
      states[cur].edges.push([ANY, rest]);
      states[rest].edges.push([ANY, rest]);
      cur = rest;
      break;
    }
    if (isGlobstar(seg) && !last) {
      // `/**/` matches zero or more folders; consecutive ones match the same as one.
      while (k + 1 < segments.length - 1 && isGlobstar(segments[k + 1])) k++;
      anyFolders();
      continue;
    }
    let prevStar = false;
    for (const t of seg) {
      if (t.kind === 'never') return { states, accept: -1 };
      if (t.kind === 'star') {
        // Stars in a row match the same strings as one: one loop keeps the automaton small.
        if (prevStar) continue;
        const loop = state();
        states[cur].eps.push(loop);
        states[loop].edges.push([NOT_SLASH, loop]);
        cur = loop;
      } else if (t.kind === 'char') {
        const next = state();
        states[cur].edges.push([t.pred, next]);
        cur = next;
      }
      prevStar = t.kind === 'star';
    }
    if (!last) {
      const next = state();
      states[cur].edges.push([SLASH, next]);
      cur = next;
    }
  }
  return { states, accept: cur };
}

function parseLine(line: string): Rule | undefined {
  let body = line;
  if (body[0] === '#') return undefined;
  let negative = false;
  if (body[0] === '!') {
    negative = true;
    body = body.slice(1);
  }
  body = trimTrailingSpaces(body);
  if (!body || hasTrailingBackslash(body)) return undefined;
  let dirOnly = false;
  if (body.endsWith('/') && !hasTrailingBackslash(body.slice(0, -1))) {
    dirOnly = true;
    body = body.slice(0, -1);
  }
  if (/^\/\*{2,}$/.test(body)) body = '**';
  // A slash at the start or in the middle anchors the pattern to the ignore file's folder.
  const anchored = body.includes('/');
  if (body.startsWith('/')) body = body.slice(1);
  if (!body) return undefined;
  const built = build(tokenize(body), anchored);
  return { negative, dirOnly, states: built.states, accept: built.accept, plain: plainOf(body, anchored) };
}

function hasTrailingBackslash(s: string): boolean {
  let n = 0;
  while (s[s.length - 1 - n] === '\\') n++;
  return n % 2 === 1;
}

/** Trailing spaces are dropped unless the last one is escaped with a backslash. */
function trimTrailingSpaces(s: string): string {
  let end = s.length;
  while (s[end - 1] === ' ') end--;
  if (end === s.length) return s;
  let backslashes = 0;
  while (s[end - 1 - backslashes] === '\\') backslashes++;
  return backslashes % 2 ? `${s.slice(0, end - 1)} ` : s.slice(0, end);
}

/** Adds `s` and everything reachable from it without consuming a character. */
function close(states: readonly State[], set: Uint8Array, list: number[], s: number): void {
  const todo = [s];
  while (todo.length) {
    const x = todo.pop() as number;
    if (set[x]) continue;
    set[x] = 1;
    list.push(x);
    for (const e of states[x].eps) if (!set[e]) todo.push(e);
  }
}

/**
 * Whether `rule` matches each prefix of `path` that ends a segment: `out[k]` is for the first
 * k + 1 segments. One pass, so the cost is the path's length times the automaton's size.
 */
function matchPrefixes(rule: Rule, path: string, ends: readonly number[]): boolean[] {
  const out = ends.map(() => false);
  if (rule.accept < 0) return out;
  const { states } = rule;
  let set = new Uint8Array(states.length);
  let nextSet = new Uint8Array(states.length);
  let list: number[] = [];
  let nextList: number[] = [];
  close(states, set, list, 0);
  let k = 0;
  for (let p = 0; p <= path.length; p++) {
    if (p === ends[k]) {
      out[k] = set[rule.accept] === 1;
      k++;
      if (k === ends.length) break;
    }
    const c = path[p];
    for (const s of nextList) nextSet[s] = 0;
    nextList.length = 0;
    for (const s of list)
      for (const [pred, to] of states[s].edges) if (!nextSet[to] && pred(c)) close(states, nextSet, nextList, to);
    if (!nextList.length) break;
    [set, nextSet] = [nextSet, set];
    [list, nextList] = [nextList, list];
  }
  return out;
}

/** The rules of one ignore file (or several, in order): later rules win, `!` re-includes. */
export class IgnoreRules {
  private readonly rules: Rule[] = [];

  add(text: string): this {
    const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
    for (const line of lines) {
      const rule = parseLine(line);
      if (rule) this.rules.push(rule);
    }
    return this;
  }

  /**
   * Whether `path` (relative to the ignore file's folder, with `/` separators) is ignored: the
   * last rule that matches it decides, and a path inside an ignored folder stays ignored
   * whatever later rules say, as in git. A path ending in `/` is a folder.
   */
  ignores(path: string): boolean {
    const isDir = path.endsWith('/');
    const segments = path.split('/').filter(Boolean);
    if (!segments.length || !this.rules.length) return false;
    const clean = segments.join('/');
    const ends: number[] = [];
    let at = -1;
    for (const s of segments) ends.push((at += s.length + 1));
    // ASCII paths only: lower-casing a whole string can change its length where one character does not.
    const lower = ASCII_TEXT.test(clean) ? segments.map((s) => s.toLowerCase()) : undefined;
    const prefixes: string[] = [];
    if (lower) for (const s of lower) prefixes.push(prefixes.length ? `${prefixes[prefixes.length - 1]}/${s}` : s);
    const matches = this.rules.map((r) =>
      r.plain && lower ? matchPlain(r.plain, lower, prefixes) : matchPrefixes(r, clean, ends),
    );
    for (let k = 0; k < segments.length; k++) {
      const folder = k < segments.length - 1 || isDir;
      let ignored = false;
      for (let r = this.rules.length - 1; r >= 0; r--) {
        const rule = this.rules[r];
        if (matches[r][k] && (folder || !rule.dirOnly)) {
          ignored = !rule.negative;
          break;
        }
      }
      if (ignored) return true;
    }
    return false;
  }
}
