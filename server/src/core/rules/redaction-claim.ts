import type { DataContent } from '../datasets/profile';
import { folderOf } from '../lineage/contribute';
import { isLocalPath } from '../lineage/content';
import { normalisePath } from '../lineage/paths';
import type { LoadedManifest } from '../manifests/load';
import type { Finding, RelatedInformation } from '../types';
import { valueSpan } from '../yaml/locate';
import type { Rule } from './rule';
import { count, plural, sampleWords } from '../datasets/words';

/**
 * What a removed field's name stands for among the detectors' kinds (their `key`), once
 * lowercased and stripped of `_`, `-` and spaces: `social_security_number` is `ssn`.
 */
const KIND_KEYS: Record<string, string> = {
  ssn: 'ssn',
  socialsecuritynumber: 'ssn',
  socialsecurity: 'ssn',
  card: 'card_number',
  cardnumber: 'card_number',
  creditcard: 'card_number',
  creditcardnumber: 'card_number',
  ccnumber: 'card_number',
  pan: 'card_number',
  iban: 'iban',
  email: 'email',
  emails: 'email',
  emailaddress: 'email',
  mail: 'email',
  phone: 'phone',
  phonenumber: 'phone',
  telephone: 'phone',
  mobile: 'phone',
};

/** Removed names that stand for every kind of secret the detectors know. */
const SECRET_NAMES = new Set([
  'secret',
  'secrets',
  'password',
  'passwords',
  'token',
  'tokens',
  'apikey',
  'apikeys',
  'credential',
  'credentials',
  'accesskey',
  'privatekey',
]);

const normal = (name: string) => name.toLowerCase().replace(/[\s_-]+/g, '');

export const redactionClaim: Rule = {
  id: 'CG406',
  name: 'redaction-claim-not-met',
  defaultSeverity: 'error',
  summary:
    'A redaction stage claims to remove a field or kind of data (`removes`), and its output file in the workspace still holds it in its sampled records.',
  workspace: ({ manifests, data, only, governance }) => {
    if (!data || data.size === 0) return [];
    // Files are named from the governance manifest's folder, so that the message is the same from any working folder.
    const root = governance.path ? folderOf(governance.path) : '';
    const named = (file: string) => (root && file.startsWith(`${root}/`) ? file.slice(root.length + 1) : file);
    return manifests.filter((m) => only === undefined || m.path === only).flatMap((m) => claimFindings(m, data, named));
  },
};

/** What the sampled records still hold of one removed name, or undefined when they hold none of it. */
function stillHeld(
  removed: string,
  content: DataContent,
): { what: string; records: number; field?: string; fieldSpan?: RelatedInformation['span'] } | undefined {
  const name = normal(removed);
  const key = KIND_KEYS[name];
  const kinds = [...content.profile.kinds.values()].filter((k) =>
    key !== undefined ? k.key === key : SECRET_NAMES.has(name) && k.class === 'secret',
  );
  const top = kinds.sort((a, b) => b.records - a.records)[0];
  if (top && top.records > 0) {
    // The field that holds most of it, for the related location.
    const field = content.profile.fields
      .filter((f) => f.kinds.has(top.kind))
      .sort((a, b) => b.kinds.get(top.kind)!.records - a.kinds.get(top.kind)!.records)[0];
    return { what: `hold ${plural(top.kind)}`, records: top.records, field: field?.path, fieldSpan: field?.first };
  }
  // A name no detector stands for (`address`, `dob`): the field itself must be gone or masked.
  const field = content.profile.fields
    .filter((f) => normal(f.name) === name && f.filled > 0)
    .sort((a, b) => b.filled - a.filled)[0];
  if (field)
    return {
      what: `have a filled field \`${field.path}\``,
      records: field.filled,
      field: field.path,
      fieldSpan: field.first,
    };
  return undefined;
}

/** One finding per claimed removal that a stage's profiled output file contradicts, on the `removes` item. */
function claimFindings(
  m: LoadedManifest,
  data: ReadonlyMap<string, DataContent>,
  named: (file: string) => string,
): Finding[] {
  if (m.kind !== 'pipeline' || !m.doc || !m.value) return [];
  const doc = m.doc;
  const stages = Array.isArray(m.value.stages) ? m.value.stages : [];
  const out: Finding[] = [];
  stages.forEach((s: unknown, i) => {
    if (!s || typeof s !== 'object') return;
    const stage = s as Record<string, unknown>;
    const removes = Array.isArray(stage.removes) ? stage.removes : [];
    const outputs = Array.isArray(stage.outputs) ? stage.outputs : [];
    if (removes.length === 0) return;
    const files: string[] = [];
    for (const o of outputs) {
      const location = o && typeof o === 'object' ? (o as Record<string, unknown>).location : undefined;
      if (typeof location === 'string' && isLocalPath(location)) files.push(normalisePath(location, folderOf(m.path)));
    }
    const id = typeof stage.id === 'string' ? stage.id : `#${i + 1}`;
    removes.forEach((removed: unknown, k) => {
      if (typeof removed !== 'string' || removed === '') return;
      for (const file of files) {
        const content = data.get(file);
        if (!content) continue;
        const held = stillHeld(removed, content);
        if (!held) continue;
        const related: RelatedInformation[] = held.field
          ? [
              {
                message: `field \`${held.field}\` of the output file`,
                path: file,
                span: held.fieldSpan ?? { offset: 0, length: 0 },
              },
            ]
          : [];
        out.push({
          ruleId: redactionClaim.id,
          severity: 'error',
          message: `Stage \`${id}\` claims to remove \`${removed}\`; ${count(held.records)} of ${sampleWords(content, content.profile.sampled)} of ${named(file)} still ${held.what}`,
          path: m.path,
          span: valueSpan(doc, ['stages', i, 'removes', k]),
          fixes: [],
          related,
        });
      }
    });
  });
  return out;
}
