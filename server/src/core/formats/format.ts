import type { HubPush, Method, Setting, TrainingConfig } from './model';
import type { Reader } from './reader';

/**
 * One fine-tuning format behind one interface: how a file is recognised, how it is read, and
 * the settings its quick fixes write. Policies ask the format; they name none.
 */
export interface TrainingFormat {
  readonly format: TrainingConfig['format'];
  /** Whether a file whose top level has `keys` is this format's config. */
  recognise(keys: ReadonlySet<string>): boolean;
  read(r: Reader, keys: ReadonlySet<string>): TrainingConfig;
  /** The setting that makes the run train with `method`, when one top-level key does it. */
  methodSetting(t: TrainingConfig, method: Method): Setting | undefined;
  /** The setting that makes `push` private, when the config can say so. */
  privateSetting(t: TrainingConfig, push: HubPush): Setting | undefined;
}
