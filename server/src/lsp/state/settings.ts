import type { Connection } from 'vscode-languageserver';
import { DEFAULT_SETTINGS, type Settings } from '../../core';
import { readSettings, type ServerSettings } from '../../../../shared/settings';

/** The `crownguard` settings per resource, asked of the client once per resource until they change. */
export class SettingsState {
  configurationSupported = false;
  private readonly cache = new Map<string, Promise<Settings>>();

  constructor(private readonly connection: Connection) {}

  of(uri: string): Promise<Settings> {
    if (!this.configurationSupported) return Promise.resolve(DEFAULT_SETTINGS);
    let s = this.cache.get(uri);
    if (!s) {
      s = this.connection.workspace
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

  clear(): void {
    this.cache.clear();
  }
}
