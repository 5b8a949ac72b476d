import { parentPort, workerData } from 'node:worker_threads';
import { Engine, setMaskKey } from '../core';
import { loadWasm } from '../host/wasm';
import { threadClock } from './profile';
import { runTask, type Task } from './task';

/** A check worker: one engine, then tasks from the main thread until it is told to stop. */
const port = parentPort;
if (port) {
  // The main thread's key, so that a value masked here is named as the main thread names it.
  const key = (workerData as { maskKey?: Uint8Array } | null)?.maskKey;
  if (key) setMaskKey(key);
  // This thread's clock starts with the thread: the time to a ready engine is its start-up.
  let startupMs: number | undefined;
  const ready = Engine.create(loadWasm).then((e) => {
    startupMs = threadClock();
    return e;
  });
  let first = true;
  port.on('message', async (task: Task | null) => {
    if (task === null) return port.close();
    try {
      const result = await runTask(await ready, task);
      if (result.profile && first) result.profile.startupMs = startupMs;
      first = false;
      port.postMessage({ ok: true, result });
    } catch (err) {
      port.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  });
}
