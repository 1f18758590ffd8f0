import protobuf from 'protobufjs';
import { tensorboardSchema } from './schema.js';
import type { HistogramValue } from './histogram.js';
import type { PngInfo } from './png.js';

const root = protobuf.Root.fromJSON(tensorboardSchema);
const EventType = root.lookupType('tensorboard.Event');

/** `DataType.DT_STRING` (tensorboard/compat/proto/types.proto). */
const DT_STRING = 7;
/** `DataClass.DATA_CLASS_TENSOR` (tensorboard/compat/proto/summary.proto). */
const DATA_CLASS_TENSOR = 2;

/** The version string every event file starts with (tensorboard/compat/proto/event.proto). */
export const FILE_VERSION = 'brain.Event:2';

function encode(event: Record<string, unknown>): Uint8Array {
  return EventType.encode(EventType.fromObject(event)).finish();
}

function summary(wallTime: number, step: number, value: Record<string, unknown>): Uint8Array {
  return encode({ wall_time: wallTime, step, summary: { value: [value] } });
}

/** The first event of a file: `file_version` "brain.Event:2". */
export function fileVersionEvent(wallTime: number): Uint8Array {
  return encode({ wall_time: wallTime, file_version: FILE_VERSION, source_metadata: { writer: '@voxelwise/logger-tensorboard' } });
}

/** A scalar as `simple_value` (float32), which TensorBoard's scalars dashboard reads. */
export function scalarEvent(wallTime: number, step: number, tag: string, value: number): Uint8Array {
  return summary(wallTime, step, { tag, simple_value: value });
}

/** A histogram as `HistogramProto` (`histo`), which TensorBoard's histograms dashboard reads. */
export function histogramEvent(wallTime: number, step: number, tag: string, h: HistogramValue): Uint8Array {
  return summary(wallTime, step, { tag, histo: h });
}

/** A PNG as `Summary.Image`, which TensorBoard's images dashboard reads. */
export function imageEvent(wallTime: number, step: number, tag: string, png: Uint8Array, info: PngInfo): Uint8Array {
  return summary(wallTime, step, {
    tag,
    image: { height: info.height, width: info.width, colorspace: info.colorspace, encoded_image_string: png },
  });
}

/**
 * Markdown as a text summary: a rank-0 `DT_STRING` tensor with plugin `text` (the layout of
 * tensorboard/plugins/text/summary_v2.py, `text_pb`; its `TextPluginData` at version 0 encodes as
 * no bytes).
 */
export function textEvent(wallTime: number, step: number, tag: string, markdown: string): Uint8Array {
  return summary(wallTime, step, {
    tag,
    metadata: { plugin_data: { plugin_name: 'text', content: new Uint8Array(0) }, data_class: DATA_CLASS_TENSOR },
    tensor: { dtype: DT_STRING, tensor_shape: {}, string_val: [new TextEncoder().encode(markdown)] },
  });
}
