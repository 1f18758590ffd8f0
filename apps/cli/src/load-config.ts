import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { voxelwiseError } from '@voxelwise/core';
import { parse as parseYaml } from 'yaml';

/** Reads a config from JSON, YAML or a TypeScript/JavaScript module's default export. */
export async function loadConfigFile(path: string): Promise<unknown> {
  const file = resolve(path);
  const ext = extname(file).toLowerCase();
  let text: string;
  if (ext === '.ts' || ext === '.mts' || ext === '.js' || ext === '.mjs') {
    try {
      const mod = (
        ext === '.ts' || ext === '.mts'
          ? await (await import('tsx/esm/api')).tsImport(pathToFileURL(file).href, import.meta.url)
          : await import(pathToFileURL(file).href)
      ) as { default?: unknown };
      if (mod.default === undefined) {
        throw voxelwiseError({
          code: 'E_CONFIG_INVALID',
          where: 'cli:config',
          message: `config module ${path} has no default export`,
          hint: 'Write "export default defineConfig({...})".',
        });
      }
      return mod.default;
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes(file)) {
        throw voxelwiseError({
          code: 'E_CONFIG_INVALID',
          where: 'cli:config',
          message: `config file ${path} does not exist`,
          details: { file: path },
        });
      }
      throw error;
    }
  }
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw voxelwiseError({
      code: 'E_CONFIG_INVALID',
      where: 'cli:config',
      message: `cannot read config file ${path}`,
      cause: error,
      details: { file: path },
    });
  }
  try {
    if (ext === '.yaml' || ext === '.yml') return parseYaml(text);
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
