import { resolveEs, resolvePython, type ModuleHost } from './resolve';
import type { Prefilter } from '../../sensitivity/prefilter';

/** Import lines of one file looked at; past them, the file stays cold. */
const MAX_IMPORT_LINES = 256;

const PY_FROM = /^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+\(?([^)#\n]+)/gm;
const PY_IMPORT = /^[ \t]*import[ \t]+([\w.]+)(?:[ \t]+as[ \t]+\w+)?[ \t]*$/gm;
const ES_FROM =
  /\bfrom[ \t]*["'](\.{1,2}\/[^"'\n]*|\.{1,2})["']|\brequire\(\s*["'](\.{1,2}\/[^"'\n]*|\.{1,2})["']\s*\)/g;

/** True when a module's text defines `name` (a function, a class, a variable, an export). */
function defines(text: string, name: string): boolean {
  if (!/^[A-Za-z_$][\w$]{0,127}$/.test(name)) return false;
  const n = name.replace(/\$/g, '\\$');
  return new RegExp(
    `(^|[^\\w$.])(def|class|function|const|let|var|async function)\\s+${n}(?![\\w$])|^${n}\\s*=`,
    'm',
  ).test(text);
}

/**
 * Whether a file whose own text names nothing sensitive must still be analysed: a cold file
 * that imports a name from a hot workspace module (one whose text names something sensitive)
 * may call a helper that returns or logs sensitive data, which only the module's summaries
 * show. The test is cheap: the file's import lines, resolved through the host, and the
 * imported modules' texts, which the host reads once and keeps. A module is hot by its own
 * text; one that is only hot through its own imports is not looked for.
 */
export function isWarm(language: string, path: string, text: string, host: ModuleHost, hot: Prefilter): boolean {
  const hotModule = (module: string | undefined, names: readonly string[]): boolean => {
    const body = module === undefined ? undefined : host.read(module);
    if (body === undefined || !hot.test(body)) return false;
    return names.length === 0 || names.some((n) => n === '*' || defines(body, n));
  };
  let seen = 0;
  if (language === 'python') {
    for (const m of text.matchAll(PY_FROM)) {
      if (++seen > MAX_IMPORT_LINES) return false;
      const names = m[2]
        .split(',')
        .map((s) => s.trim().split(/\s+as\s+/)[0])
        .filter((s) => s !== '' && s !== '\\');
      // `from pkg import mod` names a submodule when there is one: it is then the module itself.
      const sep = m[1].endsWith('.') ? '' : '.';
      for (const n of names) if (hotModule(resolvePython(host, path, `${m[1]}${sep}${n}`), [])) return true;
      if (hotModule(resolvePython(host, path, m[1]), names)) return true;
    }
    for (const m of text.matchAll(PY_IMPORT)) {
      if (++seen > MAX_IMPORT_LINES) return false;
      if (hotModule(resolvePython(host, path, m[1]), [])) return true;
    }
    return false;
  }
  for (const m of text.matchAll(ES_FROM)) {
    if (++seen > MAX_IMPORT_LINES) return false;
    if (hotModule(resolveEs(host, path, m[1] ?? m[2]), [])) return true;
  }
  return false;
}
