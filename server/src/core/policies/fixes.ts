import { isMap, isScalar, isSeq } from 'yaml';
import type { LoadedManifest } from '../manifests/load';
import { DATE_PLACEHOLDER, TEXT_PLACEHOLDER } from '../schema/manifests';
import type { Fix, TextEdit } from '../types';
import { addPair, appendItem, fillEmpty, replaceScalar, setKey } from '../yaml/edit';
import type { YamlPath } from '../yaml/locate';
import type { StageContext } from './propagate';

/** The epsilon a privacy block is given: within the built-in policy's limit of 10. */
export const DEFAULT_EPSILON = 8;

/** An approval to fill in: nothing in it passes the schema or the policy until a person does. */
const APPROVAL = { role: TEXT_PLACEHOLDER, by: TEXT_PLACEHOLDER, date: DATE_PLACEHOLDER, expires: DATE_PLACEHOLDER };

function fix(title: string, edit: TextEdit | undefined, preferred: boolean): Fix[] {
  // Never safe: each changes how a model is trained or claims an approval, so a person reviews it.
  return edit ? [{ title, edits: [edit], preferred, safe: false }] : [];
}

/** One fix per method the stage's data allows: the method is the user's choice, not ours. */
function switchMethod(m: LoadedManifest, text: string, stage: YamlPath, allowed: readonly string[]): Fix[] {
  const doc = m.doc!;
  const node = doc.getIn([...stage, 'method'], true);
  const written = isScalar(node) && !!node.range && node.range[1] > node.range[0];
  const title = (method: string) =>
    written ? `Switch to \`${method}\`, which the data allows` : `Set \`method: ${method}\`, which the data allows`;
  return allowed.flatMap((method) =>
    fix(title(method), setKey(text, doc, stage, 'method', method), allowed.length === 1),
  );
}

/** Adds `privacy.differentialPrivacy.epsilon` at whichever level is missing, or lowers epsilon. */
function addPrivacy(m: LoadedManifest, text: string, stage: YamlPath): Fix[] {
  const doc = m.doc!;
  const privacy = [...stage, 'privacy'];
  const dp = [...privacy, 'differentialPrivacy'];
  const epsilon = [...dp, 'epsilon'];
  const block = { differentialPrivacy: { epsilon: DEFAULT_EPSILON } };
  if (!doc.hasIn(privacy))
    return fix(
      `Add a privacy block (differential privacy, epsilon ${DEFAULT_EPSILON})`,
      addPair(text, doc, stage, 'privacy', block),
      true,
    );
  if (!isMap(doc.getIn(privacy, true)))
    return fix(`Add differential privacy (epsilon ${DEFAULT_EPSILON})`, fillEmpty(text, doc, privacy, block), true);
  if (!doc.hasIn(dp))
    return fix(
      `Add differential privacy (epsilon ${DEFAULT_EPSILON})`,
      addPair(text, doc, privacy, 'differentialPrivacy', block.differentialPrivacy),
      true,
    );
  if (!isMap(doc.getIn(dp, true)))
    return fix(`Add epsilon ${DEFAULT_EPSILON}`, fillEmpty(text, doc, dp, block.differentialPrivacy), true);
  if (!doc.hasIn(epsilon))
    return fix(`Add epsilon ${DEFAULT_EPSILON}`, addPair(text, doc, dp, 'epsilon', DEFAULT_EPSILON), true);
  return fix(`Lower epsilon to ${DEFAULT_EPSILON}`, replaceScalar(doc, epsilon, DEFAULT_EPSILON), true);
}

/** An approvals list with one approval to fill in, or one more approval when those there expired. */
function addApproval(m: LoadedManifest, text: string, stage: YamlPath): Fix[] {
  const doc = m.doc!;
  const approvals = [...stage, 'approvals'];
  const title = 'Add an approvals skeleton to fill in (role, by, date, expires)';
  if (!doc.hasIn(approvals)) return fix(title, addPair(text, doc, stage, 'approvals', [APPROVAL]), true);
  if (isSeq(doc.getIn(approvals, true)))
    return fix(
      'Add an approval to fill in (role, by, date, expires)',
      appendItem(text, doc, approvals, APPROVAL),
      true,
    );
  return fix(title, fillEmpty(text, doc, approvals, [APPROVAL]), true);
}

/** Sets `key: value` in the mapping at `parent` (under the stage), creating the mapping when absent. */
function setNested(
  m: LoadedManifest,
  text: string,
  stage: YamlPath,
  parent: string,
  key: string,
  value: boolean,
): TextEdit | undefined {
  const doc = m.doc!;
  const path = [...stage, parent];
  if (!doc.hasIn(path)) return addPair(text, doc, stage, parent, { [key]: value });
  return setKey(text, doc, path, key, value);
}

/** What a person must change, and the fixes that change it, for one built-in stage policy. */
export interface StageAdvice {
  /** Imperative, naming the key to set, e.g. "add `compute.confidential: true` to stage `ingest`". */
  readonly change?: string;
  readonly fixes: Fix[];
}

const quoted = (xs: readonly (string | number)[]) => xs.map((x) => `\`${x}\``).join(', ');

/**
 * The advice on a built-in stage policy's violation: the key to set, and quick fixes as text
 * edits on the pipeline manifest. Each fix only adds text or replaces the one scalar it is about.
 */
export function stagePolicyAdvice(policyId: string, s: StageContext, approvalRoles: readonly string[]): StageAdvice {
  const m = s.manifest;
  const name = typeof s.stage.id === 'string' && s.stage.id !== '' ? `stage \`${s.stage.id}\`` : 'the stage';
  const has = (...path: string[]) => m.doc?.hasIn(['stages', s.index, ...path]) === true;
  const fixes = stagePolicyFixes(policyId, s);
  switch (policyId) {
    case 'finetune-method':
      return {
        change: s.data.allowedMethods.length
          ? `set \`method\` of ${name} to one the data allows: ${quoted(s.data.allowedMethods)}`
          : `no fine-tuning method is allowed for all of its sources: fine-tune ${name} on fewer of them`,
        fixes,
      };
    case 'differential-privacy':
      return {
        change: has('privacy', 'differentialPrivacy', 'epsilon')
          ? `lower \`privacy.differentialPrivacy.epsilon\` of ${name} to at most 10`
          : `add \`privacy.differentialPrivacy.epsilon\` (at most 10) to ${name}`,
        fixes,
      };
    case 'confidential-compute':
      return {
        change: `${has('compute', 'confidential') ? 'set' : 'add'} \`compute.confidential: true\` ${has('compute', 'confidential') ? 'on' : 'to'} ${name}`,
        fixes,
      };
    case 'no-payload-logging':
      return { change: `set \`logging.payloads: false\` on ${name}`, fixes };
    case 'approvals': {
      const roles = approvalRoles.length ? ` by one of the roles ${quoted(approvalRoles)}` : '';
      return { change: `add an unexpired approval${roles} under \`approvals\` of ${name}`, fixes };
    }
    case 'redact-before-leaving-domain':
      return {
        change: `insert a stage that redacts or anonymises the data before ${name}, or set its \`domain\` to ${s.data.domains.length === 1 ? `\`${s.data.domains[0]}\`` : `one of ${quoted(s.data.domains)}`}`,
        fixes,
      };
    case 'retention-limit':
      return s.data.maxRetentionDays === undefined
        ? { fixes }
        : { change: `set \`retentionDays\` of ${name} to at most ${s.data.maxRetentionDays}`, fixes };
    case 'no-public-model':
      return { change: `set \`hub.public: false\` on ${name}`, fixes };
    default:
      return { fixes };
  }
}

/**
 * The quick fixes of a built-in stage policy's violation, as text edits on the pipeline
 * manifest. Each only adds text or replaces the one scalar it is about.
 */
export function stagePolicyFixes(policyId: string, s: StageContext): Fix[] {
  const m = s.manifest;
  if (!m.doc || m.text === undefined) return [];
  const stage: YamlPath = ['stages', s.index];
  if (!isMap(m.doc.getIn(stage, true))) return [];
  switch (policyId) {
    case 'finetune-method':
      return switchMethod(m, m.text, stage, s.data.allowedMethods);
    case 'differential-privacy':
      return addPrivacy(m, m.text, stage);
    case 'approvals':
      return addApproval(m, m.text, stage);
    case 'confidential-compute':
      // Preferred, but never safe: it declares how the stage runs, which a person confirms.
      return fix(
        'Set `compute.confidential: true` (the stage must then run on confidential compute)',
        setNested(m, m.text, stage, 'compute', 'confidential', true),
        true,
      );
    case 'no-payload-logging':
      return fix('Set `logging.payloads: false`', setNested(m, m.text, stage, 'logging', 'payloads', false), true);
    case 'retention-limit':
      return s.data.maxRetentionDays === undefined
        ? []
        : fix(
            `Set \`retentionDays: ${s.data.maxRetentionDays}\`, the shortest retention of its sources`,
            replaceScalar(m.doc, [...stage, 'retentionDays'], s.data.maxRetentionDays),
            true,
          );
    case 'no-public-model':
      return fix('Set `hub.public: false`', setNested(m, m.text, stage, 'hub', 'public', false), true);
    default:
      return [];
  }
}
