import * as path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { Engine, setMaskKey, type ModuleHost } from '../core';
import { realFolder } from './confine';
import { confinedText } from './modules';
import type { ScanMessage, ScanReply } from './scan-thread';
import { loadWasm } from './wasm';

/** Module texts read from disk and kept until the file changes on disk. */
const MAX_DISK_TEXTS = 8_192;

/**
 * The language server's scan thread: one engine, then saved code files from the server, one
 * at a time, analysed as the server would analyse them; imports are followed into the files of
 * the workspace folder on disk, read through the same confined reads as the server's.
 */
const port = parentPort;
if (port) {
  const key = (workerData as { maskKey?: Uint8Array } | null)?.maskKey;
  if (key) setMaskKey(key);
  const ready = Engine.create(loadWasm);
  const texts = new Map<string, string | undefined>();
  const reals = new Map<string, string | undefined>();
  const moduleText = (root: string, relative: string): string | undefined => {
    if (relative === '' || relative.startsWith('..') || relative.startsWith('/') || relative.includes('\\'))
      return undefined;
    const abs = path.join(root, relative);
    if (texts.has(abs)) return texts.get(abs);
    if (!reals.has(root)) reals.set(root, realFolder(root));
    const real = reals.get(root);
    const text = real ? confinedText(real, relative) : undefined;
    if (texts.size >= MAX_DISK_TEXTS) texts.delete(texts.keys().next().value!);
    texts.set(abs, text);
    return text;
  };
  port.on('message', async (m: ScanMessage) => {
    if ('forget' in m) {
      for (const abs of m.forget) texts.delete(abs);
      return;
    }
    if ('forgetAll' in m) {
      texts.clear();
      reals.clear();
      return;
    }
    const engine = await ready;
    const { job } = m;
    let reply: ScanReply;
    try {
      const reads = new Set<string>();
      const modules = job.modules;
      const host: ModuleHost | undefined = modules && {
        read: (relative: string) => {
          reads.add(relative);
          return moduleText(modules.root, relative);
        },
      };
      const governance = engine.governance(job.governance).governance;
      const result = engine.analyzeFile(
        { path: job.path, text: job.text },
        governance,
        job.settings,
        host ? { modules: host, modulePath: modules!.modulePath } : {},
      );
      reply = { id: m.id, answer: { findings: result.findings, notes: result.notes, reads: [...reads] } };
    } catch {
      // Never the error's message: it may quote the code being analysed. The server analyses the file itself.
      reply = { id: m.id };
    }
    port.postMessage(reply);
  });
}
