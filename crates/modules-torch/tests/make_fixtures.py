"""Writes the test fixtures in tests/fixtures/ and their expected values in expected.json.

Run with PyTorch 2.15: python crates/modules-torch/tests/make_fixtures.py
Everything is seeded, so reruns give the same tensors (zip timestamps may differ).
"""
import io
import json
import os
import zipfile
from collections import OrderedDict

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
os.makedirs(OUT, exist_ok=True)
torch.manual_seed(0)
expected = {}


def describe(sd):
    """Per tensor: dtype, geometry, storage key, the storage bytes and the view's values."""
    out = []
    keys = {}
    for name, t in sd.items():
        if not isinstance(t, torch.Tensor):
            continue
        st = t.untyped_storage()
        ident = st.data_ptr()
        keys.setdefault(ident, len(keys))
        entry = {
            "name": name,
            "dtype": str(t.dtype).removeprefix("torch."),
            "shape": list(t.shape),
            "strides": list(t.stride()),
            "offset": t.storage_offset(),
            "storage_index": keys[ident],
            "storage_hex": bytes(st).hex(),
        }
        if t.dtype in (torch.float32, torch.float64):
            entry["values"] = t.reshape(-1).tolist()
        out.append(entry)
    return out


def save(name, obj, sd=None, **kw):
    path = os.path.join(OUT, name)
    torch.save(obj, path, **kw)
    if sd is not None:
        expected[name] = describe(sd)


def rewrite(src, dst, change=None, compress=zipfile.ZIP_STORED):
    """Copies a torch zip, letting `change(name, data)` replace entries."""
    with zipfile.ZipFile(os.path.join(OUT, src)) as zin, zipfile.ZipFile(
        os.path.join(OUT, dst), "w", compression=compress
    ) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if change:
                data = change(info.filename, data)
            zout.writestr(info.filename, data)


# A Linear layer's state dict (an OrderedDict with `_metadata`), f32.
lin = torch.nn.Linear(4, 3).state_dict()
save("linear.pt", lin, lin)

# Every dtype torch.save can write, with distinct byte patterns.
dtypes = OrderedDict()
base = torch.tensor([0.0, 1.0, -2.0, 3.5, 0.25, 100.0])
for dt in [
    torch.float64, torch.float32, torch.float16, torch.bfloat16, torch.int64, torch.int32,
    torch.int16, torch.int8, torch.uint8, torch.bool, torch.uint16, torch.uint32, torch.uint64,
    torch.float8_e4m3fn, torch.float8_e5m2, torch.float8_e4m3fnuz, torch.float8_e5m2fnuz,
    torch.complex64, torch.complex128,
]:
    src = base.abs() if dt in (torch.uint8, torch.uint16, torch.uint32, torch.uint64) else base
    dtypes[str(dt).removeprefix("torch.")] = src.to(dt)
save("dtypes.pt", dtypes, dtypes)

# Ties: two names for one tensor, and a third name viewing the same storage.
w = torch.randn(2, 3)
tied = OrderedDict([("a", w), ("b", w), ("c", w[1])])
save("tied.pt", tied, tied)

# Views: a transpose, a slice with a storage offset, a strided column.
grid = torch.arange(12, dtype=torch.float32).reshape(3, 4)
views = OrderedDict([("t", grid.t()), ("s", grid[1:]), ("col", grid[:, 1])])
save("views.pt", views, views)

# A parameter, an empty tensor, a 0-dim tensor, and values that are not tensors.
misc = OrderedDict(
    [
        ("p", torch.nn.Parameter(torch.tensor([1.5, -1.5]))),
        ("empty", torch.zeros(0)),
        ("scalar", torch.tensor(7.0, dtype=torch.float64)),
        ("step", 3),
        ("note", "not a tensor"),
    ]
)
save("misc.pt", misc, misc)

# Training checkpoints that nest the state dict.
save("wrapped.pt", {"epoch": 3, "state_dict": lin, "optimizer": {"lr": 0.1}}, lin)
save("wrapped_model.pt", {"model": lin, "step": 10}, lin)
save("ambiguous.pt", {"model": lin, "state_dict": dtypes})
save("empty_dict.pt", {})
save("no_tensors.pt", {"epoch": 3, "lr": 0.5})

# Other pickle protocols: 4 (FRAME, STACK_GLOBAL, MEMOIZE) and 1 (no PROTO opcode). Protocol 0
# writes text persistent ids that torch.load itself cannot read back: a refusal test.
save("proto4.pt", lin, lin, pickle_protocol=4)
save("proto1.pt", lin, lin, pickle_protocol=1)
save("proto0.pt", lin, pickle_protocol=0)

# The legacy non-zip format.
save("legacy.pt", lin, _use_new_zipfile_serialization=False)

# A big-endian byteorder entry and a compressed archive, from the Linear file.
rewrite("linear.pt", "bigendian.pt", lambda n, d: b"big" if n.endswith("/byteorder") else d)
rewrite("linear.pt", "compressed.pt", compress=zipfile.ZIP_DEFLATED)

# A pickle that names a storage the archive lacks, and a tensor past its storage's end.
rewrite("linear.pt", "missing_storage.pt", lambda n, d: d.replace(b"X\x01\x00\x00\x000", b"X\x01\x00\x00\x009"))
rewrite("views.pt", "short_storage.pt", lambda n, d: d.replace(b"K\x02K\x04\x86", b"K\x03K\x04\x86"))

# A pickle cut in half inside an intact container.
rewrite("linear.pt", "truncated_pickle.pt", lambda n, d: d[: len(d) // 2] if n.endswith("data.pkl") else d)

# Malicious pickles in a valid torch container: if they ran, they would create MARKER.
MARKER = "/tmp/torchbin_fixture_pwned"
evil = {
    "evil_os_system.pt": b"\x80\x02cos\nsystem\nq\x00X%s\x00\x00\x00touch %s\x85R." % (
        bytes([6 + len(MARKER)]), MARKER.encode()),
    "evil_posix_system.pt": b"cposix\nsystem\n(S'touch %s'\ntR." % MARKER.encode(),
    "evil_eval.pt": b"\x80\x04\x8c\x08builtins\x8c\x04eval\x93\x8c%sopen('%s','w')\x85R." % (
        bytes([len(f"open('{MARKER}','w')")]), MARKER.encode()),
    # The dangerous global hides inside an otherwise well-formed state dict.
    "evil_nested.pt": b"\x80\x02}(X\x01\x00\x00\x00xcsubprocess\ncall\nX\x04\x00\x00\x00true\x85Ru.",
}
for name, pkl in evil.items():
    rewrite("linear.pt", name, lambda n, d, pkl=pkl: pkl if n.endswith("data.pkl") else d)

# Crashes found by review or fuzzing, pinned end to end (tests/robust.rs reads every
# regression_*.pt and expects an error, not a panic).
regressions = {
    # TUPLE2 took values from below a MARK; the next TUPLE then split the stack past its end.
    "regression_tuple_below_mark.pt": b"\x80\x02NN(\x86t.",
}
for name, pkl in regressions.items():
    rewrite("linear.pt", name, lambda n, d, pkl=pkl: pkl if n.endswith("data.pkl") else d)

# A TorchScript archive is a zip too, but not a state dict.
torch.jit.save(torch.jit.script(torch.nn.Linear(2, 2)), os.path.join(OUT, "torchscript.pt"))

with open(os.path.join(OUT, "expected.json"), "w") as f:
    json.dump({"marker": MARKER, "files": expected}, f, indent=1)

total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
print(f"wrote {len(os.listdir(OUT))} files, {total} bytes")
