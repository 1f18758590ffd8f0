import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { onnx } from 'onnx-proto';

/**
 * Reads every initializer a model keeps in external data files (`dataLocation` EXTERNAL, the
 * `location`/`offset`/`length` entries of onnx `external_data_helper.py`) into `rawData`, so the
 * rewritten graph can be serialized as one self-contained model. Paths are relative to `file`,
 * the model's own path.
 */
export function inlineExternalData(graph: onnx.IGraphProto, file: string): void {
  for (const t of graph.initializer ?? []) {
    if (t.dataLocation !== 1) continue;
    const entries = new Map((t.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
    const location = entries.get('location');
    if (!location) continue;
    const buf = readFileSync(path.join(path.dirname(file), location));
    const offset = Number(entries.get('offset') ?? 0);
    const length = entries.has('length') ? Number(entries.get('length')) : buf.byteLength - offset;
    t.rawData = buf.subarray(offset, offset + length);
    t.dataLocation = 0;
    t.externalData = [];
  }
}
