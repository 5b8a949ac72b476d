import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { after, before, it } from 'node:test';
import { DocumentDiagnosticRequest, type FullDocumentDiagnosticReport } from 'vscode-languageserver-protocol/node';
import { CLI } from '../support/paths';
import { TestClient } from '../support/lsp-client';
import { copyOfExamples } from '../support/workspace';

let ws: ReturnType<typeof copyOfExamples>;
before(() => {
  ws = copyOfExamples();
  // A broken manifest entry too, so manifest findings are compared as well as code findings.
  const gov = `${ws.dir}/governance.yaml`;
  writeFileSync(gov, readFileSync(gov, 'utf8').replace('kind: dataset', 'kind: datasett'));
});
after(() => ws.remove());

it('the CLI and the language server give the same findings for the same files', async () => {
  // The CLI's text lines and the editor's diagnostics are both plain text, so they are compared as shown.
  const cli = spawnSync(process.execPath, [CLI, 'check', '.'], { cwd: ws.dir, encoding: 'utf8' });
  const fromCli = cli.stdout
    .trim()
    .split('\n')
    .slice(0, -1)
    .map((l) => l.replace(/^([^:]+:\d+:\d+): /, '$1 '))
    .sort();

  const client = await TestClient.start({ folder: ws.dir, pull: true });
  const severities = ['', 'error', 'warning', 'note'];
  const fromServer: string[] = [];
  const files: [string, string][] = [
    ['governance.yaml', 'yaml'],
    ['src/prepare_data.py', 'python'],
    ['src/train.py', 'python'],
    ['src/notify.ts', 'typescript'],
    ['prompts/support_reply.prompt', 'crownguard-prompt'],
    ['configs/axolotl-support-bot.yaml', 'yaml'],
    ['pipelines/support-bot.pipeline.yaml', 'yaml'],
    ['models/support-bot.model.yaml', 'yaml'],
  ];
  for (const [file, lang] of files) {
    const uri = await client.open(file, lang);
    const report = (await client.connection.sendRequest(DocumentDiagnosticRequest.type, {
      textDocument: { uri },
    })) as FullDocumentDiagnosticReport;
    for (const d of report.items)
      fromServer.push(
        `${file}:${d.range.start.line + 1}:${d.range.start.character + 1} ${severities[d.severity!]} ${d.code} ${d.message}`,
      );
  }
  await client.stop();
  fromServer.sort();

  assert.ok(fromCli.length >= 7, fromCli.join('\n'));
  assert.deepEqual(fromServer, fromCli);
});

it('a file under a nested governance manifest is checked under it by both shells', async () => {
  const nested = copyOfExamples();
  try {
    mkdirSync(`${nested.dir}/teams/loyalty`, { recursive: true });
    writeFileSync(
      `${nested.dir}/teams/loyalty/governance.yaml`,
      'apiVersion: crownguard/v1\nkind: Governance\nassets:\n  - id: loyalty\n    tier: restricted\n    fields: [loyalty_points]\n',
    );
    writeFileSync(`${nested.dir}/teams/loyalty/report.py`, 'print(member.loyalty_points)\n');
    const cli = spawnSync(process.execPath, [CLI, 'check', '.', '--format', 'json'], {
      cwd: nested.dir,
      encoding: 'utf8',
    });
    const fromCli = JSON.parse(cli.stdout)
      .findings.filter((f: { path: string }) => f.path === 'teams/loyalty/report.py')
      .map((f: { message: string }) => f.message);
    const client = await TestClient.start({ folder: nested.dir, pull: true });
    const uri = await client.open('teams/loyalty/report.py', 'python');
    const report = (await client.connection.sendRequest(DocumentDiagnosticRequest.type, {
      textDocument: { uri },
    })) as FullDocumentDiagnosticReport;
    await client.stop();
    // JSON keeps the names marked as code; a diagnostic, being plain text, quotes them.
    assert.deepEqual(
      report.items.map((d) => d.message),
      fromCli.map((m: string) => m.replace(/`([^`]*)`/g, "'$1'")),
    );
    assert.match(String(fromCli[0]), /field `loyalty_points` of asset `loyalty`/);
  } finally {
    nested.remove();
  }
});
