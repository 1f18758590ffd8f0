import { STAGE_KINDS } from '@voxelwise/core';
import type { StageKind } from '@voxelwise/core';
import type { Command } from '../command.js';
import { usageError } from '../command.js';
import { usePlugins } from '../load-plugins.js';
import { formatHelp, parseOptions } from '../options.js';

function describeOptions(schema: unknown): string[] {
  const s = schema as { properties?: Record<string, { type?: unknown; default?: unknown; enum?: unknown[] }>; required?: string[] };
  if (!s.properties) return [];
  return Object.entries(s.properties).map(([key, p]) => {
    const type = p.enum ? p.enum.map((v) => JSON.stringify(v)).join(' | ') : String(p.type ?? 'any');
    const def = p.default !== undefined ? ` (default ${JSON.stringify(p.default)})` : s.required?.includes(key) ? ' (required)' : '';
    return `      ${key}: ${type}${def}`;
  });
}

const options = {
  plugin: {
    type: 'string',
    multiple: true,
    value: '<module>',
    description: 'Import a plugin module (path, or package name looked up from the\ncurrent folder) and list only its stages; repeatable',
  },
  json: { type: 'boolean', description: 'Print JSON' },
} as const;

export const listCommand: Command = {
  help: formatHelp({
    usage: ['voxelwise list [kind] [--plugin <module>]... [--json]'],
    description: `Lists registered stages with their options (name, type, default). kind is one of: ${STAGE_KINDS.join(', ')}.
With --plugin, imports the plugin (its code runs with your rights) and lists the stages it adds.`,
    options,
    examples: [
      'voxelwise list',
      'voxelwise list downsampler --json',
      'voxelwise list --plugin ./my-plugin.ts',
      'voxelwise list extractor --plugin voxelwise-plugin-glove',
    ],
  }),
  async run(args, env) {
    const { values, positionals } = parseOptions('list', options, args);
    if (positionals.length > 1) throw usageError(`list takes at most one stage kind (got "${positionals.join(' ')}")`);
    const kind = positionals[0] as StageKind | undefined;
    if (kind !== undefined && !STAGE_KINDS.includes(kind))
      throw usageError(`unknown stage kind "${kind}"; known kinds: ${STAGE_KINDS.join(', ')}`);
    const registry = await env.registry();
    const added = (await usePlugins(registry, values.plugin ?? [], process.cwd())).map((p) => p.name);
    const stages = registry.list(kind).filter((s) => added.length === 0 || added.includes(s.plugin));
    if (values.json) {
      env.out.write(`${JSON.stringify(stages, null, 2)}\n`);
      return 0;
    }
    if (stages.length === 0 && added.length > 0) env.out.write(`plugin ${added.join(', ')} adds no ${kind ?? ''} stages\n`);
    let last = '';
    for (const s of stages) {
      if (s.kind !== last) env.out.write(`${last ? '\n' : ''}${s.kind}:\n`);
      last = s.kind;
      env.out.write(`  ${s.name.padEnd(18)} ${s.description}${added.length > 0 ? ` (plugin ${s.plugin})` : ''}\n`);
      for (const l of describeOptions(s.optionsSchema)) env.out.write(`${l}\n`);
    }
    return 0;
  },
};
