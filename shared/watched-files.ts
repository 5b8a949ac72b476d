/**
 * The files whose changes on disk the server must hear of: everything it may analyse (code,
 * manifests, configs, prompt templates, model cards), so the workspace's problems stay current.
 * Used by the client's watcher and by the server's registration; the server checks what the
 * files are, so the pattern may be broader than what is analysed.
 */
export const WATCHED_FILES =
  '**/*.{py,pyw,ts,tsx,mts,cts,js,jsx,mjs,cjs,yaml,yml,json,jsonc,toml,ini,cfg,conf,properties,md,dvc,txt,tmpl,tpl,template,prompt,prompty,jinja,jinja2,j2,mustache,hbs,handlebars,jsonl,ndjson,csv,tsv,parquet,gz,zst}';

/** Text data files the client hands to the server by name, so that hover works on their fields. */
export const DATA_FILE_EXTENSIONS: readonly string[] = ['jsonl', 'ndjson', 'csv', 'tsv'];

/** DVC's `.dvc` files (YAML), which the client hands to the server by name whatever their language. */
export const DVC_FILE_PATTERN = '**/*.dvc';

/**
 * The editor language ids whose documents the client hands to the server: each language
 * adapter's ids (tested against the adapters), the manifests' YAML and JSON, and prompt templates.
 */
export const DOCUMENT_LANGUAGES: readonly string[] = [
  'python',
  'typescript',
  'typescriptreact',
  'javascript',
  'javascriptreact',
  'yaml',
  'json',
  'crownguard-prompt',
];
