import * as path from 'node:path';
import { runWithCodeCache } from '../host/code-cache';

/**
 * The entry point the editor's client starts: the server bundle beside this one, compiled with
 * V8's code cache kept in `code-cache/` beside them (see host/code-cache.ts). Arguments are the
 * server's own (its transport), read by the bundle.
 */
runWithCodeCache(path.join(__dirname, 'server.js'), path.join(__dirname, 'code-cache'));
