import type { Method, Setting, TrainedConfig, TrainingConfig } from '../formats/model';
import { trainingFormat } from '../formats/training';

export type { TrainedConfig } from '../formats/model';
import type { Fix, Span, TextEdit } from '../types';
import { replaceScalar, setKey } from '../yaml/edit';
import type { Carried } from '../lineage/carried';

/** Where, in a training config, each part of the stage context a policy looks at comes from. */
export interface Place {
  at: string;
  stage: Record<string, unknown>;
  span: Span;
  detail: string;
  push?: TrainingConfig['hubPushes'][number];
}

export function placesOf(t: TrainingConfig): Place[] {
  const base = { id: 'training run', type: 'fine-tune' };
  // A method left as a placeholder is unknown: no policy can say it is wrong.
  const out: Place[] =
    t.method.value === 'unknown'
      ? []
      : [
          {
            at: 'method',
            stage: { ...base, method: t.method.value },
            span: t.method.span,
            detail: `the config fine-tunes with \`${t.method.value}\`: ${t.method.why}`,
          },
        ];
  if (t.sampleLogging.length > 0) {
    const keys = t.sampleLogging.map((s) => `\`${s.value}\``).join(', ');
    const to = t.trackers.length ? ` to ${[...new Set(t.trackers.map((x) => x.value))].join(', ')}` : '';
    out.push({
      at: 'logging',
      stage: { ...base, logging: { payloads: true } },
      span: t.sampleLogging[0].span,
      detail: `${keys} log${t.sampleLogging.length === 1 ? 's' : ''} model inputs or outputs${to}`,
    });
  }
  for (const p of t.hubPushes) {
    out.push({
      at: 'hub',
      stage: { ...base, hub: { public: p.public } },
      span: p.span,
      detail: `the ${p.what} is pushed to ${p.public ? 'a public' : 'a private'} hub repository (${p.why})`,
      push: p,
    });
  }
  return out;
}

/**
 * Fixes in the config's own terms: the setting its format says trains with a method the data
 * allows, or makes a push private (see each format module), and sample logging off. Never for
 * JSON (its quoting is not YAML's flow style) and never safe: each changes how or where a model
 * is trained, so a person reviews it.
 */
export function configFixes(c: TrainedConfig, text: string, place: Place, data: Carried): Fix[] {
  const at = place.at;
  if (!c.doc || /\.json$/i.test(c.path)) return [];
  const doc = c.doc;
  const format = trainingFormat(c.training.format);
  const fix = (title: string, edit: TextEdit | undefined): Fix[] =>
    edit ? [{ title, edits: [edit], preferred: false, safe: false }] : [];
  const set = (s: Setting, why = '') =>
    fix(`Set \`${s.key}: ${String(s.value)}\`${why}`, setKey(text, doc, [], s.key, s.value));
  if (at === 'method')
    return data.allowedMethods.flatMap((m) => {
      const setting = format.methodSetting(c.training, m as Method);
      return setting ? set(setting, ` (${m}, which the data allows)`) : [];
    });
  if (at === 'hub') {
    const setting = place.push && format.privateSetting(c.training, place.push);
    return setting ? set(setting) : [];
  }
  if (at === 'logging') {
    return c.training.sampleLogging.flatMap((k) =>
      fix(`Turn off \`${k.value}\``, replaceScalar(doc, [k.value], typeof doc.get(k.value) === 'number' ? 0 : false)),
    );
  }
  return [];
}
