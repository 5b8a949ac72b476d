import { isMap, isScalar, isSeq } from 'yaml';
import type { LoadedManifest } from '../manifests/load';
import { DATE_PLACEHOLDER, TEXT_PLACEHOLDER } from '../manifests/schema';
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
  const title = (method: string) => (written ? `Switch to \`${method}\`, which the data allows` : `Set \`method: ${method}\`, which the data allows`);
  return allowed.flatMap((method) => fix(title(method), setKey(text, doc, stage, 'method', method), allowed.length === 1));
}

/** Adds `privacy.differentialPrivacy.epsilon` at whichever level is missing, or lowers epsilon. */
function addPrivacy(m: LoadedManifest, text: string, stage: YamlPath): Fix[] {
  const doc = m.doc!;
  const privacy = [...stage, 'privacy'];
  const dp = [...privacy, 'differentialPrivacy'];
  const epsilon = [...dp, 'epsilon'];
  const block = { differentialPrivacy: { epsilon: DEFAULT_EPSILON } };
  if (!doc.hasIn(privacy)) return fix(`Add a privacy block (differential privacy, epsilon ${DEFAULT_EPSILON})`, addPair(text, doc, stage, 'privacy', block), true);
  if (!isMap(doc.getIn(privacy, true))) return fix(`Add differential privacy (epsilon ${DEFAULT_EPSILON})`, fillEmpty(text, doc, privacy, block), true);
  if (!doc.hasIn(dp)) return fix(`Add differential privacy (epsilon ${DEFAULT_EPSILON})`, addPair(text, doc, privacy, 'differentialPrivacy', block.differentialPrivacy), true);
  if (!isMap(doc.getIn(dp, true))) return fix(`Add epsilon ${DEFAULT_EPSILON}`, fillEmpty(text, doc, dp, block.differentialPrivacy), true);
  if (!doc.hasIn(epsilon)) return fix(`Add epsilon ${DEFAULT_EPSILON}`, addPair(text, doc, dp, 'epsilon', DEFAULT_EPSILON), true);
  return fix(`Lower epsilon to ${DEFAULT_EPSILON}`, replaceScalar(doc, epsilon, DEFAULT_EPSILON), true);
}

/** An approvals list with one approval to fill in, or one more approval when those there expired. */
function addApproval(m: LoadedManifest, text: string, stage: YamlPath): Fix[] {
  const doc = m.doc!;
  const approvals = [...stage, 'approvals'];
  const title = 'Add an approvals skeleton to fill in (role, by, date, expires)';
  if (!doc.hasIn(approvals)) return fix(title, addPair(text, doc, stage, 'approvals', [APPROVAL]), true);
  if (isSeq(doc.getIn(approvals, true))) return fix('Add an approval to fill in (role, by, date, expires)', appendItem(text, doc, approvals, APPROVAL), true);
  return fix(title, fillEmpty(text, doc, approvals, [APPROVAL]), true);
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
    default:
      return [];
  }
}
