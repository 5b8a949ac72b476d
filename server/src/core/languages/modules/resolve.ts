/**
 * Where an import leads inside the workspace. Paths are the shells' own (relative, `/`
 * separated, as a `SourceFile` names its file); whether a file exists is the host's to say,
 * and the host answers only for files inside the workspace, so nothing outside is ever read.
 */
export interface ModuleHost {
  /** The text of a workspace file, or undefined when there is none (or it lies outside the workspace). */
  read(path: string): string | undefined;
  /**
   * A number that changes whenever `read` could answer otherwise than before for any path but
   * the analysed file's own (a module edited, created or deleted). Without it, the modules are
   * read again for every analysis; with it, an edit that touches no import reuses what they gave.
   */
  readonly revision?: number;
}

/** The folder of a path: `a/b/c.py` -> `a/b`, `c.py` -> ``. */
export function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/**
 * `dir` and `rel` joined, with `.` and `..` worked out. A leading `..` stays: the shells name
 * files above their working folder that way, and the host refuses what lies outside the workspace.
 */
export function joinPath(dir: string, rel: string): string {
  const out: string[] = [];
  for (const part of [...dir.split('/'), ...rel.split('/')]) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else out.push('..');
    } else out.push(part);
  }
  return out.join('/');
}

/** The folders above a file, nearest first, down to the top of its path (its own `..` prefix). */
function ancestors(file: string): string[] {
  const out: string[] = [];
  let dir = dirOf(file);
  for (;;) {
    out.push(dir);
    if (dir === '' || /^(\.\.\/)*\.\.$/.test(dir)) break;
    dir = dirOf(dir);
  }
  return out;
}

const exists = (host: ModuleHost, path: string): boolean => path !== '' && host.read(path) !== undefined;

/** A Python module by its dotted name under `base`: `a/b.py` or the package `a/b/__init__.py`. */
function pythonModuleAt(host: ModuleHost, base: string, dotted: string): string | undefined {
  const rel = dotted.split('.').join('/');
  for (const candidate of [`${rel}.py`, `${rel}/__init__.py`]) {
    const p = joinPath(base, candidate);
    if (exists(host, p)) return p;
  }
  return undefined;
}

/**
 * A Python module as `from`/`import` names it, seen from `file`: `.m` and `..pkg.m` relative to
 * the file's package, an absolute name from the nearest folder above the file that holds it
 * (the script's own folder first, as Python's path does). A name no workspace file answers to
 * is a library's: undefined.
 */
export function resolvePython(host: ModuleHost, file: string, name: string): string | undefined {
  const dots = /^\.*/.exec(name)![0].length;
  const rest = name.slice(dots);
  if (dots > 0) {
    let base = dirOf(file);
    for (let i = 1; i < dots; i++) base = joinPath(base, '..');
    if (rest === '') {
      const init = joinPath(base, '__init__.py');
      return exists(host, init) ? init : undefined;
    }
    return pythonModuleAt(host, base, rest);
  }
  if (!/^[\w.]+$/.test(rest)) return undefined;
  for (const base of ancestors(file)) {
    const found = pythonModuleAt(host, base, rest);
    if (found) return found;
  }
  return undefined;
}

/** The extensions an ES or CommonJS specifier without one may mean, in the order Node and TypeScript try them. */
const ES_EXTENSIONS = ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.jsx', '.mts', '.cts'];

/**
 * An ES `import`/`export ... from` or `require` specifier seen from `file`. Only relative
 * specifiers (`./m`, `../lib/m.js`) are workspace modules; a bare one is a package, not followed.
 * `./m` tries `./m`, then each extension, then `./m/index.*`; `./m.js` also means `./m.ts`, as
 * TypeScript's own resolution has it.
 */
export function resolveEs(host: ModuleHost, file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('./') && !specifier.startsWith('../') && specifier !== '.' && specifier !== '..')
    return undefined;
  const base = joinPath(dirOf(file), specifier);
  const candidates = [base, ...ES_EXTENSIONS.map((e) => base + e), ...ES_EXTENSIONS.map((e) => `${base}/index${e}`)];
  const js = /\.(m|c)?jsx?$/.exec(base);
  if (js) {
    const stem = base.slice(0, -js[0].length);
    candidates.push(...(js[1] ? [`${stem}.${js[1]}ts`] : [`${stem}.ts`, `${stem}.tsx`]));
  }
  return candidates.find((c) => exists(host, c));
}
