import { parseArgs } from 'node:util';
import { STAGE_KINDS } from '@voxelwise/core';
import type { StageKind } from '@voxelwise/core';
import type { Command } from '../command.js';
import { usageError } from '../command.js';

function describeOptions(schema: unknown): string[] {
  const s = schema as { properties?: Record<string, { type?: unknown; default?: unknown; enum?: unknown[] }>; required?: string[] };
  if (!s.properties) return [];
  return Object.entries(s.properties).map(([key, p]) => {
    const type = p.enum ? p.enum.map((v) => JSON.stringify(v)).join(' | ') : String(p.type ?? 'any');
    const def = p.default !== undefined ? ` (default ${JSON.stringify(p.default)})` : s.required?.includes(key) ? ' (required)' : '';
    return `      ${key}: ${type}${def}`;
  });
}

export const listCommand: Command = {
  summary: 'Registered stages and their options',
  help: `voxelwise list [kind] [--json]

Lists registered stages with their options. kind is one of: ${STAGE_KINDS.join(', ')}.

Examples:
  voxelwise list
  voxelwise list downsampler --json
`,
  async run(args, env) {
    const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: true });
    const kind = positionals[0] as StageKind | undefined;
    if (kind !== undefined && !STAGE_KINDS.includes(kind))
      throw usageError(`unknown stage kind "${kind}"; known kinds: ${STAGE_KINDS.join(', ')}`);
    const stages = env.registry().list(kind);
    if (values.json) {
      env.out.write(`${JSON.stringify(stages, null, 2)}\n`);
      return 0;
    }
    let last = '';
    for (const s of stages) {
      if (s.kind !== last) env.out.write(`${last ? '\n' : ''}${s.kind}:\n`);
      last = s.kind;
      env.out.write(`  ${s.name.padEnd(18)} ${s.description}\n`);
      for (const l of describeOptions(s.optionsSchema)) env.out.write(`${l}\n`);
    }
    return 0;
  },
};
