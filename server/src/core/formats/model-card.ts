import { isSeq, type Document } from 'yaml';
import { keySpan, valueSpan } from '../yaml/locate';
import type { Located, ModelCard } from './model';

function strings(doc: Document, k: string): Located[] {
  const v = doc.getIn([k]);
  if (typeof v === 'string') return [{ value: v, span: valueSpan(doc, [k]), at: [k] }];
  if (!isSeq(v)) return [];
  return v.items.flatMap((_, i) => {
    const x = doc.getIn([k, i]);
    return typeof x === 'string' ? [{ value: x, span: valueSpan(doc, [k, i]), at: [k, i] }] : [];
  });
}

/** A Hugging Face model card's front matter: the model, the datasets it names, its base model(s). */
export function readModelCard(path: string, doc: Document): ModelCard {
  const indexed = doc.getIn(['model-index', 0, 'name']);
  const folder = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  const fallback = folder.slice(folder.lastIndexOf('/') + 1) || path.replace(/\.md$/i, '');
  const name: Located =
    typeof indexed === 'string'
      ? { value: indexed, span: valueSpan(doc, ['model-index', 0, 'name']), at: ['model-index', 0, 'name'] }
      : { value: fallback, span: keySpan(doc, []), at: [] };
  return { name, datasets: strings(doc, 'datasets'), baseModels: strings(doc, 'base_model') };
}
