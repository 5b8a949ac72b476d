import type { Category } from '../governance/model';
import type { Anchor } from './prefilter';

/**
 * The built-in names that are sensitive without any governance manifest: credentials and
 * common PII. Each entry is a run of words matched against an identifier split into words.
 * Bare `token` and `key` are left out on purpose: in ML code they usually mean tokenizer
 * tokens and dictionary keys, and `pwd` usually means the working directory. Account numbers and similar ids are low confidence: often they
 * are internal references, not personal data, so their findings are notes.
 */
export interface BuiltinName {
  readonly words: readonly string[];
  readonly category: Category;
  readonly lowConfidence: boolean;
}

const entries: [Category, string[], string[]][] = [
  [
    'credential',
    [
      'password',
      'passwd',
      'passcode',
      'passphrase',
      'secret',
      'client secret',
      'api key',
      'apikey',
      'access key',
      'secret key',
      'private key',
      'access token',
      'refresh token',
      'auth token',
      'bearer token',
      'api token',
      'session token',
      'id token',
      'hf token',
      'github token',
      'slack token',
      'credentials',
      'credential',
      'connection string',
      'conn str',
      'dsn',
      'authorization',
      'cookie',
    ],
    // A certificate is often public; its private key is what matters, so a name alone is a weak guess.
    ['cert', 'certificate'],
  ],
  [
    'government-id',
    [
      'ssn',
      'social security number',
      'national id',
      'passport number',
      'tax id',
      'driver license',
      'drivers license',
      'nino',
    ],
    ['tin'],
  ],
  [
    'financial',
    ['card number', 'credit card', 'cc number', 'cvv', 'cvc', 'iban', 'bank account'],
    ['account number', 'routing number'],
  ],
  [
    'contact',
    [
      'email',
      'email address',
      'phone',
      'phone number',
      'mobile number',
      'home address',
      'street address',
      'postal address',
    ],
    [],
  ],
  [
    'personal',
    ['date of birth', 'dob', 'birth date', 'birthdate', 'full name', 'maiden name'],
    ['first name', 'last name'],
  ],
  ['health', ['diagnosis', 'medical record number', 'mrn', 'health record', 'prescription'], []],
  ['proprietary', ['trade secret', 'proprietary'], []],
];

/**
 * Text the flow walker treats as a source whatever the names around it (`getpass.getpass()`,
 * the process environment, `user.name`): the catalog's prefilter lets code holding it through.
 * Each expression comes with the fixed texts one of which every match of it holds, and how far
 * into the match that text begins (see prefilter.ts).
 */
const PERSONS = ['user', 'customer', 'person', 'member', 'patient', 'employee', 'author', 'owner'];
export const BUILTIN_SOURCE_TEXT: readonly { readonly source: string; readonly anchors: readonly Anchor[] }[] = [
  { source: 'getpass', anchors: [{ text: 'getpass', min: 0, max: 0 }] },
  { source: 'process\\.env\\b', anchors: [{ text: 'process.env', min: 0, max: 0 }] },
  { source: 'os\\.environ\\b', anchors: [{ text: 'os.environ', min: 0, max: 0 }] },
  {
    source: `(?:${PERSONS.join('|')})\\.(?:name|username|user_name|userName|displayName|display_name)\\b`,
    anchors: PERSONS.map((p) => ({ text: `${p}.`, min: 0, max: 0 })),
  },
];

export const BUILTIN_NAMES: readonly BuiltinName[] = entries.flatMap(([category, names, low]) => [
  ...names.map((n) => ({ words: n.split(' '), category, lowConfidence: false })),
  ...low.map((n) => ({ words: n.split(' '), category, lowConfidence: true })),
]);
