// Prints the protobuf.js JSON of the vendored TensorBoard protos, the content of
// packages/logger-tensorboard/src/schema.ts (whose test checks that the two agree).
// Usage: node tools/reference/tensorboard/schema-json.mjs
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '../../../packages/logger-tensorboard/package.json'));
const protobuf = require('protobufjs');

/** The JSON of the types only: file-level options (java_package, ...) say nothing about the wire format. */
export function schemaJson(root) {
  const json = root.toJSON({ keepComments: false });
  const strip = (ns) => {
    delete ns.options;
    for (const child of Object.values(ns.nested ?? {})) if (child.nested && !child.fields && !child.values) strip(child);
    return ns;
  };
  return strip(json);
}

/** Parses the vendored event.proto and everything it imports (keeping field names as written). */
export function loadVendored() {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(here, target);
  root.loadSync('tensorboard/compat/proto/event.proto', { keepCase: true });
  return root;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${JSON.stringify(schemaJson(loadVendored()), null, 2)}\n`);
}
