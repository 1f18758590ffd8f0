import { z } from 'zod';
import { voxelwiseError } from './errors.js';
import type { StageKind } from './stage-kinds.js';
import { STAGE_KINDS } from './stage-kinds.js';
import type { AnyStageRef } from './stage-ref.js';
import type { StageContext, StageInstances } from './stages.js';

/**
 * Options accepted by each extractor, keyed by stage name. Plugin packages add their stages by
 * declaration merging, so configs written in TypeScript are checked at compile time:
 *
 * ```ts
 * declare module '@voxelwise/core' {
 *   interface ExtractorOptionsMap { wordrate: WordRateOptions }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ExtractorOptionsMap {}
/** Options of each downsampler stage, keyed by name (augmented by plugins). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DownsamplerOptionsMap {}
/** Options of each model stage, keyed by name (augmented by plugins). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ModelOptionsMap {}
/** Options of each logger stage, keyed by name (augmented by plugins). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface LoggerOptionsMap {}
/** Options of each assembly source, keyed by name (augmented by plugins). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AssemblySourceOptionsMap {}

/** The option maps by stage kind. */
export interface StageOptionsMaps {
  'assembly-source': AssemblySourceOptionsMap;
  extractor: ExtractorOptionsMap;
  downsampler: DownsamplerOptionsMap;
  model: ModelOptionsMap;
  logger: LoggerOptionsMap;
}

/** Names of the registered stages of a kind (known at compile time through declaration merging). */
export type StageName<K extends StageKind> = keyof StageOptionsMaps[K] & string;

/**
 * A reference to a stage in a config: its name and its options. With plugin augmentations in
 * scope, a misspelled name or a wrong option type is a compile error.
 */
export type StageRef<K extends StageKind> = {
  [N in StageName<K>]: { name: N; options?: StageOptionsMaps[K][N] };
}[StageName<K>];

export type { AnyStageRef } from './stage-ref.js';

/** The options schema of a stage: a zod schema whose input is what users write. */
export type OptionsSchema<O = unknown> = z.ZodType<O, unknown>;

/**
 * A stage definition: `{ kind, name, options, create }`.
 * Heavy libraries are loaded inside `create`, never at import time.
 */
export interface Stage<K extends StageKind = StageKind, O = unknown> {
  readonly kind: K;
  /** kebab-case name used in configs. */
  readonly name: string;
  /** One line shown by `voxelwise list`. */
  readonly description: string;
  /** Validates and fills defaults of the options. */
  readonly options: OptionsSchema<O>;
  create(options: O, ctx: StageContext): StageInstances[K] | Promise<StageInstances[K]>;
}

/** Any stage, whatever its options type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStage = Stage<StageKind, any>;

/** A bundle of stages registered together. */
export interface Plugin {
  readonly name: string;
  readonly stages: readonly AnyStage[];
}

/**
 * Declares a stage with its options type inferred from the schema.
 *
 * @example
 * export const rect = defineStage({
 *   kind: 'downsampler', name: 'rect', description: 'Mean of the words in each TR window',
 *   options: z.object({}).strict(),
 *   create: () => ({ id: 'rect', downsample: (input) => rectDownsample(input) }),
 * });
 */
export function defineStage<K extends StageKind, S extends z.ZodType>(stage: {
  kind: K;
  name: string;
  description: string;
  options: S;
  create(options: z.output<S>, ctx: StageContext): StageInstances[K] | Promise<StageInstances[K]>;
}): Stage<K, z.output<S>> {
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(stage.name)) {
    throw voxelwiseError({
      code: 'E_STAGE_UNKNOWN',
      where: 'core:registry',
      message: `stage name "${stage.name}" is not kebab-case`,
      hint: 'Use lower-case words joined by hyphens, e.g. "legacy-average".',
    });
  }
  return stage as unknown as Stage<K, z.output<S>>;
}

/** Declares a plugin: a named bundle of stages. */
export function definePlugin(name: string, stages: readonly AnyStage[]): Plugin {
  return { name, stages };
}

/** Renders zod issues as `option "a.b": message` lines. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      return path ? `option "${path}": ${issue.message}` : issue.message;
    })
    .join('; ');
}

/** A description of a registered stage for listings. */
export interface StageInfo {
  kind: StageKind;
  name: string;
  description: string;
  plugin: string;
  /** JSON Schema of the options. */
  optionsSchema: unknown;
}

/** One registry per run, filled explicitly with `use`. */
export interface Registry {
  /** Adds a plugin or a single stage. A duplicate name within a kind is an error. */
  use(entry: Plugin | AnyStage): Registry;
  has(kind: StageKind, name: string): boolean;
  /** The stage definition; `E_STAGE_UNKNOWN` listing the known names if absent. */
  get(kind: StageKind, name: string): AnyStage;
  names(kind: StageKind): string[];
  list(kind?: StageKind): StageInfo[];
  /** Validates options against the stage's schema (defaults filled). */
  resolveOptions(kind: StageKind, ref: AnyStageRef): unknown;
  /** Validates options and creates the stage instance. */
  create<K extends StageKind>(kind: K, ref: AnyStageRef, ctx: StageContext): Promise<StageInstances[K]>;
}

/**
 * Creates an empty registry.
 *
 * @example
 * const registry = createRegistry().use(basicFeatures()).use(downsamplers()).use(ridge());
 */
export function createRegistry(): Registry {
  const stages = new Map<StageKind, Map<string, { stage: AnyStage; plugin: string }>>();
  for (const kind of STAGE_KINDS) stages.set(kind, new Map());

  const add = (stage: AnyStage, plugin: string): void => {
    const byName = stages.get(stage.kind);
    if (!byName) {
      throw voxelwiseError({
        code: 'E_STAGE_UNKNOWN',
        where: 'core:registry',
        message: `unknown stage kind "${String(stage.kind)}"`,
        expected: STAGE_KINDS,
      });
    }
    const existing = byName.get(stage.name);
    if (existing) {
      throw voxelwiseError({
        code: 'E_STAGE_DUPLICATE',
        where: 'core:registry',
        message: `${stage.kind} "${stage.name}" is registered twice (by ${existing.plugin} and ${plugin})`,
        hint: 'Register each plugin once per registry.',
      });
    }
    byName.set(stage.name, { stage, plugin });
  };

  const registry: Registry = {
    use(entry) {
      if ('stages' in entry) for (const s of entry.stages) add(s, entry.name);
      else add(entry, entry.name);
      return registry;
    },
    has(kind, name) {
      return stages.get(kind)?.has(name) ?? false;
    },
    get(kind, name) {
      const found = stages.get(kind)?.get(name);
      if (!found) {
        const known = registry.names(kind);
        throw voxelwiseError({
          code: 'E_STAGE_UNKNOWN',
          where: 'core:registry',
          message: `unknown ${kind} "${name}"`,
          details: { kind, name, known },
          hint:
            known.length > 0
              ? `Known ${kind} stages: ${known.join(', ')}.`
              : `No ${kind} stages are registered; add a plugin with registry.use().`,
        });
      }
      return found.stage;
    },
    names(kind) {
      return [...(stages.get(kind)?.keys() ?? [])].sort();
    },
    list(kind) {
      const out: StageInfo[] = [];
      for (const k of kind ? [kind] : STAGE_KINDS) {
        for (const [name, { stage, plugin }] of stages.get(k) ?? []) {
          let optionsSchema: unknown;
          try {
            optionsSchema = z.toJSONSchema(stage.options, { unrepresentable: 'any', io: 'input' });
          } catch {
            optionsSchema = {};
          }
          out.push({ kind: k, name, description: stage.description, plugin, optionsSchema });
        }
      }
      return out.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind.localeCompare(b.kind)));
    },
    resolveOptions(kind, ref) {
      const stage = registry.get(kind, ref.name);
      const parsed = stage.options.safeParse(ref.options ?? {});
      if (!parsed.success) {
        throw voxelwiseError({
          code: 'E_OPTIONS_INVALID',
          where: `${kind}:${ref.name}`,
          message: `invalid options for ${kind} "${ref.name}": ${formatIssues(parsed.error.issues)}`,
          details: { kind, name: ref.name, issues: parsed.error.issues },
          hint: `Run "voxelwise list ${kind}" to see the options of each stage.`,
        });
      }
      return parsed.data;
    },
    async create(kind, ref, ctx) {
      const options = registry.resolveOptions(kind, ref);
      const stage = registry.get(kind, ref.name);
      return (await stage.create(options, ctx)) as StageInstances[typeof kind];
    },
  };
  return registry;
}
