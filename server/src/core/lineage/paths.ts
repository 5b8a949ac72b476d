/** Normalises a path written in a file: relative to `base`, `.` and `..` resolved, no trailing `/`. */
export function normalisePath(ref: string, base: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ref)) return ref.replace(/\/+$/, '');
  const parts: string[] = [];
  const start = ref.startsWith('/') ? [] : base.split('/').filter(Boolean);
  for (const seg of [...start, ...ref.split('/')]) {
    if (seg === '' || seg === '.') continue;
    // A `..` past the start is kept: the CLI names files relative to its working folder, so a
    // workspace checked from elsewhere has paths such as `../repo/data`, and dropping the `..`
    // would move every reference out of the workspace and away from the assets' locations.
    if (seg === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else if (seg === '..' && ref.startsWith('/')) continue;
    else parts.push(seg);
  }
  return (ref.startsWith('/') ? '/' : '') + parts.join('/');
}
