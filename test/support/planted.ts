import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import { base62 } from '../quality/synthetic';

/**
 * A generated workspace with a value of every literal detector's kind planted in every position
 * a workspace can name something (ids, names, file names, fields, descriptions, waivers...), and
 * a check that a text carries none of them out. Each (kind, position) pair has its own value,
 * so a leak names the kind and the position that let it through.
 */

/** The kinds of `core/sensitivity/literals.ts`, by their placeholder key. */
export const KINDS = [
  'aws_access_key_id',
  'aws_secret_access_key',
  'github_token',
  'slack_token',
  'stripe_key',
  'anthropic_api_key',
  'openai_api_key',
  'hf_token',
  'google_api_key',
  'private_key',
  'jwt',
  'connection_string',
  'ssn',
  'card_number',
  'iban',
  'email',
  'phone',
] as const;
export type Kind = (typeof KINDS)[number];

/** Kinds whose values cannot be a file's name (a `/` or a newline in them). */
const NOT_IN_FILE_NAMES: readonly Kind[] = ['private_key', 'connection_string'];

export interface Planted {
  readonly kind: Kind;
  readonly position: string;
  /** The text as written in the workspace. */
  readonly written: string;
  /** What must never appear in an output: the whole value, and for secrets every 6-character piece of it. */
  readonly forbidden: readonly string[];
}

/** A small seeded generator (mulberry32), so the workspace is the same on every run. */
function generator(seed: number): (alphabet: string, n: number) => string {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (alphabet, n) => Array.from({ length: n }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
}

const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = UPPER + LOWER + '23456789';
const B64 = ALNUM + '+/';

function luhnDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) d *= 2;
    if (d > 9) d -= 9;
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

function ibanCheck(country: string, bban: string): string {
  let r = 0;
  for (const ch of bban + country + '00') {
    const v = ch >= 'A' && ch <= 'Z' ? ch.charCodeAt(0) - 55 : ch.charCodeAt(0) - 48;
    r = Number(String(r) + String(v)) % 97;
  }
  return String(98 - r).padStart(2, '0');
}

/**
 * Six-character windows of a secret's random part (a token's fixed prefix is not secret). A
 * window of hex digits only is left out: a masked name's digest is hex, and could hold one.
 */
function pieces(secret: string): string[] {
  const flat = secret.replace(/\s+/g, '');
  const out: string[] = [];
  for (let i = 0; i + 6 <= flat.length; i++) if (/[^0-9a-f]/.test(flat.slice(i, i + 6))) out.push(flat.slice(i, i + 6));
  return out;
}

/** One value of `kind`, different for each `n`, that the detectors recognise on its own. */
export function valueOf(kind: Kind, n: number): { written: string; forbidden: string[] } {
  const r = generator(1000 * (KINDS.indexOf(kind) + 1) + n);
  const secret = (prefix: string, body: string, suffix = '') => ({
    written: prefix + body + suffix,
    forbidden: [prefix + body + suffix, ...pieces(body)],
  });
  switch (kind) {
    case 'aws_access_key_id':
      // An access key id is base32: letters and the digits 2 to 7.
      return secret('AKIA', r(UPPER + '234567', 16));
    case 'aws_secret_access_key':
      return secret('aws_secret_access_key=', r(ALNUM, 40));
    case 'github_token': {
      // GitHub's format ends in a CRC32 of the random part, which the detector checks.
      const random = r(ALNUM, 30);
      return secret('ghp_', random + base62(crc32(random), 6));
    }
    case 'slack_token':
      return secret('xoxb-', `${r(DIGITS, 10)}-${r(ALNUM, 24)}`);
    case 'stripe_key':
      return secret('sk_live_', r(ALNUM, 28));
    case 'anthropic_api_key':
      return secret('sk-ant-api03-', r(ALNUM, 93), 'AA');
    case 'openai_api_key':
      return secret('sk-proj-', r(ALNUM, 48));
    case 'hf_token':
      return secret('hf_', r(UPPER + LOWER, 34));
    case 'google_api_key':
      return secret('AIza', r(ALNUM, 35));
    case 'private_key': {
      const body = [r(B64, 64), r(B64, 64), r(B64, 40)].join('\n');
      return {
        written: `-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----`,
        forbidden: pieces(body),
      };
    }
    case 'jwt':
      // A signed token: a header naming its algorithm, a payload, and a signature.
      return secret(
        'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.',
        `${Buffer.from(JSON.stringify({ [r(LOWER, 8)]: r(ALNUM, 12) })).toString('base64url')}.${r(ALNUM, 43)}`,
      );
    case 'connection_string': {
      const password = r(ALNUM, 16);
      return {
        written: `postgres://svc:${password}@db${n}.corp.acme.io/app`,
        forbidden: [password, ...pieces(password)],
      };
    }
    case 'ssn': {
      const v = `${100 + (Number(r(DIGITS, 3)) % 500)}-${10 + (Number(r(DIGITS, 2)) % 89)}-${1000 + (Number(r(DIGITS, 4)) % 8999)}`;
      return { written: v, forbidden: [v] };
    }
    case 'card_number': {
      const body = '4' + r(DIGITS, 14);
      const v = body + luhnDigit(body);
      return { written: v, forbidden: [v] };
    }
    case 'iban': {
      const bban = r(DIGITS, 18);
      const v = `DE${ibanCheck('DE', bban)}${bban}`;
      return { written: v, forbidden: [v] };
    }
    case 'email': {
      const v = `${r(LOWER, 6)}.${r(LOWER, 7)}@northwind-mail.com`;
      return { written: v, forbidden: [v] };
    }
    case 'phone': {
      // Exchanges 200-554: 555 numbers are fictional, and the detector rightly passes them over.
      const v = `+1 415 ${200 + (Number(r(DIGITS, 3)) % 355)} ${1000 + (Number(r(DIGITS, 4)) % 8999)}`;
      return { written: v, forbidden: [v, v.replace(/\D/g, '')] };
    }
  }
}

/** A YAML double-quoted scalar: every value fits in one, newlines included. */
const q = (s: string) => JSON.stringify(s);

export interface PlantedWorkspace {
  readonly dir: string;
  readonly planted: readonly Planted[];
  /** Files to open in an editor: path relative to the folder, and language id. */
  readonly files: readonly { path: string; languageId: string }[];
  remove(): void;
}

/** Writes the workspace into a fresh temporary folder. */
export function plantedWorkspace(): PlantedWorkspace {
  const dir = mkdtempSync(path.join(tmpdir(), 'crownguard-planted-'));
  const planted: Planted[] = [];
  let n = 0;
  const plant = (kind: Kind, position: string) => {
    const v = valueOf(kind, n++);
    planted.push({ kind, position, written: v.written, forbidden: v.forbidden });
    return v.written;
  };
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  };
  const files: { path: string; languageId: string }[] = [];

  const tiers: string[] = [];
  const assets: string[] = [];
  const policies: string[] = [];
  const stages: string[] = [];
  const deployments: string[] = [];
  const datasets: string[] = [];
  for (const kind of KINDS) {
    const tier = plant(kind, 'tier id');
    tiers.push(`  - id: ${q(tier)}\n    crownJewel: true\n    description: ${q(plant(kind, 'tier description'))}`);
    const asset = plant(kind, 'asset id');
    assets.push(
      [
        `  - id: ${q(asset)}`,
        `    kind: ${q(plant(kind, 'asset kind'))}`,
        `    tier: ${q(tier)}`,
        `    owner: ${q(plant(kind, 'asset owner'))}`,
        `    description: ${q(plant(kind, 'asset description'))}`,
        `    locations: [${q('s3://planted/' + plant(kind, 'asset location') + '/**')}]`,
        `    fields: [${q(plant(kind, 'field name'))}]`,
        `    allowedUses: [rag]`,
      ].join('\n'),
    );
    policies.push(
      `  - id: ${q(plant(kind, 'policy id'))}\n    description: ${q(plant(kind, 'policy description'))}\n    rules: [CG101]`,
    );
    const output = plant(kind, 'stage output');
    stages.push(
      [
        `  - id: ${q(plant(kind, 'stage id'))}`,
        `    type: ${q(plant(kind, 'stage type'))}`,
        `    description: ${q(plant(kind, 'stage description'))}`,
        `    inputs: [${q(asset)}, ${q(plant(kind, 'stage input'))}]`,
        `    outputs: [${q(output)}]`,
      ].join('\n'),
    );
    datasets.push(q(output));
    deployments.push(`  - target: ${q(plant(kind, 'deployment target'))}\n    visibility: internal`);
  }
  write(
    'governance.yaml',
    [
      'apiVersion: crownguard/v1',
      'kind: Governance',
      'metadata:',
      `  name: ${q(plant('email', 'governance name'))}`,
      `  description: ${q(plant('private_key', 'governance description'))}`,
      'tiers:',
      ...tiers,
      'assets:',
      ...assets,
      'policies:',
      ...policies,
      '',
    ].join('\n'),
  );
  files.push({ path: 'governance.yaml', languageId: 'yaml' });
  write(
    'pipelines/planted.pipeline.yaml',
    [
      'apiVersion: crownguard/v1',
      'kind: Pipeline',
      'metadata:',
      `  name: ${q(plant('github_token', 'pipeline name'))}`,
      'stages:',
      ...stages,
      '',
    ].join('\n'),
  );
  files.push({ path: 'pipelines/planted.pipeline.yaml', languageId: 'yaml' });
  // Files named by a value; a release's artifact links to the one of its kind.
  const named = new Map<Kind, string>();
  for (const kind of KINDS) {
    if (NOT_IN_FILE_NAMES.includes(kind)) continue;
    const rel = `data/${plant(kind, 'file name')}.py`;
    write(rel, `import logging\nlogging.getLogger().info(${q(plant(kind, 'literal in a named file'))})\n`);
    files.push({ path: rel, languageId: 'python' });
    named.set(kind, rel);
  }
  KINDS.forEach((kind, i) => {
    const rel = `models/release-${i}.model.yaml`;
    write(
      rel,
      [
        'apiVersion: crownguard/v1',
        'kind: ModelRelease',
        `name: ${q(plant(kind, 'release name'))}`,
        `version: ${q(plant(kind, 'release version'))}`,
        `status: ${q(plant(kind, 'release status'))}`,
        `pipeline: ${q(plant(kind, 'release pipeline'))}`,
        `datasets: [${datasets[i]}, ${q(plant(kind, 'release dataset'))}]`,
        ...(named.has(kind) ? ['artifact:', `  path: ${q('../' + named.get(kind)!)}`] : []),
        'deployments:',
        deployments[i],
        '',
      ].join('\n'),
    );
    files.push({ path: rel, languageId: 'yaml' });
  });
  // Code that logs a value and carries a waiver whose fields are values too.
  const code = KINDS.map((kind, i) =>
    [
      `value_${i} = ${q(plant(kind, 'code literal'))}`,
      `# crownguard: waive CG101 policy=${q(plant(kind, 'waiver policy'))} reason=${q(plant(kind, 'waiver reason'))} expires=2099-01-01 approver=${q(plant(kind, 'waiver approver'))}`,
      `logger.info(value_${i})`,
    ].join('\n'),
  );
  write('src/app.py', ['import logging', 'logger = logging.getLogger(__name__)', ...code, ''].join('\n'));
  files.push({ path: 'src/app.py', languageId: 'python' });
  return { dir, planted, files, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every planted value (or piece of a secret) found in `text`, with its kind and position. */
export function leaksIn(text: string, planted: readonly Planted[]): string[] {
  const out: string[] = [];
  for (const p of planted) {
    const hit = p.forbidden.find(
      (f) => text.includes(f) || text.includes(JSON.stringify(f).slice(1, -1)) || text.includes(encodeURIComponent(f)),
    );
    if (hit !== undefined)
      out.push(`${p.kind} as ${p.position}${hit === p.written ? '' : ` (piece ${JSON.stringify(hit)})`}`);
  }
  return out;
}
