import type { Registry } from '@voxelwise/core';

/** A writable text stream (process.stdout or a test capture). */
export interface TextOut {
  write(s: string): unknown;
  isTTY?: boolean;
}

/** What a command receives. */
export interface CommandEnv {
  out: TextOut;
  err: TextOut;
  signal?: AbortSignal;
  /** The registry with every built-in stage, loaded (with every plugin module) on first call. */
  registry(): Promise<Registry>;
}

/** One `voxelwise <name>` command, loaded when it runs or prints its help. */
export interface Command {
  /** `voxelwise <name> --help` text: usage, options, examples. */
  help: string;
  /** Help for `voxelwise <name> <args> --help` when it differs from `help` (one subcommand's). */
  helpFor?(args: readonly string[]): string;
  /** Runs with the arguments after the command name; returns the exit code. */
  run(args: string[], env: CommandEnv): Promise<number>;
}

/** A usage error (exit code 2) in the house error shape. */
export function usageError(message: string, code: 'E_USAGE' | 'E_CONFIG_INVALID' = 'E_USAGE'): Error {
  return Object.assign(new Error(`[cli] ${message}.`), { name: 'VoxelwiseError', code, details: {} });
}
