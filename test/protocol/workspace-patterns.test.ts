import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  DocumentDiagnosticRequest,
  WorkspaceDiagnosticRequest,
  type Diagnostic,
  type FullDocumentDiagnosticReport,
  type WorkspaceDiagnosticReport,
} from 'vscode-languageserver-protocol/node';
import { LONG_PATH_CODE, PIPELINE_SCHEMA_ID, REDOS_PIPELINE, redosGovernance } from '../support/hostile';
import { HOSTILE_IGNORE_FILES, HOSTILE_IGNORE_REPORTED } from '../support/hostile-ignore';
import { TestClient } from '../support/lsp-client';

/** A pull must be answered well within this; a backtracking pattern takes minutes. */
const ANSWER_MS = 15_000;

/** A server on a fresh folder holding `files`. */
function serverOn(files: Record<string, string>) {
  const state = { dir: '', client: undefined as unknown as TestClient };
  before(async () => {
    state.dir = mkdtempSync(path.join(tmpdir(), 'crownguard-patterns-'));
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(state.dir, name)), { recursive: true });
      writeFileSync(path.join(state.dir, name), text);
    }
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
    const report = client.connection.sendRequest(DocumentDiagnosticRequest.type, {
      textDocument: { uri },
    }) as Promise<FullDocumentDiagnosticReport>;
    return (await Promise.race([report, timeout])).items;
  } finally {
    clearTimeout(timer);
  }
}

const summary = (items: Diagnostic[]) => items.map((d) => `${d.code} ${d.range.start.line}`);

describe('patterns from the workspace run in linear time in the server', () => {
  const s = serverOn({
    'governance.yaml': redosGovernance(),
    'train.pipeline.yaml': REDOS_PIPELINE,
    'load.py': LONG_PATH_CODE,
  });

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
  const s = serverOn({
    'governance.yaml': redosGovernance({ id: 'https://example.com/policies/plain' }),
    'train.pipeline.yaml': REDOS_PIPELINE,
  });

  it('reports no false "already exists" on repeated edits of a policy with an `$id`, and keeps the policy', async () => {
    const uri = await s.client.open('governance.yaml', 'yaml');
    for (let i = 0; i < 4; i++) {
      const text = redosGovernance({ id: i < 2 ? 'https://example.com/policies/plain' : PIPELINE_SCHEMA_ID }).replace(
        'Stage descriptions are plain',
        `Stage descriptions are plain (${i})`,
      );
      await s.client.change(uri, i % 2 ? text : text.replace('"^(a+)+$"', '"^(a+)+b$"'));
      assert.deepEqual(summary(await pull(s.client, uri)), [], `edit ${i}`);
    }
    // The pipeline is checked against the edited policy, which must still be in force.
    assert.deepEqual(summary(await pull(s.client, s.client.uri('train.pipeline.yaml'))), ['CG401 7']);
  });
});

describe('ignore files from the workspace are matched in linear time in the server', () => {
  const s = serverOn(HOSTILE_IGNORE_FILES);

  it('answers the workspace scan under a .gitignore of many `**`, reporting only what is not ignored', async () => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer to the workspace scan within ${ANSWER_MS} ms`)), ANSWER_MS);
    });
    try {
      const scan = s.client.connection.sendRequest(WorkspaceDiagnosticRequest.type, {
        previousResultIds: [],
      }) as Promise<WorkspaceDiagnosticReport>;
      const report = await Promise.race([scan, timeout]);
      const reported = report.items
        .filter((r) => r.kind === 'full' && r.items.length > 0)
        .map((r) => path.relative(s.dir, fileURLToPath(r.uri)).split(path.sep).join('/'))
        .sort();
      assert.deepEqual(reported, HOSTILE_IGNORE_REPORTED);
    } finally {
      clearTimeout(timer);
    }
  });
});
