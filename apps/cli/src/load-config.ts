import { readFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isVoxelwiseError, voxelwiseError } from '@voxelwise/core';
import { usageError } from './command.js';
import { moduleDefault } from './module-default.js';

const MODULE_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs']);
const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts']);

/**
 * Imports a module file; TypeScript through tsx when plain Node cannot load it (Node 20 has no
 * type stripping), in the module system of the file's own project (ESM or CommonJS).
 */
export async function importFile(file: string): Promise<unknown> {
  const url = pathToFileURL(file).href;
  try {
    return await import(url);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_UNKNOWN_FILE_EXTENSION' && TS_EXTENSIONS.has(extname(file).toLowerCase())) {
      const { tsImport } = await import('tsx/esm/api');
      return tsImport(url, import.meta.url);
    }
    throw error;
  }
}

/** The first lines of a message (a transpiler's error can carry the whole source excerpt). */
function firstLines(message: string, n = 3): string {
  const lines = String(message).trim().split('\n');
  return lines.length > n ? `${lines.slice(0, n).join('\n')} …` : lines.join('\n');
}

/**
 * The coded error for a config or plugin module that failed to load: `E_CONFIG_INVALID` naming
 * the module and its file, with the thrown message; the original error is kept as `cause` (its
 * stack prints with `--debug` or `VOXELWISE_DEBUG=1`).
 */
export function moduleLoadError(where: string, what: string, file: string, error: unknown): Error {
  return voxelwiseError({
    code: 'E_CONFIG_INVALID',
    where,
    message: `${what} failed to load${what.includes(file) ? '' : ` (${file})`}: ${firstLines(error instanceof Error ? error.message : String(error))}`,
    cause: error,
    details: { file },
    hint: 'It is code that runs when loaded: fix it, or run with --debug (VOXELWISE_DEBUG=1) to see the stack trace.',
  });
}

/** Reads a config from JSON, YAML or a TypeScript/JavaScript module's default export. */
export async function loadConfigFile(path: string): Promise<unknown> {
  const file = resolve(path);
  const ext = extname(file).toLowerCase();
  let text: string;
  if (MODULE_EXTENSIONS.has(ext)) {
    try {
      const value = moduleDefault(await importFile(file));
      if (value === undefined) {
        throw voxelwiseError({
          code: 'E_CONFIG_INVALID',
          where: 'cli:config',
          message: `config module ${path} has no default export`,
          hint: 'Write "export default defineConfig({...})".',
        });
      }
      return value;
    } catch (error) {
      if (isVoxelwiseError(error)) throw error;
      const code = (error as { code?: unknown }).code;
      if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String((error as Error).message).includes(file)) {
        throw voxelwiseError({
          code: 'E_CONFIG_INVALID',
          where: 'cli:config',
          message: `config file ${path} does not exist`,
          details: { file: path },
        });
      }
      // A config module is code: whatever it throws while loading (a syntax error, an exception,
      // a folder where a file should be) is a config error naming the file, not a stack trace.
      throw moduleLoadError('cli:config', `config module ${path}`, file, error);
    }
  }
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw voxelwiseError({
      code: 'E_CONFIG_INVALID',
      where: 'cli:config',
      message: `cannot read config file ${path}: ${firstLines((error as Error).message)}`,
      cause: error,
      details: { file: path },
    });
  }
  try {
    if (ext === '.yaml' || ext === '.yml') return (await import('yaml')).parse(text);
    return JSON.parse(text);
  } catch (error) {
    throw voxelwiseError({
      code: 'E_CONFIG_INVALID',
      where: 'cli:config',
      message: `config file ${path} is not valid ${ext === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
      cause: error,
    });
  }
}

/** A loaded config split into its `plugins` list (the CLI's) and the rest (the trainer's). */
export interface ConfigParts {
  /** Module paths or package names from the config's `"plugins"`. */
  plugins: readonly unknown[];
  /** The config without `plugins`. */
  rest: Record<string, unknown>;
  /** The config file's folder: relative plugin paths start here, package names are looked up here first. */
  baseDir: string;
}

/** Checks a loaded config is an object and takes its `"plugins"` list out. */
export function configPlugins(loaded: unknown, path: string): ConfigParts {
  if (typeof loaded !== 'object' || loaded === null || Array.isArray(loaded))
    throw usageError(`config ${path} must be an object`, 'E_CONFIG_INVALID');
  const { plugins, ...rest } = loaded as Record<string, unknown>;
  if (plugins !== undefined && !Array.isArray(plugins))
    throw usageError(`"plugins" in ${path} must be an array of module paths or package names`, 'E_CONFIG_INVALID');
  return { plugins: plugins ?? [], rest, baseDir: dirname(resolve(path)) };
}
