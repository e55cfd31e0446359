"""Reads the safetensors file of tests/samples/write_safetensors_sample.cpp with nothing but
json, struct and numpy.frombuffer, as any other ecosystem could, and checks the layout the
specification asks for (https://github.com/huggingface/safetensors) and every value, bit for
bit. Prints "ok: ..." and exits 0 only when everything matches.

Usage: /usr/bin/python3 tests/read_safetensors.py FILE
"""

import json
import struct
import sys

import numpy as np

# name: (numpy dtype, safetensors dtype, shape, values), in the order nabla wrote them.
EXPECTED = {
    "weight": ("<f4", "F32", [2, 3], [0.5, -1.25, 3.0, 0.0009765625, -0.0, 65504.0]),
    "bias": ("<f8", "F64", [3], [1.0 / 3.0, -2.5, 1e300]),
    "step": ("<f8", "F64", [], [42.0]),
    "empty": ("<f4", "F32", [0, 2], []),
    "cube": ("<f4", "F32", [2, 2, 2], [-1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5]),
    "labels": ("<i8", "I64", [3], [4294967298, 4294967296, 4294967295]),
    "counts": ("<i4", "I32", [1, 2], [-2147483648, 7]),
    "pixels": ("u1", "U8", [3], [0, 128, 255]),
    "mask": ("?", "BOOL", [4], [True, False, True, True]),
}
METADATA = {"nabla.kind": "sample", "note": 'caf\u00e9 "quoted"'}


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def main(path):
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        fail(f"{len(raw)} bytes, fewer than the 8 of the header length")
    (n,) = struct.unpack("<Q", raw[:8])
    if 8 + n > len(raw):
        fail(f"header length {n} runs past the end of the {len(raw)}-byte file")
    if (8 + n) % 8 != 0:
        fail(f"the data starts at byte {8 + n}, not a multiple of 8")
    header_bytes = raw[8 : 8 + n]
    if not header_bytes.startswith(b"{") or not header_bytes.rstrip(b" ").endswith(b"}"):
        fail(f"the header is not a JSON object padded with spaces: {header_bytes!r}")
    header = json.loads(header_bytes.decode("utf-8"))
    data = raw[8 + n :]

    metadata = header.pop("__metadata__", None)
    if metadata != METADATA:
        fail(f"__metadata__ is {metadata!r}, expected {METADATA!r}")
    if list(header) != list(EXPECTED):
        fail(f"tensors {list(header)}, expected {list(EXPECTED)} in that order")

    # The data offsets cover the data exactly, in the order written.
    position = 0
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        if begin != position or end < begin:
            fail(f"{name}: data_offsets {[begin, end]} do not start at byte {position}")
        position = end
    if position != len(data):
        fail(f"the tensors end at byte {position} of {len(data)} bytes of data")

    for name, (np_dtype, st_dtype, shape, values) in EXPECTED.items():
        entry = header[name]
        if entry["dtype"] != st_dtype or entry["shape"] != shape:
            fail(f"{name}: dtype {entry['dtype']} shape {entry['shape']}, "
                 f"expected {st_dtype} {shape}")
        begin, end = entry["data_offsets"]
        got = np.frombuffer(data[begin:end], dtype=np_dtype).reshape(shape)
        want = np.array(values, dtype=np_dtype).reshape(shape)
        if got.tobytes() != want.tobytes():
            fail(f"{name}: values {got.ravel().tolist()}, expected {want.ravel().tolist()}")

    print(f"ok: {len(EXPECTED)} tensors and the metadata of {path} read with numpy")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        fail("usage: read_safetensors.py FILE")
    main(sys.argv[1])
