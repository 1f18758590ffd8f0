#!/usr/bin/env node
import { main } from './main.js';

const controller = new AbortController();
let interrupted = false;
process.on('SIGINT', () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  controller.abort();
  process.stderr.write('\ninterrupted, stopping (press Ctrl-C again to force)\n');
});
main(process.argv.slice(2), { signal: controller.signal }).then(
  (code) => {
    process.exitCode = interrupted ? 130 : code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
