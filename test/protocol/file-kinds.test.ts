import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import {
  DocumentDiagnosticRequest,
  WorkspaceDiagnosticRequest,
  type FullDocumentDiagnosticReport,
  type WorkspaceDiagnosticReport,
} from 'vscode-languageserver-protocol/node';
import { TestClient } from '../support/lsp-client';
import { CLI } from '../support/paths';
import { valueOf } from '../support/planted';

const GOVERNANCE = 'policy/rules.yaml';

/**
 * One file of every kind the engine knows, each with something to report, and files of no
 * kind. The governance manifest has a name of its own, given by the setting; a file named
 * governance.yaml beside it is an ordinary config.
 */
function workspace(dir: string): void {
  const key = () => valueOf('github_token', 1).written;
  const files: Record<string, string> = {
    [GOVERNANCE]: [
      'apiVersion: crownguard/v1',
      'kind: Governance',
      'assets:',
      '  - id: members',
      '    kind: table',
      '    tier: restricted',
      '    fields: [loyalty_points]',
      '',
    ].join('\n'),
    'governance.yaml': `name: not-the-manifest\ntoken: "${key()}"\n`,
    'app.py': 'print(member.loyalty_points)\n',
    'web/notify.ts': 'console.log(member.loyalty_points);\n',
    'prompts/reply.prompt': 'Points: {{ member.loyalty_points }}\n',
    'settings.toml': `token = "${key()}"\n`,
    'pipelines/p.pipeline.yaml': [
      'apiVersion: crownguard/v1',
      'kind: Pipeline',
      'id: p',
      'stages:',
      '  - id: s',
      '    inputs: [nowhere]',
      '    outputs: [{ id: o }]',
      '',
    ].join('\n'),
    'configs/train.yaml': `base_model: org/base\ndatasets:\n  - path: data/x.jsonl\nhub_token: "${key()}"\n`,
    'card/README.md': `---\nbase_model: org/base\n---\n\nToken ${key()}\n`,
    'README.md': '# Nothing to report\n',
    'notes.txt': `token ${key()}\n`,
    'package-lock.json': `{"token": "${key()}"}\n`,
  };
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    writeFileSync(path.join(dir, p), text);
  }
}

describe('file kinds: both shells decide them in one place', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'crownguard-kinds-'));
    workspace(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a CLI scan and the server workspace diagnostics check the same files and report the same findings', async () => {
    const run = spawnSync(process.execPath, [CLI, 'check', '.', '--format', 'json', '--governance', GOVERNANCE], {
      cwd: dir,
      encoding: 'utf8',
    });
    const cli = JSON.parse(run.stdout) as {
      findings: { path: string; startLine: number; ruleId: string }[];
      summary: { filesChecked: number };
    };
    const fromCli = cli.findings.map((f) => `${f.path.replace(/^\.\//, '')}:${f.startLine} ${f.ruleId}`).sort();

    const client = await TestClient.start({
      folder: dir,
      pull: true,
      configuration: () => ({ governanceManifest: GOVERNANCE }),
    });
    try {
      const report = (await client.connection.sendRequest(WorkspaceDiagnosticRequest.type, {
        previousResultIds: [],
      })) as WorkspaceDiagnosticReport;
      const rel = (uri: string) => path.relative(dir, fileURLToPath(uri)).split(path.sep).join('/');
      const reported = report.items.map((r) => rel(r.uri)).sort();
      const fromServer = report.items
        .flatMap((r) =>
          r.kind === 'full' ? r.items.map((d) => `${rel(r.uri)}:${d.range.start.line + 1} ${d.code}`) : [],
        )
        .sort();
      // Every file of a kind, and only those: plain text and generated lock files are not read.
      assert.deepEqual(reported, [
        'README.md',
        'app.py',
        'card/README.md',
        'configs/train.yaml',
        'governance.yaml',
        'pipelines/p.pipeline.yaml',
        GOVERNANCE,
        'prompts/reply.prompt',
        'settings.toml',
        'web/notify.ts',
      ]);
      assert.equal(cli.summary.filesChecked, reported.length);
      assert.deepEqual(fromServer, fromCli);
      // Each kind was read as itself: flows in code, placeholders in the template, a manifest's references, literals in configs.
      const rules = (file: string) =>
        new Set(fromCli.filter((l) => l.startsWith(file + ':')).map((l) => l.split(' ')[1]));
      assert.ok(rules('app.py').has('CG101'), fromCli.join('\n'));
      assert.ok(rules('web/notify.ts').has('CG101'), fromCli.join('\n'));
      assert.ok(rules('prompts/reply.prompt').has('CG106'), fromCli.join('\n'));
      assert.ok(rules('pipelines/p.pipeline.yaml').has('CG003'), fromCli.join('\n'));
      for (const config of ['governance.yaml', 'settings.toml', 'configs/train.yaml', 'card/README.md'])
        assert.ok(rules(config).has('CG201'), `${config}: ${fromCli.join('\n')}`);
    } finally {
      await client.stop();
    }
  });

  it('the server treats the configured governance manifest as the manifest, and governance.yaml beside it as a config', async () => {
    const client = await TestClient.start({
      folder: dir,
      pull: true,
      configuration: () => ({ governanceManifest: GOVERNANCE }),
    });
    try {
      const pullOf = async (uri: string) =>
        (await client.connection.sendRequest(DocumentDiagnosticRequest.type, {
          textDocument: { uri },
        })) as FullDocumentDiagnosticReport;
      // Opening the configured manifest changes every other file's findings: the client is asked to pull again.
      const manifest = await client.open(GOVERNANCE, 'yaml');
      await client.waitFor('a refresh after the manifest opened', () => client.refreshRequests > 0 || undefined, 5000);
      await pullOf(manifest);
      const before = client.refreshRequests;
      // A file named governance.yaml that is not the configured one is just a config: editing it changes nothing else.
      const stray = await client.open('governance.yaml', 'yaml');
      await client.change(stray, 'name: still-not-the-manifest\n');
      await pullOf(stray);
      await pullOf(manifest);
      assert.equal(client.refreshRequests, before);
    } finally {
      await client.stop();
    }
  });
});
