/**
 * The `crownguard` settings of one resource (package.json's `contributes.configuration`, minus
 * `trace.server`, which the language client reads itself), defined once for the extension and
 * the server. The server reads `enable` and `governanceManifest`; the editor applies the rest
 * to the diagnostics it receives, so the server and the CLI stay unaware of them.
 */
export interface CrownGuardSettings {
  /** When false, no findings are produced for the resource. */
  readonly enable: boolean;
  /** Path of the governance manifest; empty for the nearest `governance.yaml`/`.yml`. */
  readonly governanceManifest: string;
  readonly run: 'onType' | 'onSave';
  readonly rules: Readonly<Record<string, RuleSetting>>;
  readonly include: readonly string[];
  readonly exclude: readonly string[];
}

/** What `crownguard.rules` may say about one rule. */
export type RuleSetting = 'default' | 'off' | 'error' | 'warning' | 'information' | 'hint';
export const RULE_SETTINGS: readonly RuleSetting[] = ['default', 'off', 'error', 'warning', 'information', 'hint'];

/** The settings the server reads. */
export type ServerSettings = Pick<CrownGuardSettings, 'enable' | 'governanceManifest'>;
/** The settings the editor applies. */
export type EditorSettings = Pick<CrownGuardSettings, 'run' | 'rules' | 'include' | 'exclude'>;

/** Each setting's key under `crownguard.`, and which side applies it. */
export const SETTING_KEYS: Readonly<Record<keyof CrownGuardSettings, 'server' | 'editor'>> = {
  enable: 'server',
  governanceManifest: 'server',
  run: 'editor',
  rules: 'editor',
  include: 'editor',
  exclude: 'editor',
};

export const DEFAULT_SETTINGS: CrownGuardSettings = {
  enable: true,
  governanceManifest: '',
  run: 'onType',
  rules: {},
  include: [],
  exclude: [],
};

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string' && s.length > 0) : [];
}

/**
 * The settings from what the editor holds under `crownguard` (`get(key)` for each key): a value
 * of the wrong type is taken as absent, since a settings file is written by hand.
 */
export function readSettings(get: (key: keyof CrownGuardSettings) => unknown): CrownGuardSettings {
  const enable = get('enable');
  const manifest = get('governanceManifest');
  const rules = get('rules');
  return {
    enable: typeof enable === 'boolean' ? enable : DEFAULT_SETTINGS.enable,
    governanceManifest: typeof manifest === 'string' ? manifest : DEFAULT_SETTINGS.governanceManifest,
    run: get('run') === 'onSave' ? 'onSave' : 'onType',
    rules:
      typeof rules === 'object' && rules !== null
        ? (Object.fromEntries(
            Object.entries(rules).filter(([, v]) => RULE_SETTINGS.includes(v as RuleSetting)),
          ) as Record<string, RuleSetting>)
        : {},
    include: strings(get('include')),
    exclude: strings(get('exclude')),
  };
}

/**
 * The server's settings of each workspace folder, as the client reads them when it starts the
 * server and sends them in `initializationOptions.folderSettings`. Both settings are
 * `resource`-scoped, so a file's value is its folder's: the server answers the first files it
 * is asked about with these instead of a `workspace/configuration` round trip, which a busy
 * editor answers slowly while a window opens. Once a setting changes, the server asks.
 */
export interface FolderSettings {
  /** The folder's URI, as the client writes document URIs. */
  readonly folder: string;
  readonly settings: ServerSettings;
}

/** The folder settings in `initializationOptions`, each entry checked: anything malformed is left out. */
export function readFolderSettings(initializationOptions: unknown): FolderSettings[] {
  const list = (initializationOptions as { folderSettings?: unknown } | null | undefined)?.folderSettings;
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry: unknown) => {
    const e = entry as { folder?: unknown; settings?: unknown } | null;
    if (typeof e?.folder !== 'string' || typeof e.settings !== 'object' || e.settings === null) return [];
    const values = e.settings as Record<string, unknown>;
    const { enable, governanceManifest } = readSettings((key) => values[key]);
    return [{ folder: e.folder, settings: { enable, governanceManifest } }];
  });
}
