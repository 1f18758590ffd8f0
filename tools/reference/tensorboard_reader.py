"""Independent reader of TensorBoard event files, for @voxelwise/logger-tensorboard's tests.

Reads every `events.out.tfevents.*` file under the given directories (or the given files), checks
each TFRecord's framing as TensorFlow's reader does (tensorflow/core/lib/io/record_reader.cc,
`RecordReader::ReadChecksummed`: uint64 length, masked CRC-32C of the length bytes, data, masked
CRC-32C of the data; mask from tensorflow/tsl/lib/hash/crc32c.h `Mask`), decodes each record as a
`tensorboard.Event` with Google's Python protobuf runtime (the vendored protos in
tools/reference/tensorboard/ compiled with protoc), and prints JSON: file versions, scalars,
histograms (bucket limits and counts), texts and images (size, PNG header).

Needs Debian's python3-protobuf and protobuf-compiler (python3-crcmod is used when present, else a
table CRC-32C in pure Python). Exit 0 when every record checks out, 1 on a corrupt file, 3 when a
dependency is missing (the message names the apt line).

Usage: /usr/bin/python3 tools/reference/tensorboard_reader.py <logdir-or-file>...
       /usr/bin/python3 tools/reference/tensorboard_reader.py --check   (dependencies only)
"""
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO_ROOT = os.path.join(HERE, "tensorboard")
APT = "apt-get install -y python3-protobuf protobuf-compiler"


def missing(what):
    print(f"tensorboard_reader: {what} is missing; install it with: {APT}", file=sys.stderr)
    sys.exit(3)


try:
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
except ImportError:
    missing("python3-protobuf")


def _table():
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE = _table()


def crc32c_python(data):
    c = 0xFFFFFFFF
    for b in data:
        c = _TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


try:
    import crcmod.predefined

    crc32c = crcmod.predefined.mkCrcFun("crc-32c")
    CRC_IMPL = "crcmod"
except ImportError:
    crc32c = crc32c_python
    CRC_IMPL = "python"


def masked_crc(data):
    crc = crc32c(data)
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def event_class():
    """tensorboard.Event from the vendored .proto files, compiled by protoc into a descriptor set."""
    protoc = shutil.which("protoc")
    if protoc is None:
        missing("protoc (protobuf-compiler)")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "tb.pb")
        subprocess.run(
            [protoc, "-I", PROTO_ROOT, "--include_imports", f"--descriptor_set_out={out}",
             "tensorboard/compat/proto/event.proto"],
            check=True,
        )
        with open(out, "rb") as f:
            fds = descriptor_pb2.FileDescriptorSet.FromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for fd in fds.file:
        pool.Add(fd)
    desc = pool.FindMessageTypeByName("tensorboard.Event")
    if hasattr(message_factory, "GetMessageClass"):
        return message_factory.GetMessageClass(desc)
    return message_factory.MessageFactory(pool).GetPrototype(desc)


def records(path):
    """Yields (offset, data) of every record, checking both CRCs; raises ValueError on corruption."""
    with open(path, "rb") as f:
        buf = f.read()
    pos = 0
    while pos < len(buf):
        if pos + 12 > len(buf):
            raise ValueError(f"{path}: truncated record header at byte {pos}")
        header = buf[pos:pos + 8]
        (length,) = struct.unpack("<Q", header)
        (length_crc,) = struct.unpack("<I", buf[pos + 8:pos + 12])
        if masked_crc(header) != length_crc:
            raise ValueError(f"{path}: length CRC mismatch at byte {pos}")
        end = pos + 12 + length
        if end + 4 > len(buf):
            raise ValueError(f"{path}: truncated record at byte {pos} (length {length})")
        data = buf[pos + 12:end]
        (data_crc,) = struct.unpack("<I", buf[end:end + 4])
        if masked_crc(data) != data_crc:
            raise ValueError(f"{path}: data CRC mismatch in the record at byte {pos}")
        yield pos, data
        pos = end + 4


def png_size(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])


def event_files(args):
    for a in args:
        if os.path.isdir(a):
            for d, _, names in sorted(os.walk(a)):
                for n in sorted(names):
                    if n.startswith("events.out.tfevents."):
                        yield os.path.join(d, n)
        else:
            yield a


def read(paths):
    Event = event_class()
    out = {"crc": CRC_IMPL, "files": [], "file_versions": [], "scalars": {}, "histograms": {}, "texts": {}, "images": {}}
    for path in paths:
        n = 0
        for _, data in records(path):
            n += 1
            ev = Event.FromString(data)
            what = ev.WhichOneof("what")
            if what == "file_version":
                out["file_versions"].append(ev.file_version)
                continue
            if what != "summary":
                continue
            for v in ev.summary.value:
                kind = v.WhichOneof("value")
                step = int(ev.step)
                if kind == "simple_value":
                    out["scalars"].setdefault(v.tag, []).append([step, v.simple_value])
                elif kind == "histo":
                    h = v.histo
                    out["histograms"].setdefault(v.tag, []).append({
                        "step": step, "min": h.min, "max": h.max, "num": h.num, "sum": h.sum,
                        "sum_squares": h.sum_squares, "bucket_limit": list(h.bucket_limit), "bucket": list(h.bucket),
                    })
                elif kind == "image":
                    im = v.image
                    size = png_size(im.encoded_image_string)
                    out["images"].setdefault(v.tag, []).append({
                        "step": step, "width": im.width, "height": im.height, "colorspace": im.colorspace,
                        "bytes": len(im.encoded_image_string), "png": size is not None,
                        "png_width": size[0] if size else None, "png_height": size[1] if size else None,
                    })
                elif kind == "tensor":
                    t = v.tensor
                    out["texts"].setdefault(v.tag, []).append({
                        "step": step, "plugin": v.metadata.plugin_data.plugin_name, "dtype": t.dtype,
                        "rank": len(t.tensor_shape.dim), "text": [s.decode("utf-8") for s in t.string_val],
                    })
        out["files"].append({"path": path, "bytes": os.path.getsize(path), "records": n})
    return out


def finite_json(x):
    if isinstance(x, float) and (x != x or x in (float("inf"), float("-inf"))):
        return "NaN" if x != x else ("Infinity" if x > 0 else "-Infinity")
    if isinstance(x, dict):
        return {k: finite_json(v) for k, v in x.items()}
    if isinstance(x, list):
        return [finite_json(v) for v in x]
    return x


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    if argv == ["--check"]:
        event_class()
        print(f"tensorboard_reader: ready (CRC-32C from {CRC_IMPL})")
        return 0
    for a in argv:
        if not os.path.exists(a):
            print(f"tensorboard_reader: {a} does not exist", file=sys.stderr)
            return 2
    try:
        result = read(list(event_files(argv)))
    except ValueError as e:
        print(f"tensorboard_reader: {e}", file=sys.stderr)
        return 1
    # JSON has no NaN or infinities: write them as strings so that any JSON parser reads the output.
    json.dump(finite_json(result), sys.stdout, allow_nan=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
