import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import * as path from 'node:path';
import { Script } from 'node:vm';

/**
 * What became of a bundle's code cache in this process: `used` (V8 took it), `rejected` (V8
 * refused it: another V8 or other flags; a new one is made), `none` (there was none yet),
 * `made` (this process wrote one), `unwritable` (it could not be written), `off` (no folder
 * to keep one in).
 */
export type CodeCacheState = 'used' | 'rejected' | 'none' | 'made' | 'unwritable' | 'off';

/** What a bundle loaded by `runWithCodeCache` reads of its cache, and how it asks for one. */
export interface CodeCache {
  readonly state: CodeCacheState;
  /** Writes the cache of the code compiled so far, once, if none was used. Never throws. */
  save(): void;
}

const HOOK = Symbol.for('crownguard.codeCache');

/** The code cache of the bundle this process runs, when it was loaded by `runWithCodeCache`. */
export function codeCache(): CodeCache | undefined {
  return (globalThis as { [HOOK]?: CodeCache })[HOOK];
}

/**
 * Runs a CommonJS bundle as Node would run it as the main module, compiled with V8's code cache
 * for it from `folder` when there is a usable one: a new process then skips most of compiling
 * the bundle's code (a language server starting as a window opens, on a machine busy with the
 * editor's own start). The cache is the bundle's own compiled code, kept beside the bundle, so
 * it is trusted as the bundle is. Its name holds a hash of the bundle's text and V8's version:
 * V8 itself checks only the text's length, and a cache of another build is never offered to it.
 * The bundle asks for a cache to be written (`codeCache().save()`) once the code a start runs
 * has compiled; V8 then includes every function compiled so far. The bundle must not need
 * `import()`: Node 20 runs it in a script compiled this way only with an experimental option,
 * and not at all once the script comes from a cache (the server's one `import()`, in
 * web-tree-sitter, is for grammars given by path; ours are given as bytes).
 */
export function runWithCodeCache(bundle: string, folder: string | undefined): void {
  const source = readFileSync(bundle, 'utf8');
  const key = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const name = path.basename(bundle);
  const file = folder ? path.join(folder, `${name}.${key}.${process.versions.v8}.${process.arch}.cache`) : undefined;
  let cachedData: Buffer | undefined;
  if (file) {
    try {
      cachedData = readFileSync(file);
    } catch {
      // None yet, or unreadable: compiled from the text, as without a cache.
    }
  }
  // A `#!` line is only allowed first in a file, and the wrapper comes first: it becomes a
  // comment of the same length, so positions in the bundle do not move.
  const body = source.startsWith('#!') ? `//${source.slice(2)}` : source;
  const script = new Script(Module.wrap(body), { filename: bundle, cachedData });
  let state: CodeCacheState = !file ? 'off' : !cachedData ? 'none' : script.cachedDataRejected ? 'rejected' : 'used';
  const hook: CodeCache = {
    get state() {
      return state;
    },
    save() {
      if (!file || !folder || (state !== 'none' && state !== 'rejected')) return;
      try {
        mkdirSync(folder, { recursive: true });
        // Written whole under another name, then renamed: a window starting meanwhile reads
        // either no cache or a whole one.
        const partial = `${file}.${process.pid}.partial`;
        try {
          writeFileSync(partial, script.createCachedData());
          renameSync(partial, file);
        } catch (err) {
          rmSync(partial, { force: true });
          throw err;
        }
        state = 'made';
        // Caches of other builds of this bundle are of no further use (those of this build for
        // another V8, an editor sharing the folder, are kept).
        for (const other of readdirSync(folder))
          if (other.startsWith(`${name}.`) && other.endsWith('.cache') && !other.startsWith(`${name}.${key}.`))
            rmSync(path.join(folder, other), { force: true });
      } catch {
        state = 'unwritable';
      }
    },
  };
  (globalThis as { [HOOK]?: CodeCache })[HOOK] = hook;
  const module = new Module(bundle);
  module.filename = bundle;
  const run = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: Module,
    filename: string,
    dirname: string,
  ) => void;
  const require = createRequire(bundle);
  // As the main module: a bundle that runs only when it is (`require.main === module`) runs.
  require.main = module;
  run.call(module.exports, module.exports, require, module, bundle, path.dirname(bundle));
}
