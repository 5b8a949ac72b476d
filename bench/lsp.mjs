// The language server as the benchmarks talk to it: the built CLI's `lsp --stdio`, over the
// real JSON-RPC protocol, with one workspace folder.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
export const rpc = require('vscode-languageserver-protocol/node');
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Starts the server on `dir` and initializes it; `stop()` shuts it down politely; `pid` is the server's.
 * `bundle: 'server'` runs dist/server.js, the bundle the VS Code extension starts, instead of the CLI's `lsp`;
 * `nodeArgs` go to the server's Node (e.g. `--cpu-prof` to profile it).
 */
export async function startServer(
  dir,
  capabilities = { textDocument: { diagnostic: {} }, workspace: {} },
  { bundle = 'cli', nodeArgs = [] } = {},
) {
  const args =
    bundle === 'server'
      ? [path.join(repo, 'dist', 'server.js'), '--stdio']
      : [path.join(repo, 'dist', 'cli.js'), 'lsp', '--stdio'];
  const server = spawn(process.execPath, [...nodeArgs, ...args], {
    cwd: dir,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const conn = rpc.createProtocolConnection(
    new rpc.StreamMessageReader(server.stdout),
    new rpc.StreamMessageWriter(server.stdin),
  );
  conn.onRequest('client/registerCapability', () => null);
  conn.onNotification(() => undefined);
  conn.listen();
  await conn.sendRequest(rpc.InitializeRequest.type, {
    processId: process.pid,
    rootUri: pathToFileURL(dir).href,
    workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'bench' }],
    capabilities,
  });
  await conn.sendNotification(rpc.InitializedNotification.type, {});
  const stop = async () => {
    try {
      await conn.sendRequest(rpc.ShutdownRequest.type);
      await conn.sendNotification(rpc.ExitNotification.type);
      // A profiled server writes its profile as it exits: give it the time to.
      if (nodeArgs.length && server.exitCode === null)
        await new Promise((resolve) => {
          server.once('exit', resolve);
          setTimeout(resolve, 10000);
        });
    } finally {
      conn.dispose();
      server.kill();
    }
  };
  return { conn, stop, pid: server.pid };
}

export const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
