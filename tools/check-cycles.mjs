#!/usr/bin/env node
// Fails when the TypeScript sources of a package import each other in a cycle, type-only imports
// included (a type cycle still couples two files that should be read and tested on their own).
// Only relative imports are followed: packages reach each other through their index, and the
// package graph itself is checked by @nx/enforce-module-boundaries.
//
//   node tools/check-cycles.mjs [folder …]     (default: every packages/*/src and apps/*/src)
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function defaultRoots() {
  const roots = [];
  for (const group of ['packages', 'apps']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const src = join(dir, name, 'src');
      if (existsSync(src)) roots.push(src);
    }
  }
  return roots;
}

function sources(dir, out) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (path.endsWith('.ts') && !path.endsWith('.d.ts')) out.push(resolve(path));
  }
  return out;
}

const IMPORT = /(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\s+from\s+)?['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function target(from, spec) {
  const base = resolve(dirname(from), spec.replace(/\.js$/, '.ts'));
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

const args = process.argv.slice(2);
const files = (args.length > 0 ? args.map((a) => resolve(a)) : defaultRoots()).flatMap((d) => sources(d, []));
const graph = new Map();
for (const file of files) {
  const deps = [];
  for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    const t = target(file, m[1] ?? m[2]);
    if (t) deps.push(t);
  }
  graph.set(file, deps);
}

// Depth-first search; a back edge to a file on the stack closes a cycle.
const cycles = [];
const state = new Map();
const stack = [];
function visit(node) {
  state.set(node, 'open');
  stack.push(node);
  for (const dep of graph.get(node) ?? []) {
    if (state.get(dep) === 'open') cycles.push([...stack.slice(stack.indexOf(dep)), dep]);
    else if (!state.has(dep)) visit(dep);
  }
  stack.pop();
  state.set(node, 'done');
}
for (const file of graph.keys()) if (!state.has(file)) visit(file);

const rel = (p) => relative(root, p);
if (cycles.length > 0) {
  console.error(`import cycles among ${files.length} source files:`);
  for (const c of cycles) console.error(`  ${c.map(rel).join(' -> ')}`);
  console.error('Move the shared declarations into a file both sides import.');
  process.exitCode = 1;
} else {
  console.log(`no import cycles among ${files.length} source files`);
}
