import { parentPort, workerData } from 'node:worker_threads';
import { Engine, setMaskKey } from '../core';
import { loadWasm } from '../host/wasm';
import { runTask, type Task } from './task';

/** A check worker: one engine, then tasks from the main thread until it is told to stop. */
const port = parentPort;
if (port) {
  // The main thread's key, so that a value masked here is named as the main thread names it.
  const key = (workerData as { maskKey?: Uint8Array } | null)?.maskKey;
  if (key) setMaskKey(key);
  const ready = Engine.create(loadWasm);
  port.on('message', async (task: Task | null) => {
    if (task === null) return port.close();
    try {
      port.postMessage({ ok: true, result: await runTask(await ready, task) });
    } catch (err) {
      port.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  });
}
