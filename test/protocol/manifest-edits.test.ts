import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import {
  DidChangeWatchedFilesNotification,
  FileChangeType,
  WorkspaceDiagnosticRequest,
  type Diagnostic,
  type FileEvent,
  type WorkspaceDiagnosticReport,
  type WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver-protocol/node';
import { seededRandom } from '../../server/src/core';
import { TestClient } from '../support/lsp-client';
import { copyOfExamples } from '../support/workspace';

const GOVERNANCE = 'governance.yaml';
const PIPELINE = 'pipelines/support-bot.pipeline.yaml';
const MODEL = 'models/support-bot.model.yaml';

function pull(client: TestClient, previous: readonly WorkspaceDocumentDiagnosticReport[] = []) {
  const previousResultIds = previous.flatMap((r) => (r.resultId ? [{ uri: r.uri, value: r.resultId }] : []));
  return client.connection.sendRequest(WorkspaceDiagnosticRequest.type, {
    previousResultIds,
  }) as Promise<WorkspaceDiagnosticReport>;
}

const relativeOf = (dir: string, uri: string) => path.relative(dir, fileURLToPath(uri)).split(path.sep).join('/');

/** The files a report re-sent in full (recomputed or new), relative to the folder. */
function fullFiles(dir: string, report: WorkspaceDiagnosticReport): string[] {
  return report.items.filter((r) => r.kind === 'full').map((r) => relativeOf(dir, r.uri));
}

/** Everything a diagnostic shows or carries, with file URIs made relative so two folders compare. */
function shown(dir: string, d: Diagnostic): string {
  const root = new URL(`file://${dir}/`).href;
  return JSON.stringify(d).split(root).join('./');
}

/**
 * What a client holds after a report: a full report replaces a file's diagnostics, an
 * unchanged one keeps those it held. Keyed by the file relative to the folder.
 */
function apply(
  dir: string,
  held: Map<string, { resultId?: string; items: string[] }>,
  report: WorkspaceDiagnosticReport,
): WorkspaceDocumentDiagnosticReport[] {
  for (const r of report.items) {
    const file = relativeOf(dir, r.uri);
    if (r.kind === 'full') held.set(file, { resultId: r.resultId, items: r.items.map((d) => shown(dir, d)).sort() });
    else {
      assert.ok(held.has(file), `${file} answered unchanged without a previous result`);
      held.get(file)!.resultId = r.resultId;
    }
  }
  return report.items;
}

describe('manifest edits re-check only the files they affect', () => {
  let ws: ReturnType<typeof copyOfExamples>;
  let client: TestClient;
  let last: WorkspaceDocumentDiagnosticReport[];
  const code = (files: string[]) => files.filter((f) => /\.(py|ts|prompt)$/.test(f));
  before(async () => {
    ws = copyOfExamples();
    client = await TestClient.start({ folder: ws.dir, pull: true, workDoneProgress: true });
    last = (await pull(client)).items;
  });
  after(async () => {
    await client.stop();
    ws.remove();
  });

  const save = async (relative: string, text: string) => {
    writeFileSync(path.join(ws.dir, relative), text);
    const refreshes = client.refreshRequests;
    await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: client.uri(relative), type: FileChangeType.Changed }],
    });
    await client.waitFor('a diagnostics refresh', () => client.refreshRequests > refreshes);
  };

  it('a manifest saved unchanged re-checks nothing and shows no progress', async () => {
    await save(PIPELINE, readFileSync(path.join(ws.dir, PIPELINE), 'utf8'));
    const seen = client.progress.length;
    const report = await pull(client, last);
    assert.deepEqual(fullFiles(ws.dir, report), []);
    assert.equal(client.progress.length, seen, 'nothing was analysed, so no progress was shown');
    last = report.items;
  });

  it('a saved pipeline edit re-checks the manifests, and the code files answer unchanged', async () => {
    const text = readFileSync(path.join(ws.dir, PIPELINE), 'utf8');
    await save(PIPELINE, text.replace('inputs: [raw-joined]', 'inputs: [raw-joinedx]'));
    const report = await pull(client, last);
    const full = fullFiles(ws.dir, report);
    assert.ok(full.includes(PIPELINE), full.join(', '));
    assert.deepEqual(code(full), []);
    last = report.items;
  });

  it('a governance edit that moves declarations or changes only what manifests read leaves the code files unchanged', async () => {
    const text = readFileSync(path.join(ws.dir, GOVERNANCE), 'utf8');
    await save(
      GOVERNANCE,
      `# Reviewed by the privacy team.\n${text.replace('\nwaivers:', '\napprovals:\n  roles: [privacy]\nhub:\n  namespace: acme\n\nwaivers:')}`,
    );
    const report = await pull(client, last);
    const full = fullFiles(ws.dir, report);
    assert.ok(full.includes(PIPELINE), full.join(', '));
    assert.deepEqual(code(full), []);
    last = report.items;
  });

  it('a governance edit to the rules code reads re-checks the code files', async () => {
    const text = readFileSync(path.join(ws.dir, GOVERNANCE), 'utf8');
    await save(GOVERNANCE, text.replace('fields: [email, ssn,', 'fields: [email, ssn, phone_number,'));
    const report = await pull(client, last);
    assert.ok(code(fullFiles(ws.dir, report)).length >= 3, fullFiles(ws.dir, report).join(', '));
    last = report.items;
  });
});

/**
 * Edits that keep a manifest readable, each applied to the current text where its pattern
 * matches: moving declarations, changing rules code reads, parts only manifests read, references.
 */
const EDITS: Record<string, [RegExp, string][]> = {
  [GOVERNANCE]: [
    [/^/, '# A comment that moves every declaration.\n'],
    [/fields: \[email, ssn,/, 'fields: [email, phone_number, ssn,'],
    [/, date_of_birth/, ''],
    [/tier: confidential\n {4}owner: support-ops/, 'tier: restricted\n    owner: support-ops'],
    [/\nwaivers:/, '\napprovals:\n  roles: [privacy]\n\nwaivers:'],
    [/\nwaivers:/, '\nhub:\n  namespace: acme\n\nwaivers:'],
    [/maxDays: \d+/, 'maxDays: 30'],
    [/function: redact\n {4}import: from acme_privacy/, 'function: scrub\n    import: from acme_privacy'],
    [/ {2}- name: loyalty_id/, '  - name: member_id\n    category: personal\n  - name: loyalty_id'],
    [/rules: \[CG101, CG102\]/, 'rules: [CG101]'],
    [/records: \[Customer, CustomerProfile\]/, 'records: [Customer]'],
  ],
  [PIPELINE]: [
    [/^/, '# Reviewed.\n'],
    [/inputs: \[raw-joined\]/, 'inputs: [raw-joinedx]'],
    [/inputs: \[raw-joinedx\]/, 'inputs: [raw-joined]'],
    [/method: lora/, 'method: full'],
    [/, home_address\]/, ']'],
    [/payloads: false/, 'payloads: true'],
  ],
  [MODEL]: [[/^/, '# Reviewed.\n']],
};

describe('seeded random manifest edits: the server answers as a fresh server does', () => {
  const STEPS = 8;
  let ws: ReturnType<typeof copyOfExamples>;
  let client: TestClient;
  before(async () => {
    ws = copyOfExamples();
    client = await TestClient.start({ folder: ws.dir, pull: true });
  });
  after(async () => {
    await client.stop();
    ws.remove();
  });

  it(`${STEPS} steps of saved edits, each compared with a fresh server's scan: no difference`, async (t) => {
    const random = seededRandom(17);
    const held = new Map<string, { resultId?: string; items: string[] }>();
    let previous = apply(ws.dir, held, await pull(client));
    let recomputed = 0;
    let reused = 0;
    for (let step = 0; step < STEPS; step++) {
      const files = Object.keys(EDITS);
      const changed = new Set<string>();
      for (let n = 0; n < 1 + Math.floor(random() * 2); n++) {
        const file = files[Math.floor(random() * files.length)];
        const edits = EDITS[file];
        const [pattern, replacement] = edits[Math.floor(random() * edits.length)];
        const abs = path.join(ws.dir, file);
        writeFileSync(abs, readFileSync(abs, 'utf8').replace(pattern, replacement));
        changed.add(file);
      }
      const refreshes = client.refreshRequests;
      await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
        changes: [...changed].map((f): FileEvent => ({ uri: client.uri(f), type: FileChangeType.Changed })),
      });
      await client.waitFor('a diagnostics refresh', () => client.refreshRequests > refreshes);
      const report = await pull(client, previous);
      recomputed += report.items.filter((r) => r.kind === 'full').length;
      reused += report.items.filter((r) => r.kind === 'unchanged').length;
      previous = apply(ws.dir, held, report);

      const fresh = await TestClient.start({ folder: ws.dir, pull: true });
      try {
        const expected = new Map<string, { items: string[] }>();
        apply(ws.dir, expected, await pull(fresh));
        assert.deepEqual(
          [...held.keys()].sort(),
          [...expected.keys()].sort(),
          `step ${step}: the same files are reported`,
        );
        for (const [file, { items }] of expected)
          assert.deepEqual(held.get(file)?.items, items, `step ${step} (${[...changed].join(', ')}): ${file}`);
      } finally {
        await fresh.stop();
      }
    }
    t.diagnostic(`${STEPS} steps: ${recomputed} files re-sent in full, ${reused} answered unchanged`);
    assert.ok(reused > 0, 'some files were not re-checked');
  });
});
