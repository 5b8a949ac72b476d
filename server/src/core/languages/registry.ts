import type { LanguageAdapter } from './adapter';
import { python } from './python';
import { javascript, typescript } from './typescript';

/**
 * Every language the core analyses. A new language is an adapter file and one entry here; the
 * shells, the governance schema and the extension manifest are tested against this list.
 */
export const LANGUAGES: readonly LanguageAdapter[] = [python, typescript, javascript];

/** The adapter for a file, by its extension. */
export function adapterFor(path: string): LanguageAdapter | undefined {
  const lower = path.toLowerCase();
  return LANGUAGES.find((a) => a.extensions.some((e) => lower.endsWith(e)));
}

/** The adapter whose `id` (the governance manifest's name for the language) is `id`. */
export function languageById(id: string): LanguageAdapter | undefined {
  return LANGUAGES.find((a) => a.id === id);
}
