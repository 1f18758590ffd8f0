/**
 * The few protocol-buffer encodings a one-node ONNX graph needs (varint, string, float32 and
 * embedded-message fields; Protocol Buffers encoding guide, "Message Structure"). Writing them
 * by hand spares the fast backend a protobuf library: the graphs are fixed and tiny.
 */

/** Wire types used here. */
const VARINT = 0;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

const utf8 = new TextEncoder();

/** A message under construction: its fields, in the order written. */
export class ProtoMessage {
  private readonly parts: number[] = [];

  private varint(value: number): void {
    let v = value;
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`protobuf varint out of range: ${value}`);
    while (v > 0x7f) {
      this.parts.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.parts.push(v);
  }

  private tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  /** An int32/int64/enum field (non-negative values only). */
  int(field: number, value: number): this {
    this.tag(field, VARINT);
    this.varint(value);
    return this;
  }

  /** A float32 field. */
  float(field: number, value: number): this {
    this.tag(field, FIXED32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.parts.push(...b);
    return this;
  }

  /** A UTF-8 string field (written even when empty). */
  string(field: number, value: string): this {
    return this.bytes(field, utf8.encode(value));
  }

  /** An embedded message field. */
  message(field: number, value: ProtoMessage): this {
    return this.bytes(field, value.finish());
  }

  private bytes(field: number, value: Uint8Array): this {
    this.tag(field, LENGTH_DELIMITED);
    this.varint(value.length);
    for (const byte of value) this.parts.push(byte);
    return this;
  }

  /** The encoded message. */
  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}
