import { createRequire } from 'node:module';
import type { ErrorCode, Registry } from '@voxelwise/core';
import type { TextOut } from './command.js';
import { commands } from './commands/index.js';

/** Where the CLI writes; replaceable in tests. */
export interface CliIO {
  signal?: AbortSignal;
  stdout?: TextOut;
  stderr?: TextOut;
}

const USAGE_CODES: ReadonlySet<ErrorCode> = new Set([
  'E_USAGE',
  'E_CONFIG_INVALID',
  'E_OPTIONS_INVALID',
  'E_STAGE_UNKNOWN',
  'E_STAGE_DUPLICATE',
]);

function help(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length)) + 2;
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`);
  return `voxelwise — fMRI encoding models of natural language

Usage:
  voxelwise <command> [options]
  voxelwise <command> --help

Commands:
${lines.join('\n')}

Options:
  -h, --help      Show help
  -v, --version   Print the version
  --debug         Print stack traces with errors (also VOXELWISE_DEBUG=1)

Examples:
  voxelwise demo
  voxelwise train --config run.json
  voxelwise list extractor --plugin ./my-plugin.ts

Relative paths (configs, --out, --plugin, ...) are read from the current folder.
Exit codes: 0 success, 1 runtime failure, 2 usage or config error, 130 interrupted.
`;
}

function version(): string {
  const require = createRequire(import.meta.url);
  return (require('../package.json') as { version: string }).version;
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[], io: CliIO = {}): Promise<number> {
  const out = io.stdout ?? process.stdout;
  const err = io.stderr ?? process.stderr;
  // `--debug` (any position, every command) or VOXELWISE_DEBUG=1 adds stack traces to errors.
  const debug = argv.includes('--debug') || process.env['VOXELWISE_DEBUG'] === '1';
  const args = argv.filter((a) => a !== '--debug');
  // `voxelwise help <command> …` is `voxelwise <command> … --help`.
  const [name, ...rest] = args[0] === 'help' && args.length > 1 ? [...args.slice(1), '--help'] : args;
  try {
    if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
      out.write(help());
      return name === undefined ? 2 : 0;
    }
    if (name === '-v' || name === '--version') {
      out.write(`${version()}\n`);
      return 0;
    }
    const entry = Object.hasOwn(commands, name) ? commands[name] : undefined;
    if (!entry) {
      err.write(`error E_USAGE: [cli] unknown command "${name}". Commands: ${Object.keys(commands).join(', ')}.\n`);
      return 2;
    }
    const command = await entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      out.write(command.helpFor?.(rest) ?? command.help);
      return 0;
    }
    let registry: Promise<Registry> | undefined;
    return await command.run(rest, {
      out,
      err,
      ...(io.signal ? { signal: io.signal } : {}),
      // Every built-in plugin module loads here, on a command's first use, never for --help.
      registry: () => (registry ??= import('./registry.js').then((m) => m.createDefaultRegistry())),
    });
  } catch (error) {
    // Core (and zod with it) loads only now, so that --help never loads it.
    const { isVoxelwiseError } = await import('@voxelwise/core');
    const stack = (e: unknown) => (debug && e instanceof Error && e.stack ? `${e.stack}\n` : '');
    if (isVoxelwiseError(error)) {
      err.write(`error ${error.code}: ${error.message}\n`);
      if (debug) err.write(stack(error) + stack((error as Error).cause));
      if (error.code === 'E_ABORTED') return 130;
      return USAGE_CODES.has(error.code) ? 2 : 1;
    }
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      err.write(`error E_USAGE: ${error.message}\n`);
      return 2;
    }
    // A file-system failure no package turned into a coded error still names its file.
    const sys = error as { code?: unknown; syscall?: unknown; path?: unknown; message?: unknown };
    if (typeof sys.code === 'string' && /^E[A-Z]+$/.test(sys.code) && typeof sys.path === 'string') {
      err.write(`error E_IO: [cli] cannot ${String(sys.syscall ?? 'access')} ${sys.path}: ${String(sys.message)}\n${stack(error)}`);
      return 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    err.write(
      `error E_INTERNAL: [cli] ${message}\n${debug ? stack(error) : 'This is unexpected; run again with --debug (or VOXELWISE_DEBUG=1) for the stack trace, and report it.\n'}`,
    );
    return 1;
  }
}
