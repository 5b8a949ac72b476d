import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DocumentDiagnosticRequest, type Diagnostic, type FullDocumentDiagnosticReport } from 'vscode-languageserver-protocol/node';
import { LONG_PATH_CODE, PIPELINE_SCHEMA_ID, REDOS_PIPELINE, redosGovernance } from '../support/hostile';
import { TestClient } from '../support/lsp-client';

/** A pull must be answered well within this; a backtracking pattern takes minutes. */
const ANSWER_MS = 15_000;

/** A server on a fresh folder holding `files`. */
function serverOn(files: Record<string, string>) {
  const state = { dir: '', client: undefined as unknown as TestClient };
  before(async () => {
    state.dir = mkdtempSync(path.join(tmpdir(), 'crownguard-patterns-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(state.dir, name), text);
    state.client = await TestClient.start({ folder: state.dir, pull: true });
  });
  after(async () => {
    // A server stuck in a pattern would never answer the shutdown request.
    let stuck: NodeJS.Timeout | undefined;
    await Promise.race([state.client.stop(), new Promise((resolve) => (stuck = setTimeout(resolve, ANSWER_MS)))]);
    clearTimeout(stuck);
    if (state.client.process.exitCode === null) state.client.process.kill();
    rmSync(state.dir, { recursive: true, force: true });
  });
  return state;
}

async function pull(client: TestClient, uri: string): Promise<Diagnostic[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer to the pull of ${uri} within ${ANSWER_MS} ms`)), ANSWER_MS);
  });
  try {
    const report = client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } }) as Promise<FullDocumentDiagnosticReport>;
    return (await Promise.race([report, timeout])).items;
  } finally {
    clearTimeout(timer);
  }
}

const summary = (items: Diagnostic[]) => items.map((d) => `${d.code} ${d.range.start.line}`);

describe('patterns from the workspace run in linear time in the server', () => {
  const s = serverOn({ 'governance.yaml': redosGovernance(), 'train.pipeline.yaml': REDOS_PIPELINE, 'load.py': LONG_PATH_CODE });

  it('answers the pull of a pipeline whose stage a `^(a+)+$` policy checks', async () => {
    const uri = await s.client.open('train.pipeline.yaml', 'yaml');
    assert.deepEqual(summary(await pull(s.client, uri)), ['CG401 7']);
  });

  it('answers the pull of code with a long path literal under a glob of many `**`', async () => {
    const uri = await s.client.open('load.py', 'python');
    assert.deepEqual(await pull(s.client, uri), []);
  });

});

describe('a team policy with an `$id` in the server', () => {
  const s = serverOn({ 'governance.yaml': redosGovernance({ id: 'https://example.com/policies/plain' }), 'train.pipeline.yaml': REDOS_PIPELINE });

  it('reports no false "already exists" on repeated edits of a policy with an `$id`, and keeps the policy', async () => {
    const uri = await s.client.open('governance.yaml', 'yaml');
    for (let i = 0; i < 4; i++) {
      const text = redosGovernance({ id: i < 2 ? 'https://example.com/policies/plain' : PIPELINE_SCHEMA_ID }).replace('Stage descriptions are plain', `Stage descriptions are plain (${i})`);
      await s.client.change(uri, i % 2 ? text : text.replace('"^(a+)+$"', '"^(a+)+b$"'));
      assert.deepEqual(summary(await pull(s.client, uri)), [], `edit ${i}`);
    }
    // The pipeline is checked against the edited policy, which must still be in force.
    assert.deepEqual(summary(await pull(s.client, s.client.uri('train.pipeline.yaml'))), ['CG401 7']);
  });
});
