import { Engine } from '../../server/src/core';
import { loadWasm } from '../../server/src/host/wasm';

let shared: Promise<Engine> | undefined;

/** One engine per test process: creating it loads the WASM runtime and grammars. */
export function engine(): Promise<Engine> {
  shared ??= Engine.create(loadWasm);
  return shared;
}
