#!/usr/bin/env node
import { main } from './main.js';

// Output piped into a program that stops reading (voxelwise list | head) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const controller = new AbortController();
let interrupted = false;
let firstAt = 0;
process.on('SIGINT', () => {
  if (interrupted) {
    // One Ctrl-C can arrive twice: from the terminal and forwarded by the launcher
    // (bin/voxelwise.js); only a second press forces the exit.
    if (Date.now() - firstAt < 250) return;
    process.exit(130);
  }
  interrupted = true;
  firstAt = Date.now();
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
