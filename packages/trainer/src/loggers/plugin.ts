import { definePlugin, defineStage, z } from '@voxelwise/core';
import { consoleLogger } from './console.js';
import { jsonlLogger } from './jsonl.js';

const consoleOptions = z.object({ verbose: z.boolean().default(false), color: z.boolean().optional() }).strict();
const jsonlOptions = z.object({ path: z.string().min(1) }).strict();

/** Options of the `console` logger. */
export type ConsoleStageOptions = z.input<typeof consoleOptions>;
/** Options of the `jsonl` logger. */
export type JsonlStageOptions = z.input<typeof jsonlOptions>;

declare module '@voxelwise/core' {
  interface LoggerOptionsMap {
    console: ConsoleStageOptions;
    jsonl: JsonlStageOptions;
  }
}

/** Console and JSON-lines loggers. */
export function builtinLoggers() {
  return definePlugin('@voxelwise/trainer/loggers', [
    defineStage({
      kind: 'logger',
      name: 'console',
      description: 'Progress bars on a TTY, plain lines otherwise (NO_COLOR honoured).',
      options: consoleOptions,
      create: (o) => consoleLogger(o.color === undefined ? { verbose: o.verbose } : { verbose: o.verbose, color: o.color }),
    }),
    defineStage({
      kind: 'logger',
      name: 'jsonl',
      description: 'Every event as one JSON line in a file.',
      options: jsonlOptions,
      create: (o) => jsonlLogger(o.path),
    }),
  ]);
}
