export { main } from './main.js';
export type { CliIO } from './main.js';
export { loadConfigFile } from './load-config.js';
