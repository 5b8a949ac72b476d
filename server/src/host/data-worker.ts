import { parentPort } from 'node:worker_threads';
import { readDataset } from './datasets';
import type { ReadRequest, ReadResponse } from './background-read';

/**
 * The worker thread that reads data files for the language server: decoding a Parquet row
 * group or scanning megabytes of records blocks the thread it runs on for up to seconds, and
 * here that thread answers no editor request. It reads one file at a time, as it is asked,
 * and sends back the bounded sample the profile is computed from, nothing more.
 */
const port = parentPort;
if (port) {
  port.on('message', (request: ReadRequest) => {
    void (async () => {
      const signal = {
        cancelled: false,
        progress: (read: number, size: number) =>
          port.postMessage({ id: request.id, progress: { read, size } } satisfies ReadResponse),
      };
      const outcome = await readDataset(request.file, request.format, request.bounds, signal).catch(() => ({
        ok: false as const,
        reason: 'not readable',
      }));
      port.postMessage({ id: request.id, outcome } satisfies ReadResponse);
    })();
  });
}
