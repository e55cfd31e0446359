"""A state_dict moved between nabla and PyTorch, both ways, for the small CNN that
tests/interop/state_dict_interop.cpp builds with nabla:

    Conv2d(1, 4, 3, padding=1), BatchNorm2d(4), ReLU, MaxPool2d(2),
    Conv2d(4, 8, 3, padding=1, groups=2), BatchNorm2d(8), ReLU, MaxPool2d(2),
    Flatten, Linear(32, 16), BatchNorm1d(16), LayerNorm(16), ReLU, Dropout(0.3),
    Linear(16, 10)

on [N, 1, 8, 8] images. Each side trains it three SGD steps in training mode (so that
BatchNorm's running statistics and num_batches_tracked move), then saves its state_dict
and an "io" file: an input and the model's output on it in evaluation mode.

    record MODEL IO   PyTorch writes its state_dict and io. The files in tests/samples/
                      (torch_cnn.safetensors, torch_cnn_io.safetensors) were made by this
                      command with Debian's python3-torch 1.13.1+dfsg (torch.__version__
                      1.13.0a0).
    check MODEL IO    loads nabla's state_dict into the PyTorch model with
                      load_state_dict(strict=True), and checks its output on nabla's
                      input against nabla's output. Prints "ok: ..." when they agree.

Without torch, `check` exits 77 (CTest's skip code) saying so. Safetensors is read and
written here with json, struct and numpy (PyTorch 1.13 has no safetensors module), as
its specification lays out: an 8-byte little-endian header length, a JSON header, the
data.
"""

import json
import struct
import sys

import numpy as np

DTYPES = {"F32": "<f4", "F64": "<f8", "I64": "<i8", "I32": "<i4", "U8": "u1", "BOOL": "?"}


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n].decode("utf-8"))
    header.pop("__metadata__", None)
    data = raw[8 + n :]
    out = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        values = np.frombuffer(data[begin:end], dtype=DTYPES[entry["dtype"]])
        out[name] = values.reshape(entry["shape"]).copy()
    return out


def write_safetensors(path, tensors):
    names = {np.dtype("<f4"): "F32", np.dtype("<f8"): "F64", np.dtype("<i8"): "I64"}
    header, blobs, offset = {}, [], 0
    for name, array in tensors.items():
        array = np.array(array, order="C")  # (ascontiguousarray makes 0-d 1-d)
        blob = array.tobytes()
        header[name] = {
            "dtype": names[array.dtype],
            "shape": list(array.shape),
            "data_offsets": [offset, offset + len(blob)],
        }
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - (8 + len(text)) % 8) % 8)  # the data starts 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def make_model(torch):
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 8, 3, padding=1, groups=2), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32, 16), nn.BatchNorm1d(16), nn.LayerNorm(16), nn.ReLU(),
        nn.Dropout(0.3), nn.Linear(16, 10))


def record(model_path, io_path):
    import torch

    torch.manual_seed(0)
    model = make_model(torch)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model.train()
    for _ in range(3):
        x = torch.randn(6, 1, 8, 8)
        y = torch.randint(0, 10, (6,))
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        optimizer.step()
    model.eval()
    x = torch.randn(5, 1, 8, 8)
    with torch.no_grad():
        out = model(x)
    write_safetensors(model_path, {k: v.numpy() for k, v in model.state_dict().items()})
    write_safetensors(io_path, {"input": x.numpy(), "output": out.numpy()})
    print(f"recorded {len(model.state_dict())} tensors with torch {torch.__version__}")


def check(model_path, io_path):
    try:
        import torch
    except ImportError:
        print("skipped: python3-torch is not installed (apt-get install python3-torch)")
        sys.exit(77)
    state = {k: torch.from_numpy(v) for k, v in read_safetensors(model_path).items()}
    io = read_safetensors(io_path)
    model = make_model(torch)
    model.load_state_dict(state, strict=True)  # raises naming missing or unexpected keys
    for name, tensor in model.state_dict().items():
        if tensor.dtype != state[name].dtype:
            print(f"FAIL: {name} is {state[name].dtype} in nabla's file, torch has {tensor.dtype}")
            sys.exit(1)
    tracked = int(model[1].num_batches_tracked)
    if tracked != 3:
        print(f"FAIL: num_batches_tracked is {tracked} after nabla's 3 steps")
        sys.exit(1)
    model.eval()
    with torch.no_grad():
        out = model(torch.from_numpy(io["input"])).numpy()
    diff = float(np.max(np.abs(out - io["output"])))
    if not np.allclose(out, io["output"], rtol=1e-4, atol=1e-5):
        print(f"FAIL: torch's output differs from nabla's by up to {diff:g}")
        sys.exit(1)
    print(f"ok: torch {torch.__version__} loaded nabla's {len(state)} tensors with strict=True; "
          f"outputs agree to {diff:.2g}")


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("record", "check"):
        print(__doc__)
        sys.exit(2)
    (record if sys.argv[1] == "record" else check)(sys.argv[2], sys.argv[3])
