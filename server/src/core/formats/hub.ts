/**
 * Hugging Face Hub ids, in the one place that decides what names a hub repository. The forms
 * that name the same dataset or model: `org/name`, `hf://org/name` (what lineage prints),
 * `hf://datasets/org/name`, `hf://models/org/name` and `https://huggingface.co/datasets/org/name`
 * (with anything after the name, such as `/tree/main` or `/resolve/main/train.jsonl`).
 */

/** `org/name` with no file extension: a hub id rather than a local folder. */
const BARE = /^[A-Za-z0-9][\w.-]{0,95}\/[\w.-]{1,96}$/;
const URL_FORM =
  /^(?:https?:\/\/(?:www\.)?huggingface\.co\/|hf:\/\/)(?:(?:datasets|models|spaces)\/)?([^/\s]+)\/([^/\s?#]+)/i;
/** An org-less repository name (`zephyr-7b-sft-full`), as a push target names one. */
const NAME = /^[A-Za-z0-9][\w.-]{0,95}$/;

/**
 * Values that stand for something filled in later: `<your-hf-dataset-id>`, `${ADAPTER}`,
 * `$ADAPTER`, `{{ env.X }}`, `%(name)s`. They are unknown values, never paths, ids or methods.
 */
const PLACEHOLDER = /<[^<>]{1,200}>|\$\{[^}]{0,200}\}|\$[A-Z_][A-Z0-9_]*|\{\{[^}]{0,200}\}\}|%\([\w.]+\)s/;

export function isPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value);
}

/**
 * The canonical `org/name` of a hub repository written in any of the forms above, or undefined
 * when the value is not one. A bare `org/name` counts only when it does not look like a file
 * (`data/train.jsonl`) or a relative path (`./data`), since local folders are written that way too.
 */
export function hubRepo(value: string): string | undefined {
  const v = value.trim();
  if (isPlaceholder(v)) return undefined;
  const url = URL_FORM.exec(v);
  if (url) return `${url[1]}/${url[2]}`;
  if (BARE.test(v) && !/\.(jsonl?|csv|tsv|parquet|arrow|txt|ya?ml|py|zip|gz|bin|safetensors|pt)$/i.test(v)) return v;
  return undefined;
}

/**
 * A push target as the hub will name it: an org-less name is created under the pushing
 * account, which the governance manifest's `hub.namespace` (or the format's own organisation
 * key) names; without either it stays as written.
 */
export function pushTarget(value: string, namespace?: string): string {
  const v = value.trim();
  const repo = hubRepo(v);
  if (repo) return repo;
  return namespace && NAME.test(v) ? `${namespace}/${v}` : v;
}
