import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { fileVersionEvent, histogramEvent, histogramOf, rEdges, scalarEvent, tensorboardSchema, textEvent } from '../src/index.js';

const SCRIPT = fileURLToPath(new URL('../../../tools/reference/tensorboard/schema-json.mjs', import.meta.url));

describe('the embedded schema', () => {
  it('is the protobuf.js JSON of the vendored .proto files (regenerate with tools/reference/tensorboard/schema-json.mjs)', () => {
    const fromProtos = JSON.parse(execFileSync(process.execPath, [SCRIPT], { encoding: 'utf8' })) as unknown;
    expect(JSON.parse(JSON.stringify(tensorboardSchema))).toEqual(fromProtos);
  });

  it('keeps the upstream field numbers of what voxelwise writes', () => {
    const root = protobuf.Root.fromJSON(tensorboardSchema);
    const ids = (type: string) => Object.fromEntries(root.lookupType(type).fieldsArray.map((f) => [f.name, f.id]));
    expect(ids('tensorboard.Event')).toMatchObject({ wall_time: 1, step: 2, file_version: 3, summary: 5 });
    expect(ids('tensorboard.Summary')).toEqual({ value: 1 });
    expect(ids('tensorboard.Summary.Value')).toMatchObject({ tag: 1, simple_value: 2, image: 4, histo: 5, tensor: 8, metadata: 9 });
    expect(ids('tensorboard.HistogramProto')).toEqual({ min: 1, max: 2, num: 3, sum: 4, sum_squares: 5, bucket_limit: 6, bucket: 7 });
    expect(ids('tensorboard.Summary.Image')).toEqual({ height: 1, width: 2, colorspace: 3, encoded_image_string: 4 });
    expect(ids('tensorboard.SummaryMetadata')).toEqual({ plugin_data: 1, display_name: 2, summary_description: 3, data_class: 4 });
    expect(ids('tensorboard.TensorProto')).toMatchObject({ dtype: 1, tensor_shape: 2, string_val: 8 });
    expect(root.lookupEnum('tensorboard.DataType').values['DT_STRING']).toBe(7);
  });

  it('encodes events that decode back to what was written', () => {
    const Event = protobuf.Root.fromJSON(tensorboardSchema).lookupType('tensorboard.Event');
    const decode = (b: Uint8Array) => Event.toObject(Event.decode(b), { longs: Number, bytes: String });
    expect(decode(fileVersionEvent(12.5))).toMatchObject({ wall_time: 12.5, file_version: 'brain.Event:2' });
    expect(decode(scalarEvent(1, 7, 'layer/median_score', 0.25))).toMatchObject({
      step: 7,
      summary: { value: [{ tag: 'layer/median_score', simple_value: 0.25 }] },
    });
    const h = histogramOf([0.1, 0.3], rEdges(10))!;
    expect(decode(histogramEvent(1, 3, 'r/all', h))).toMatchObject({ step: 3, summary: { value: [{ tag: 'r/all', histo: h }] } });
    const text = decode(textEvent(1, 0, 'config', 'hi')) as unknown as {
      summary: { value: Array<{ tensor: { string_val: string[]; dtype: number } }> };
    };
    expect(text.summary.value[0]!.tensor.dtype).toBe(7);
    expect(Buffer.from(text.summary.value[0]!.tensor.string_val[0]!, 'base64').toString()).toBe('hi');
  });
});
