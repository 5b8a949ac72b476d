/**
 * A policy is data: a JSON Schema fragment saying when it applies (`when`) and one saying what
 * must hold then (`require`), both evaluated with ajv against a context, never code that is run.
 * For a stage the context is `{ stage, data, today, approvalRoles }`, `data` being what the stage's inputs
 * carry (see propagate.ts); for a model release, `{ release, today }`. `at` is where, within the
 * stage or release, a violation is reported. A fine-tuning config (Axolotl, LLaMA-Factory, TRL) is
 * checked as a `fine-tune` stage whose `method`, `logging.payloads` (sample logging) and `hub`
 * (`{ public }`, one per push) come from the config; policies about anything else it cannot say
 * (privacy, compute, approvals) apply to the pipeline stage that runs it.
 */
export interface PolicyDefinition {
  readonly id: string;
  readonly description: string;
  readonly severity: 'error' | 'warning' | 'note';
  readonly target: 'stage' | 'release';
  readonly when: object;
  readonly require: object;
  readonly at: readonly string[];
}

const crownJewelStage = (types: string[]) => ({
  required: ['stage', 'data'],
  properties: {
    stage: { required: ['type'], properties: { type: { enum: types } } },
    data: { properties: { crownJewel: { const: true } } },
  },
});

/**
 * The built-in pack: the governance practices of fine-tuning on crown-jewel data. A required
 * block also states its type: `required` says nothing about a key written with no value
 * (`privacy:`), which must not pass for a privacy block.
 */
export const BUILTIN_POLICIES: readonly PolicyDefinition[] = [
  {
    id: 'finetune-method',
    description:
      'Crown-jewel data is fine-tuned only with a method its assets allow (parameter-efficient methods unless an asset allows full fine-tuning)',
    severity: 'error',
    target: 'stage',
    when: crownJewelStage(['fine-tune']),
    require: {
      properties: {
        stage: { required: ['method'], properties: { method: { enum: { $data: '/data/allowedMethods' } } } },
      },
    },
    at: ['method'],
  },
  {
    id: 'differential-privacy',
    description: 'Fine-tuning on crown-jewel data uses differential privacy with epsilon at most 10',
    severity: 'error',
    target: 'stage',
    when: crownJewelStage(['fine-tune']),
    require: {
      properties: {
        stage: {
          required: ['privacy'],
          properties: {
            privacy: {
              type: 'object',
              required: ['differentialPrivacy'],
              properties: {
                differentialPrivacy: {
                  type: 'object',
                  required: ['epsilon'],
                  properties: { epsilon: { type: 'number', maximum: 10 } },
                },
              },
            },
          },
        },
      },
    },
    at: ['privacy'],
  },
  {
    id: 'confidential-compute',
    description: 'Stages that process crown-jewel data run on confidential compute',
    severity: 'error',
    target: 'stage',
    when: crownJewelStage(['ingest', 'transform', 'fine-tune', 'evaluate']),
    require: {
      properties: {
        stage: {
          required: ['compute'],
          properties: {
            compute: { type: 'object', required: ['confidential'], properties: { confidential: { const: true } } },
          },
        },
      },
    },
    at: ['compute'],
  },
  {
    id: 'no-payload-logging',
    description: 'Stages that process crown-jewel data do not log request or response payloads',
    severity: 'error',
    target: 'stage',
    when: crownJewelStage(['ingest', 'transform', 'fine-tune', 'evaluate', 'deploy']),
    require: { properties: { stage: { properties: { logging: { properties: { payloads: { const: false } } } } } } },
    at: ['logging', 'payloads'],
  },
  {
    id: 'approvals',
    description:
      'Fine-tuning on crown-jewel data is approved, by a role the governance manifest accepts, and the approval has not expired',
    severity: 'error',
    target: 'stage',
    when: crownJewelStage(['fine-tune', 'deploy']),
    require: {
      properties: {
        stage: {
          required: ['approvals'],
          properties: {
            approvals: {
              type: 'array',
              minItems: 1,
              items: { properties: { expires: { format: 'date', formatMinimum: { $data: '/today' } } } },
            },
          },
        },
      },
      // With `approvals.roles` declared, each approval names one of them.
      if: { required: ['approvalRoles'] },
      then: {
        properties: {
          stage: {
            properties: {
              approvals: { items: { required: ['role'], properties: { role: { enum: { $data: '/approvalRoles' } } } } },
            },
          },
        },
      },
    },
    at: ['approvals'],
  },
  {
    id: 'redact-before-leaving-domain',
    description: 'Crown-jewel data leaves the domain of its asset only after a stage that redacts or anonymises it',
    severity: 'error',
    target: 'stage',
    when: {
      required: ['stage', 'data'],
      properties: { stage: { required: ['domain'] }, data: { properties: { crownJewel: { const: true } } } },
    },
    require: { properties: { data: { properties: { domains: { items: { const: { $data: '/stage/domain' } } } } } } },
    at: ['domain'],
  },
  {
    id: 'retention-limit',
    description: 'A stage keeps data no longer than the shortest retention of the assets it derives from',
    severity: 'error',
    target: 'stage',
    when: {
      required: ['stage', 'data'],
      properties: { stage: { required: ['retentionDays'] }, data: { required: ['maxRetentionDays'] } },
    },
    require: {
      properties: { stage: { properties: { retentionDays: { maximum: { $data: '/data/maxRetentionDays' } } } } },
    },
    at: ['retentionDays'],
  },
  {
    id: 'no-public-model',
    description: 'A model trained on crown-jewel data is not pushed to a public hub repository',
    severity: 'error',
    target: 'stage',
    when: crownJewelStage(['fine-tune', 'register', 'deploy']),
    require: { properties: { stage: { properties: { hub: { properties: { public: { const: false } } } } } } },
    at: ['hub'],
  },
  {
    id: 'no-public-model',
    description: 'A model trained on crown-jewel data is not deployed where the public can reach it',
    severity: 'error',
    target: 'release',
    when: { required: ['release', 'data'], properties: { data: { properties: { crownJewel: { const: true } } } } },
    require: {
      properties: {
        release: {
          properties: { deployments: { items: { properties: { visibility: { not: { const: 'public' } } } } } },
        },
      },
    },
    at: ['deployments'],
  },
  {
    id: 'release-provenance',
    description:
      'A model release records its base model, pipeline, datasets, hyperparameters, evaluation results and approvals',
    severity: 'warning',
    target: 'release',
    when: { required: ['release'] },
    require: {
      properties: {
        release: {
          required: ['baseModel', 'pipeline', 'datasets', 'hyperparameters', 'evaluation', 'approvals'],
          properties: { datasets: { minItems: 1 }, evaluation: { minItems: 1 }, approvals: { minItems: 1 } },
        },
      },
    },
    at: ['name'],
  },
];
