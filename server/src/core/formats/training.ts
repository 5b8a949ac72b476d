import { axolotl } from './axolotl';
import { llamaFactory } from './llama-factory';
import type { TrainingFormat } from './format';
import type { TrainingConfig } from './model';
import { trl } from './trl';

/**
 * The fine-tuning formats, in the order a file is tried against them: Axolotl's keys are the
 * most specific, TrainingArguments' the most general.
 */
export const TRAINING_FORMATS: readonly TrainingFormat[] = [axolotl, llamaFactory, trl];

export function trainingFormat(format: TrainingConfig['format']): TrainingFormat {
  return TRAINING_FORMATS.find((f) => f.format === format)!;
}
