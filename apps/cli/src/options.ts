import { parseArgs } from 'node:util';
import { usageError } from './command.js';

/** One `--flag` of a command: how it parses and how its help line reads. */
interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** One-letter alias (`-c`). */
  readonly short?: string;
  /** May be given more than once (the values arrive as an array). */
  readonly multiple?: boolean;
  /** Placeholder of the value in the help (`<file>`); string options only. */
  readonly value?: string;
  /** Help text; lines after the first are indented under it. */
  readonly description: string;
}

/**
 * A command's options by flag name. The same table parses the arguments (an option that is not in
 * it is a usage error naming it) and prints the help, so the two cannot disagree.
 */
export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** The parsed values of an {@link OptionTable}: strings, booleans, or arrays of them when `multiple`. */
export type OptionValues<T extends OptionTable> = {
  [K in keyof T]?: T[K] extends { multiple: true }
    ? T[K]['type'] extends 'boolean'
      ? boolean[]
      : string[]
    : T[K]['type'] extends 'boolean'
      ? boolean
      : string;
};

/** What {@link parseOptions} returns. */
export interface Parsed<T extends OptionTable> {
  values: OptionValues<T>;
  positionals: string[];
}

/**
 * `--layer -1` as `--layer=-1`: parseArgs refuses a value that starts with a dash after a string
 * option, but a negative number is never a flag (no option here is a digit), so it is joined.
 */
function negativeValues(table: OptionTable, args: readonly string[]): string[] {
  const byShort = new Map<string, string>(Object.entries(table).flatMap(([name, o]) => (o.short ? [[`-${o.short}`, name]] : [])));
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = args[i + 1];
    const name = a.startsWith('--') ? a.slice(2) : byShort.get(a);
    if (a === '--') {
      out.push(...args.slice(i));
      break;
    }
    if (name !== undefined && Object.hasOwn(table, name) && table[name]!.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${a.startsWith('--') ? a : `--${name}`}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/**
 * Parses `args` against `table` (node:util parseArgs, strict). An unknown option, a value missing
 * or given to a boolean flag, or a positional argument when `positionals` is false, is an
 * `E_USAGE` error that names the option and `command`.
 */
export function parseOptions<T extends OptionTable>(
  command: string,
  table: T,
  args: readonly string[],
  { positionals: allowed = true }: { positionals?: boolean } = {},
): Parsed<T> {
  const options = Object.fromEntries(
    Object.entries(table).map(([name, o]) => [
      name,
      { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) },
    ]),
  );
  try {
    const { values, positionals } = parseArgs({ args: negativeValues(table, args), options, allowPositionals: true, strict: true });
    if (!allowed && positionals.length > 0) throw usageError(`${command} takes no positional arguments (got "${positionals.join(' ')}")`);
    return { values: values as OptionValues<T>, positionals };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const flag = /'([^']+)'/.exec((error as Error).message)?.[1] ?? (error as Error).message;
      const known = Object.keys(table).map((k) => `--${k}`);
      throw usageError(
        `${command} does not take ${flag}${known.length > 0 ? ` (options: ${known.join(', ')})` : ' (it takes no options)'}`,
      );
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw usageError(`${command}: ${(error as Error).message}`);
    throw error;
  }
}

/** The flag column of a help line: `-c, --config <file>`. */
function flagText(name: string, o: OptionSpec): string {
  const value = o.type === 'string' ? ` ${o.value ?? '<value>'}` : '';
  return `${o.short ? `-${o.short}, ` : ''}--${name}${value}`;
}

/** Help lines for an option table, two-column, descriptions aligned (and `-h, --help` last). */
export function formatOptions(table: OptionTable, indent = '  ', withHelp = true): string {
  const rows: Array<[string, string]> = Object.entries(table).map(([name, o]) => [flagText(name, o), o.description]);
  if (withHelp) rows.push(['-h, --help', 'Show this help']);
  const width = Math.max(...rows.map(([f]) => f.length)) + 2;
  return rows
    .map(([flag, text]) => {
      const [first, ...more] = text.split('\n');
      return [`${indent}${flag.padEnd(width)}${first}`, ...more.map((l) => `${indent}${' '.repeat(width)}${l}`)].join('\n');
    })
    .join('\n');
}

/** The parts of a command's help page. */
export interface HelpPage {
  /** Synopsis lines (`voxelwise train --config <file> [options]`). */
  usage: readonly string[];
  /** Paragraphs after the synopsis. */
  description?: string;
  /** The option table (printed under "Options:"). */
  options?: OptionTable;
  /** Free text after the options (config examples, notes). */
  notes?: string;
  examples?: readonly string[];
}

/** Renders a {@link HelpPage}: the text `voxelwise <command> --help` prints. */
export function formatHelp(page: HelpPage): string {
  const parts = [page.usage.join('\n')];
  if (page.description) parts.push(page.description.trimEnd());
  parts.push(`Options:\n${formatOptions(page.options ?? {})}`);
  if (page.notes) parts.push(page.notes.trimEnd());
  if (page.examples && page.examples.length > 0) parts.push(`Examples:\n${page.examples.map((e) => `  ${e}`).join('\n')}`);
  return `${parts.join('\n\n')}\n`;
}
