#!/usr/bin/env node
// The `voxelwise` command. A published install (no sources shipped) runs the build (dist/bin.js) in
// this process. In a clone of the repository it runs the TypeScript sources, so an edit is never
// hidden behind a stale build: node again with `--conditions=@voxelwise/source --import tsx` on
// src/bin.ts (what `npm start` does), with the same arguments, working directory and terminal, and
// it exits as that process does. VOXELWISE_FROM_DIST=1 runs the build of a clone instead.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dist = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const source = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
const fromSource = existsSync(source) && process.env.VOXELWISE_FROM_DIST !== '1';

if (existsSync(dist) && !fromSource) {
  await import(pathToFileURL(dist).href);
} else if (existsSync(source)) {
  let tsx;
  try {
    tsx = import.meta.resolve('tsx');
  } catch {
    process.stderr.write('voxelwise: no build (dist/bin.js) and tsx is not installed: run "npm ci" (or "npm run build").\n');
    process.exit(1);
  }
  const child = spawn(process.execPath, ['--conditions=@voxelwise/source', '--import', tsx, source, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  // A signal sent to this process alone (kill <pid>) reaches the CLI too. Ctrl-C in a terminal
  // signals both processes; the CLI counts a repeat within a moment as the same interruption.
  const forward = (signal) => () => child.kill(signal);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward(signal));
  child.on('error', (error) => {
    process.stderr.write(`voxelwise: cannot start node: ${error.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      // Die of the same signal, so the shell sees what the CLI saw.
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else process.exit(code ?? 1);
  });
} else {
  process.stderr.write(`voxelwise: ${dist} is missing: build the CLI with "npm run build".\n`);
  process.exit(1);
}
