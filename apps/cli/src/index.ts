export { main } from './main.js';
export type { CliIO } from './main.js';
export { loadConfigFile } from './load-config.js';
export { commands } from './commands/index.js';
export { usageError } from './command.js';
export type { Command, CommandEnv, TextOut } from './command.js';
