import {
  DiagnosticSeverity,
  languages,
  RelativePattern,
  workspace,
  type Diagnostic,
  type TextDocument,
  type Uri,
} from 'vscode';
import { readSettings, type EditorSettings, type RuleSetting, type ServerSettings } from '../../shared/settings';

export type { EditorSettings, RuleSetting };

const SEVERITIES: Record<Exclude<RuleSetting, 'default' | 'off'>, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** The editor-side settings of one resource; the server reads `enable` and `governanceManifest` itself. */
export function editorSettings(resource: Uri): EditorSettings {
  const c = workspace.getConfiguration('crownguard', resource);
  return readSettings((key) => c.get(key));
}

/** The settings the server reads, of one resource (a workspace folder when the server starts). */
export function serverSettings(resource: Uri): ServerSettings {
  const c = workspace.getConfiguration('crownguard', resource);
  const { enable, governanceManifest } = readSettings((key) => c.get(key));
  return { enable, governanceManifest };
}

/** A document, or a file that is not open (as the workspace's problems name it). */
export type Resource = TextDocument | { readonly uri: Uri; readonly languageId: string };

/** True when a file matches one of the globs, taken relative to its workspace folder. */
function matchesAny(document: Resource, globs: readonly string[]): boolean {
  const folder = workspace.getWorkspaceFolder(document.uri);
  // The globs are patterns only, so a file that is not open is matched by its URI alone.
  return globs.some(
    (g) => languages.match({ pattern: folder ? new RelativePattern(folder, g) : g }, document as TextDocument) > 0,
  );
}

/** Whether the include/exclude globs let CrownGuard report on a document or file. */
export function inScope(document: Resource, s: EditorSettings = editorSettings(document.uri)): boolean {
  if (s.include.length > 0 && !matchesAny(document, s.include)) return false;
  return !matchesAny(document, s.exclude);
}

/** Applies the per-rule switches and severity overrides to a file's diagnostics. */
export function applyRuleSettings(items: Diagnostic[], s: EditorSettings): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const d of items) {
    const rule = typeof d.code === 'object' ? String(d.code.value) : String(d.code ?? '');
    const setting = s.rules[rule] ?? 'default';
    if (setting === 'off') continue;
    if (setting !== 'default') d.severity = SEVERITIES[setting];
    out.push(d);
  }
  return out;
}
