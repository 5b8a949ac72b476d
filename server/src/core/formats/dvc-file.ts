import { isMap, isScalar, isSeq, type Document } from 'yaml';
import type { Finding } from '../types';
import { keySpan, valueSpan, type YamlPath } from '../yaml/locate';
import type { DvcTracked, DvcTrackedDep, DvcTrackedOut } from './model';

/**
 * A `.dvc` file, as DVC 3 reads it (iterative/dvc at 9f901e57, 3.64.0-2: `dvc/schema.py`
 * SINGLE_STAGE_SCHEMA, `dvc/output.py` SCHEMA, `dvc/dependency/repo.py` REPO_SCHEMA): the data
 * that `dvc add`, `dvc import` or `dvc import-url` put under DVC's control. Only what lineage
 * needs is kept: each out's path (relative to `wdir`, which is relative to the file's folder),
 * whether it is a folder (`nfiles`, or an md5 ending in `.dir`), its hash kind, and each dep's
 * source (`repo: {url, rev, rev_lock}` for an import, a URL or path for import-url).
 */
/**
 * The manifest-schema rule's id (core/rules/manifest-schema.ts). Formats sit below the rules in
 * the import graph, so the id is named here; the .dvc tests compare it with the rule's own.
 */
export const DVC_SCHEMA_RULE = 'CG002';

export function readDvcFile(path: string, text: string, doc: Document): { tracked?: DvcTracked; findings: Finding[] } {
  const findings: Finding[] = [];
  const warn = (at: YamlPath, message: string, key = false) =>
    findings.push({
      ruleId: DVC_SCHEMA_RULE,
      severity: 'warning',
      message,
      path,
      span: key ? keySpan(doc, at) : valueSpan(doc, at),
      fixes: [],
    });
  if (!isMap(doc.contents)) {
    const start = doc.contents?.range?.[0];
    if (doc.contents !== null && start !== undefined) {
      // Its first line: a squiggle over the whole file would hide where it goes wrong.
      const end = text.indexOf('\n', start);
      findings.push({
        ruleId: DVC_SCHEMA_RULE,
        severity: 'warning',
        message: 'A `.dvc` file is a mapping (`outs:`, `deps:`, `md5:`); this one is not, and DVC does not read it',
        path,
        span: { offset: start, length: (end < 0 ? text.length : end) - start },
        fixes: [],
      });
    }
    return { findings };
  }
  const folder = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  const wdirValue = doc.get('wdir');
  let wdir = folder;
  if (wdirValue !== undefined && wdirValue !== null) {
    if (typeof wdirValue !== 'string') warn(['wdir'], '`wdir` is a folder path (text)');
    else if (escapes(wdirValue, folder)) warn(['wdir'], outside('`wdir`'));
    else wdir = join(folder, wdirValue);
  }
  const list = (key: 'outs' | 'deps'): { item: unknown; at: YamlPath }[] => {
    const node = doc.get(key, true);
    if (node === undefined || (isScalar(node) && node.value === null)) return [];
    if (!isSeq(node)) {
      warn([key], `\`${key}\` is a list of \`- path: ...\` entries; DVC does not read this file`);
      return [];
    }
    return node.items.map((item, i) => ({ item, at: [key, i] }));
  };
  const pathOf = (item: unknown, at: YamlPath, what: string): string | undefined => {
    if (!isMap(item)) {
      warn(at, `Each ${what} is a mapping with a \`path\``);
      return undefined;
    }
    const p = item.get('path');
    if (p === undefined) {
      warn(at, `This ${what} has no \`path\``, true);
      return undefined;
    }
    if (typeof p !== 'string' || p === '') {
      warn([...at, 'path'], `The ${what}'s \`path\` is a file or folder path (text)`);
      return undefined;
    }
    return p;
  };

  const outs: DvcTrackedOut[] = [];
  for (const { item, at } of list('outs')) {
    const p = pathOf(item, at, 'out');
    if (p === undefined || !isMap(item)) continue;
    // DVC 3 refuses outputs outside the repository; CrownGuard never reads outside the workspace.
    if (p.startsWith('/') || /^[a-z]:[\\/]/i.test(p) || hasScheme(p) || escapes(p, wdir)) {
      warn([...at, 'path'], outside('This out'));
      continue;
    }
    const md5 = item.get('md5');
    const nfiles = item.get('nfiles');
    const hash = item.get('hash');
    const type = item.get('type');
    outs.push({
      value: p,
      span: valueSpan(doc, [...at, 'path']),
      at: [...at, 'path'],
      path: join(wdir, p),
      // A folder out has an md5 ending in `.dir` (the listing's digest) and, since DVC 2, `nfiles`.
      folder: typeof nfiles === 'number' || (typeof md5 === 'string' && md5.endsWith('.dir')),
      nfiles: typeof nfiles === 'number' ? nfiles : undefined,
      // Without `hash: md5` an out is DVC 2's, hashed as `md5-dos2unix`; cloud outs carry `etag`/`checksum`.
      hash:
        hash === 'md5'
          ? 'md5'
          : item.has('md5')
            ? 'md5-dos2unix'
            : item.has('etag')
              ? 'etag'
              : item.has('checksum')
                ? 'checksum'
                : undefined,
      cache: item.get('cache') !== false,
      push: item.get('push') !== false,
      persist: item.get('persist') === true,
      remote: typeof item.get('remote') === 'string' ? (item.get('remote') as string) : undefined,
      type: type === 'model' || type === 'dataset' ? type : undefined,
    });
  }

  const deps: DvcTrackedDep[] = [];
  for (const { item, at } of list('deps')) {
    const p = pathOf(item, at, 'dep');
    if (p === undefined || !isMap(item)) continue;
    const repo = item.get('repo');
    const span = valueSpan(doc, [...at, 'path']);
    if (repo !== undefined) {
      const url = isMap(repo) ? repo.get('url') : undefined;
      if (typeof url !== 'string' || url === '') {
        warn([...at, 'repo'], "An import's `repo` names the repository it comes from in `url`");
        continue;
      }
      const text = (k: string) =>
        isMap(repo) && typeof repo.get(k) === 'string' ? (repo.get(k) as string) : undefined;
      deps.push({
        value: p,
        span,
        at: [...at, 'path'],
        repo: { url, rev: text('rev'), revLock: text('rev_lock') },
      });
      continue;
    }
    // `dvc import-url` from a URL or from a path outside the repository: a source, never read.
    const external = hasScheme(p) || p.startsWith('/') || /^[a-z]:[\\/]/i.test(p);
    if (!external && escapes(p, wdir)) {
      warn([...at, 'path'], outside('This dep'));
      continue;
    }
    deps.push({ value: p, span, at: [...at, 'path'], external, path: external ? undefined : join(wdir, p) });
  }

  const how = deps.some((d) => d.repo) ? 'import' : deps.some((d) => d.external) ? 'import-url' : 'add';
  return {
    tracked: {
      how,
      wdir,
      frozen: doc.get('frozen') === true || doc.get('locked') === true,
      outs,
      deps,
      span: outs[0]?.span ?? keySpan(doc, ['outs']),
    },
    findings,
  };
}

function outside(what: string): string {
  return `${what} lies outside the workspace: CrownGuard does not read it, and it is left out of the lineage`;
}

function hasScheme(p: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(p) || /^remote:\/\//.test(p);
}

/** `folder/p` with `.` and `..` resolved; `..` past the start is kept, so that it shows. */
function join(folder: string, p: string): string {
  const parts: string[] = [];
  for (const seg of [...folder.split('/'), ...p.replace(/\\/g, '/').split('/')]) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else parts.push(seg);
  }
  return parts.join('/');
}

/**
 * True when `p`, relative to `folder` (workspace-relative), leads out of the workspace. A
 * workspace checked from outside has paths that start with `..` already (`../repo/data`): only
 * a `..` that climbs above the file's own start counts.
 */
function escapes(p: string, folder: string): boolean {
  const start = join(folder, '');
  const climb = (s: string) => s.split('/').filter((x) => x === '..').length;
  const joined = join(folder, p);
  return climb(joined) > climb(start);
}
