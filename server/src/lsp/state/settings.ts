import type { Connection } from 'vscode-languageserver';
import { DEFAULT_SETTINGS, type Settings } from '../../core';
import { readSettings, type FolderSettings, type ServerSettings } from '../../../../shared/settings';

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
            .then((c: Partial<Record<string, unknown>> | null): ServerSettings => {
              const { enable, governanceManifest } = readSettings((key) => c?.[key]);
              return { enable, governanceManifest };
            })
            .catch(() => DEFAULT_SETTINGS);
      this.cache.set(uri, s);
    }
    return s;
  }

  /** Settings changed: every resource's are asked of the client again, the start-up values included. */
  clear(): void {
    this.cache.clear();
    this.folders = [];
  }
}
