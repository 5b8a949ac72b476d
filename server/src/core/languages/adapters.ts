import type { LanguageAdapter } from './adapter';
import { python } from './python';
import { javascript, typescript } from './typescript';

/** Every language the engine parses; a new language is one adapter added here. */
export const ADAPTERS: readonly LanguageAdapter[] = [python, typescript, javascript];

/** The adapter whose extensions name this path, if any. */
export function adapterFor(path: string): LanguageAdapter | undefined {
  const lower = path.toLowerCase();
  return ADAPTERS.find((a) => a.extensions.some((e) => lower.endsWith(e)));
}
