import type { AnyStageRef, StageKind } from '@voxelwise/core';
import type { Command } from '../command.js';
import { usageError } from '../command.js';
import { formatHelp, parseOptions } from '../options.js';
import { configOptions, configTools, overrideFlags } from './train.js';

const options = {
  ...configOptions,
  plugins: {
    type: 'boolean',
    description: 'Import the plugin modules the config lists (their code runs) and\ncheck the options of their stages',
  },
  json: { type: 'boolean', description: 'Print JSON instead of YAML' },
} as const;

/** `voxelwise config show | schema`: validates and prints a resolved config, or the config JSON Schema. */
export const configCommand: Command = {
  help: formatHelp({
    usage: ['voxelwise config show --config <file> [train flags] [--plugins] [--json]', 'voxelwise config schema'],
    description: `show: validates a config the way "voxelwise train" would (keys, stage names, every stage's
options), applies the same flags (--layer, --lookback, --seed, --out, --memory-budget), and
prints the resolved config: defaults filled, the preset's model, every stage's options complete.
Nothing runs. A config's "plugins" are not imported unless you pass --plugins (a plugin is code
that runs with your rights); their stages are then printed with the options as written.
schema: the JSON Schema of config files, for editors ("$schema" key).`,
    options,
    examples: [
      'voxelwise config show -c lebel-gpt2.yaml --layer 6',
      'voxelwise config show -c my-run.ts --plugins',
      'voxelwise config schema > voxelwise.schema.json',
    ],
  }),
  async run(args, env) {
    const { values, positionals } = parseOptions('config', options, args);
    const [sub, ...extra] = positionals;
    if (extra.length > 0) throw usageError(`config ${sub} takes no further arguments (got "${extra.join(' ')}")`);
    if (sub === 'schema') {
      const [{ z }, { configSchema }] = await Promise.all([import('@voxelwise/core'), import('@voxelwise/trainer')]);
      env.out.write(`${JSON.stringify(z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }), null, 2)}\n`);
      return 0;
    }
    if (sub !== 'show') throw usageError(`config needs a subcommand: show or schema${sub ? ` (got "${sub}")` : ''}`);
    if (!values.config) throw usageError('config show needs --config <file>');
    const { configPlugins, loadConfigFile, usePlugins, applyOverrides } = await configTools();
    const { plugins, rest, baseDir } = configPlugins(await loadConfigFile(values.config), values.config);
    const registry = await env.registry();
    if (values.plugins) await usePlugins(registry, plugins, baseDir);
    else if (plugins.length > 0)
      env.err.write(
        `note: not importing the ${plugins.length} plugin module(s) ${values.config} lists (pass --plugins to check their stages)\n`,
      );
    await usePlugins(registry, values.plugin ?? [], process.cwd());
    const raw = applyOverrides(rest, overrideFlags(values), registry);
    const { resolveConfig } = await import('@voxelwise/trainer');
    const config = resolveConfig(raw, values.config);
    // A stage of a plugin that was not imported keeps the options as written.
    const unchecked = !values.plugins && plugins.length > 0;
    const resolveStage = (kind: StageKind, ref: AnyStageRef) => ({
      name: ref.name,
      options: unchecked && !registry.has(kind, ref.name) ? (ref.options ?? {}) : registry.resolveOptions(kind, ref),
    });
    const full = {
      ...config,
      assembly: resolveStage('assembly-source', config.assembly),
      features: config.features.map((f) => resolveStage('extractor', f)),
      downsampler: resolveStage('downsampler', config.downsampler),
      model: resolveStage('model', config.model),
      loggers: config.loggers.map((l) => resolveStage('logger', l)),
    };
    env.out.write(values.json ? `${JSON.stringify(full, null, 2)}\n` : (await import('yaml')).stringify(full));
    return 0;
  },
};
