import { ALNUM, BASE64, Synthetic, checksummedToken, iban, luhnNumber, pemBlock } from './synthetic';

/**
 * Sample sets of true and false positives, one per literal detector. Every value is synthetic:
 * generated here (checksums and Luhn digits computed, so they pass validation) or a published
 * example or placeholder (only ever as a negative). `text` is the whole snippet a person would
 * write; `kind` is the detector's kind as its message names it.
 */
export interface Sample {
  readonly text: string;
  readonly positive: boolean;
  /** Why a negative is not the kind, or what a positive exercises. */
  readonly why: string;
}

export interface SampleSet {
  readonly kind: string;
  readonly rule: 'CG201' | 'CG202';
  readonly samples: readonly Sample[];
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LETTERS = UPPER + UPPER.toLowerCase();
const HEX = '0123456789abcdef';

function jwt(header: object, payload: object, signature: string): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc(header)}.${enc(payload)}.${signature}`;
}

const pos = (text: string, why: string): Sample => ({ text, positive: true, why });
const neg = (text: string, why: string): Sample => ({ text, positive: false, why });

export function sampleSets(): SampleSet[] {
  const s = new Synthetic(0xc0ffee);
  const gh = checksummedToken(s, 'ghp_');
  const ghBroken = gh.slice(0, -1) + (gh.endsWith('A') ? 'B' : 'A');
  const awsSecret = s.chars(BASE64, 40);
  return [
    {
      kind: 'AWS access key ID',
      rule: 'CG201',
      samples: [
        pos('AKIA' + s.chars(UPPER + '234567', 16), 'access key id, base32'),
        pos('ASIA' + s.chars(UPPER + '234567', 16), 'temporary key id'),
        neg('AKIAIOSFODNN7EXAMPLE', "AWS's documentation example"),
        neg('AKIAXXXXXXXXXXXXXXXX', 'placeholder'),
        neg('AKIA1234567890ABCDEF', 'digits outside base32, and a sequence'),
      ],
    },
    {
      kind: 'AWS secret access key',
      rule: 'CG201',
      samples: [
        pos(`aws_secret_access_key = ${awsSecret}`, 'secret key after its keyword'),
        neg('aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', "AWS's documentation example"),
        neg(`aws_secret_access_key = ${awsSecret.slice(0, 31)}SAMPLEKEY`, 'ends in SAMPLEKEY'),
        neg(`aws_secret_access_key = ${awsSecret.slice(0, 33)}TESTKEY`, 'ends in TESTKEY'),
        neg(`aws_secret_access_key = ${awsSecret.slice(0, 33)}FAKEKEY`, 'ends in FAKEKEY'),
        neg(`aws_secret_access_key = ${awsSecret.slice(0, 34)}XXXXXX`, 'ends in XXXXXX'),
      ],
    },
    {
      kind: 'GitHub token',
      rule: 'CG201',
      samples: [
        pos(gh, 'classic token with its CRC32'),
        pos(checksummedToken(s, 'gho_'), 'OAuth token with its CRC32'),
        pos(`github_pat_${s.chars(ALNUM, 22)}_${s.chars(ALNUM, 59)}`, 'fine-grained token'),
        neg(ghBroken, 'checksum does not match'),
        neg('ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 'typed, fails the checksum'),
        neg('ghp_' + 'x'.repeat(36), 'placeholder'),
      ],
    },
    {
      kind: 'npm token',
      rule: 'CG201',
      samples: [
        pos(checksummedToken(s, 'npm_'), 'npm token with its CRC32'),
        neg('npm_' + s.chars(ALNUM, 36), 'no valid checksum'),
      ],
    },
    {
      kind: 'Slack token',
      rule: 'CG201',
      samples: [
        pos(`xoxb-${s.digits(11)}-${s.digits(13)}-${s.chars(ALNUM, 24)}`, 'bot token'),
        pos(`xoxp-${s.digits(11)}-${s.digits(11)}-${s.digits(12)}-${s.chars(HEX, 32)}`, 'user token'),
        pos(`xapp-1-A${s.chars(UPPER + '0123456789', 10)}-${s.digits(13)}-${s.chars(HEX, 64)}`, 'app-level token'),
        pos(`xoxe.xoxp-1-${s.chars(UPPER + '0123456789', 164)}`, 'configuration access token'),
        pos(`xoxe-1-${s.chars(UPPER + '0123456789', 146)}`, 'configuration refresh token'),
        pos(`xoxs-${s.digits(10)}-${s.digits(11)}-${s.digits(12)}-${s.chars(HEX, 64)}`, 'legacy token'),
        neg('xoxb-12345-abcd234', 'too short for any Slack format'),
        neg('xoxb-xoxb-my-bot-token', 'placeholder'),
        neg('xoxb-your-bot-token-here', 'placeholder'),
      ],
    },
    {
      kind: 'Anthropic API key',
      rule: 'CG201',
      samples: [
        pos(`sk-ant-api03-${s.chars(ALNUM + '-_', 93)}AA`, 'API key'),
        pos(`sk-ant-admin01-${s.chars(ALNUM + '-_', 93)}AA`, 'admin key'),
        neg(`sk-ant-api03-${s.chars(ALNUM, 40)}`, 'too short'),
        neg(`sk-ant-api03-${s.chars(ALNUM, 93)}XY`, 'wrong suffix'),
        neg('sk-ant-api03-...', 'elided'),
      ],
    },
    {
      kind: 'OpenAI API key',
      rule: 'CG201',
      samples: [
        pos(`sk-proj-${s.chars(ALNUM, 20)}T3BlbkFJ${s.chars(ALNUM, 60)}`, 'project key'),
        pos(`sk-${s.chars(ALNUM, 48)}`, 'legacy key'),
        neg('sk-proj-' + 'x'.repeat(48), 'placeholder'),
        neg('sk-your-openai-key-goes-here', 'placeholder'),
      ],
    },
    {
      kind: 'Hugging Face token',
      rule: 'CG201',
      samples: [
        pos(`hf_${s.chars(LETTERS, 34)}`, 'user access token'),
        pos(`api_org_${s.chars(LETTERS, 34)}`, 'organisation token'),
        neg('hf_' + 'x'.repeat(34), 'placeholder'),
        neg('hf_abcdefghijklmnopqrstuvwxyzABCDEFGH', 'alphabet typed in order'),
      ],
    },
    {
      kind: 'Google API key',
      rule: 'CG201',
      samples: [
        pos(`AIza${s.chars(ALNUM + '-_', 35)}`, 'API key'),
        neg('AIza' + 'a'.repeat(35), 'placeholder run'),
        neg('AIzaSy' + 'X'.repeat(33), 'placeholder'),
        neg('AIzaSyA-your-api-key-here-00000000000', 'placeholder words'),
        neg('AIzaSyAbcdefghijklmnopqrstuvwxyz123456', 'alphabet typed in order'),
      ],
    },
    {
      kind: 'private key',
      rule: 'CG201',
      samples: [
        pos(pemBlock(s, 'RSA PRIVATE KEY'), 'PEM block with a body'),
        pos(pemBlock(s, 'OPENSSH PRIVATE KEY', 6), 'OpenSSH key'),
        pos(pemBlock(s, 'PRIVATE KEY', 8, '\\n'), 'a key written on one line with \\n escapes'),
        neg('-----BEGIN PRIVATE KEY-----\\n...', 'elided in documentation'),
        neg('-----BEGIN PRIVATE KEY-----\nanything\n-----END PRIVATE KEY-----', 'no base64 body'),
        neg('-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----', 'empty block'),
        neg('-----BEGIN RSA PRIVATE KEY-----', 'a marker line on its own'),
      ],
    },
    {
      kind: 'JSON Web Token',
      rule: 'CG201',
      samples: [
        pos(
          jwt({ alg: 'HS256', typ: 'JWT' }, { sub: 'svc-' + s.digits(6), exp: 1893456000 }, s.chars(ALNUM + '-_', 43)),
          'signed token',
        ),
        pos(
          jwt({ alg: 'none', typ: 'JWT' }, { sub: 'svc-' + s.digits(6), role: 'admin' }, ''),
          'unsigned token (alg none)',
        ),
        neg(jwt({ not: 'a header' }, { sub: 'x' + s.digits(9) }, s.chars(ALNUM, 30)), 'header has no alg'),
        neg(
          jwt({ alg: 'HS256', typ: 'JWT' }, { sub: 'svc-' + s.digits(6) }, ''),
          'signed algorithm without a signature',
        ),
      ],
    },
    {
      kind: 'connection string with a password',
      rule: 'CG201',
      samples: [
        pos(`postgresql://svc_train:${s.chars(ALNUM, 14)}@db.corp.internal:5432/crm`, 'database URL'),
        pos(`mongodb+srv://etl:${s.chars(ALNUM, 18)}@cluster0.acme-corp.net/app`, 'MongoDB URL'),
        neg('postgres://user:password@db.corp.internal/app', 'tutorial password'),
        neg('https://user:s3cr3t@feed.example.invalid/simple', 'reserved example host'),
        neg('postgresql://svc:${DB_PASSWORD}@db.corp.internal/crm', 'templated'),
        neg('http://127.0.0.1:8888@evil.test', 'a port, not a password'),
      ],
    },
    {
      kind: 'US social security number',
      rule: 'CG202',
      samples: [
        pos('SSN 512-44-8712', 'dashes'),
        pos('SSN 512.44.8712', 'dots'),
        pos('SSN 512 44 8712', 'spaces'),
        pos('ssn: 512448712', 'no separators after a word that says so'),
        neg('078-05-1120', 'the Woolworth wallet number'),
        neg('666-12-3456', 'area 666 is never issued'),
        neg('912-34-5678', 'area 9xx is never issued'),
        neg('order 512448712', 'nine digits without a word that says SSN'),
        neg('version 1.2.3-45-6789', 'part of a version'),
      ],
    },
    {
      kind: 'payment card number',
      rule: 'CG202',
      samples: [
        pos(`"${luhnNumber(s, '4', 16)}"`, 'Visa, a whole quoted value'),
        pos(`card ${luhnNumber(s, '51', 16).replace(/(\d{4})(?=\d)/g, '$1 ')}`, 'Mastercard, printed in groups'),
        pos(`card ${luhnNumber(s, '37', 15)}`, 'Amex'),
        pos(`card ${luhnNumber(s, '1', 15)}`, 'UATP'),
        pos(`card ${luhnNumber(s, '5019', 16)}`, 'Dankort'),
        pos(`card ${luhnNumber(s, '6759', 16)}`, 'Maestro'),
        pos(`card ${luhnNumber(s, '3528', 16)}`, 'JCB'),
        neg('4111111111111111', 'published test card'),
        neg('card 4532015112830366', 'published test card'),
        neg(`"snr": 28.${luhnNumber(s, '4', 16)}`, 'fractional digits of a float'),
        neg(`cachedContents/${luhnNumber(s, '3', 19)}`, 'resource id in a path'),
        neg(`sha256=e5ba${luhnNumber(s, '4', 16)}ebfd`, 'digits inside a hash'),
        neg(`The result is: ${luhnNumber(s, '4', 13)}`, 'an arithmetic result'),
      ],
    },
    {
      kind: 'IBAN',
      rule: 'CG202',
      samples: [
        pos(iban(s, 'GB', 'NWBK' + s.digits(14)).replace(/(.{4})(?=.)/g, '$1 '), 'printed in groups'),
        pos(iban(s, 'DE', s.digits(18)), 'compact'),
        pos(iban(s, 'FR', s.digits(23)).replace(/(.{4})(?=.)/g, '$1-'), 'written with dashes'),
        pos(`${iban(s, 'NL', 'RABO' + s.digits(10))} THANKS`, 'followed by a word'),
        neg('GB82 WEST 1234 5698 7654 32', 'the published example IBAN'),
        neg('DE89370400440532013000', 'the published example IBAN'),
        neg('GB77 NWBK 0734 9151 5388 78', 'checksum fails'),
      ],
    },
    {
      kind: 'email address',
      rule: 'CG202',
      samples: [
        pos('priya.raman@northwind-clinic.com', 'a person at an organisation'),
        pos('contact j.okafor@lakeside-ledger.co.uk', 'in prose'),
        neg('jane.doe@email.com', 'stand-in domain'),
        neg('alice@test.com', 'stand-in domain'),
        neg('boss@company.com', 'stand-in domain'),
        neg('a@d.co', 'abbreviation, not an address'),
        neg('yourname@yourdomain.com', 'placeholder'),
        neg('github-actions@github.com', 'a bot'),
        neg('someone@example.com', 'reserved domain'),
      ],
    },
    {
      kind: 'phone number',
      rule: 'CG202',
      samples: [
        pos('call +44 20 7946 0958', 'international'),
        pos('+30 21 0 3827461', 'international with a one-digit group'),
        pos('090-3182-7465', 'Japanese mobile'),
        pos('phone: 13857204961', 'Chinese mobile after a word that says phone'),
        pos('tel 09-7625400', 'Israeli landline after a word that says phone'),
        neg('(555) 123-4567', 'the fictional 555 exchange'),
        neg('id 13812345678', 'eleven digits without a word that says phone'),
        neg('build 1.2.3-4567', 'a version'),
      ],
    },
  ];
}
