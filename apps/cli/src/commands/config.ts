import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from '@voxelwise/core';
import { configSchema, resolveConfig } from '@voxelwise/trainer';
import { stringify as toYaml } from 'yaml';
import type { Command } from '../command.js';
import { usageError } from '../command.js';
import { loadConfigFile } from '../load-config.js';
import { usePlugins } from '../load-plugins.js';
import { applyOverrides } from '../overrides.js';

/** `voxelwise config show | schema`: validates and prints a resolved config, or the config JSON Schema. */
export const configCommand: Command = {
  summary: 'Check a config and print it resolved (config show), or its JSON Schema',
  help: `voxelwise config show --config <file> [train flags] [--json]
voxelwise config schema

show: validates a config the way "voxelwise train" would (keys, stage names, every stage's
options), applies the same flags (--layer, --lookback, --seed, --out, --memory-budget), and
prints the resolved config: defaults filled, the preset's model, every stage's options complete.
Nothing runs. schema: the JSON Schema of config files, for editors ("$schema" key).

Examples:
  voxelwise config show -c lebel-gpt2.yaml --layer 6
  voxelwise config schema > voxelwise.schema.json
`,
  async run(args, env) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        config: { type: 'string', short: 'c' },
        json: { type: 'boolean' },
        layer: { type: 'string' },
        lookback: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        'memory-budget': { type: 'string' },
        plugin: { type: 'string', multiple: true },
      },
      allowPositionals: true,
    });
    const [sub] = positionals;
    if (sub === 'schema') {
      env.out.write(`${JSON.stringify(z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }), null, 2)}\n`);
      return 0;
    }
    if (sub !== 'show') throw usageError(`config needs a subcommand: show or schema${sub ? ` (got "${sub}")` : ''}`);
    if (!values.config) throw usageError('config show needs --config <file>');
    const loaded = await loadConfigFile(values.config);
    if (typeof loaded !== 'object' || loaded === null || Array.isArray(loaded))
      throw usageError(`config ${values.config} must be an object`, 'E_CONFIG_INVALID');
    const { plugins, ...rest } = loaded as Record<string, unknown>;
    const registry = env.registry();
    if (plugins !== undefined && !Array.isArray(plugins))
      throw usageError(`"plugins" in ${values.config} must be an array of module paths or package names`, 'E_CONFIG_INVALID');
    await usePlugins(registry, plugins ?? [], dirname(resolve(values.config)));
    await usePlugins(registry, values.plugin ?? [], process.cwd());
    const raw = applyOverrides(
      rest,
      {
        ...(values.seed !== undefined ? { seed: values.seed } : {}),
        ...(values.out !== undefined ? { out: values.out } : {}),
        ...(values.layer !== undefined ? { layer: values.layer } : {}),
        ...(values.lookback !== undefined ? { lookback: values.lookback } : {}),
        ...(values['memory-budget'] !== undefined ? { memoryBudget: values['memory-budget'] } : {}),
      },
      registry,
    );
    const config = resolveConfig(raw, values.config);
    const full = {
      ...config,
      assembly: { name: config.assembly.name, options: registry.resolveOptions('assembly-source', config.assembly) },
      features: config.features.map((f) => ({ name: f.name, options: registry.resolveOptions('extractor', f) })),
      downsampler: { name: config.downsampler.name, options: registry.resolveOptions('downsampler', config.downsampler) },
      model: { name: config.model.name, options: registry.resolveOptions('model', config.model) },
      loggers: config.loggers.map((l) => ({ name: l.name, options: registry.resolveOptions('logger', l) })),
    };
    env.out.write(values.json ? `${JSON.stringify(full, null, 2)}\n` : toYaml(full));
    return 0;
  },
};
