import type { Connection } from 'vscode-languageserver';
import { DEFAULT_SETTINGS, type Settings } from '../../core';
import { readSettings, SETTING_KEYS, type FolderSettings, type ServerSettings } from '../../../../shared/settings';

/** The keys of the settings the server applies (the editor applies the others). */
const SERVER_KEYS = (Object.keys(SETTING_KEYS) as (keyof typeof SETTING_KEYS)[]).filter(
  (k): k is keyof ServerSettings => SETTING_KEYS[k] === 'server',
);

/** The settings the server reads, from a client's `crownguard` section. */
function serverSettings(c: Partial<Record<string, unknown>> | null): ServerSettings {
  const { enable, governanceManifest } = readSettings((key) => c?.[key]);
  return { enable, governanceManifest };
}

/** The `crownguard` settings per resource, asked of the client once per resource until they change. */
export class SettingsState {
  configurationSupported = false;
  private readonly cache = new Map<string, Promise<Settings>>();
  /** Each folder's settings as the client sent them at start-up; dropped once settings change. */
  private folders: FolderSettings[] = [];

  constructor(private readonly connection: Connection) {}

  /** The folders' settings the client sent with initialize (longest folder first, so the innermost wins). */
  set initial(folders: FolderSettings[]) {
    this.folders = [...folders].sort((a, b) => b.folder.length - a.folder.length);
  }

  of(uri: string): Promise<Settings> {
    if (!this.configurationSupported) return Promise.resolve(DEFAULT_SETTINGS);
    let s = this.cache.get(uri);
    if (!s) {
      const known = this.folders.find((f) => uri === f.folder || uri.startsWith(f.folder.replace(/\/?$/, '/')));
      s = known
        ? Promise.resolve<Settings>(known.settings)
        : this.connection.workspace
            .getConfiguration({ scopeUri: uri, section: 'crownguard' })
            .then(serverSettings)
            .catch(() => DEFAULT_SETTINGS);
      this.cache.set(uri, s);
    }
    return s;
  }

  /**
   * Whether the client's settings now differ from the ones held, asked again (in one request)
   * for every resource whose settings were read and every folder the client sent. A client
   * announces settings also when none changed: VS Code's sends the notification as it starts,
   * once for the client's own configuration section and once for the server's registration,
   * and the files analysed with the start-up settings need not be analysed again. True when
   * the settings cannot be read.
   */
  async changed(): Promise<boolean> {
    if (!this.configurationSupported) return true;
    const held = new Map<string, Promise<Settings>>(this.cache);
    for (const f of this.folders) if (!held.has(f.folder)) held.set(f.folder, Promise.resolve(f.settings));
    if (held.size === 0) return false;
    const scopes = [...held.keys()];
    try {
      const now: unknown = await this.connection.workspace.getConfiguration(
        scopes.map((scopeUri) => ({ scopeUri, section: 'crownguard' })),
      );
      if (!Array.isArray(now) || now.length !== scopes.length) return true;
      for (const [i, scope] of scopes.entries()) {
        const was = await held.get(scope)!;
        const is = serverSettings(now[i] as Partial<Record<string, unknown>> | null);
        if (SERVER_KEYS.some((k) => was[k] !== is[k])) return true;
      }
      return false;
    } catch {
      return true;
    }
  }

  /** Settings changed: every resource's are asked of the client again, the start-up values included. */
  clear(): void {
    this.cache.clear();
    this.folders = [];
  }
}
