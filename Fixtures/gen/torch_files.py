"""PyTorch checkpoint fixtures for the pickle / torch-zip / torch-legacy readers (owner: torch).

`generate(root)` writes under root/torch_files/: files saved by real torch.save (views, tied weights,
every common dtype, a training checkpoint with Adam state, legacy format, protocol 4, big-endian,
parameters and tensor subclasses), hostile files built by hand (never executed), raw pickles for the
VM tests, and one JSON manifest per readable file:
  {"file", "keys": [{"key","dtype","shape","sha256","shared_with"}], "metadata": {dotted: repr}, "metadata_root": bool}
sha256 is over the tensor's contiguous little-endian bytes; shared_with is the first earlier key whose
tensor shares (overlapping) storage. Deterministic: seeded, and legacy pointer keys renumbered.
"""
import collections
import hashlib
import io
import json
import pathlib
import pickle
import pickletools
import struct
import zipfile

import torch
import torch.nn as nn


def _flatten(value, prefix, out_t, out_m):
    def join(k):
        return k if not prefix else prefix + "." + k

    def has_td(v):
        if isinstance(v, (torch.Tensor, dict)):
            return True
        if isinstance(v, (list, tuple, set, frozenset)):
            return any(has_td(x) for x in v)
        return False

    if isinstance(value, torch.Tensor):
        if prefix not in out_t:
            out_t[prefix] = value
    elif isinstance(value, dict):
        for k, v in value.items():
            _flatten(v, join(str(k)), out_t, out_m)
    elif isinstance(value, (list, tuple)) and has_td(value):
        for i, v in enumerate(value):
            _flatten(v, join(str(i)), out_t, out_m)
    else:
        if prefix not in out_m:
            out_m[prefix] = repr(value)


def _le_bytes(t):
    t = t.detach().contiguous().reshape(-1)
    if t.numel() == 0:
        return b""
    return t.view(torch.uint8).numpy().tobytes()


def manifest(obj, name):
    tensors, meta = {}, {}
    _flatten(obj, "", tensors, meta)
    rows, seen = [], []
    for k, t in tensors.items():
        st = t.untyped_storage()
        start = t.storage_offset() * t.element_size()
        if t.numel() == 0:
            end = start
        else:
            end = start + (sum((s - 1) * d for s, d in zip(t.shape, t.stride())) + 1) * t.element_size()
        shared = None
        for k2, ptr2, s2, e2, shape2 in seen:
            if ptr2 == st.data_ptr():
                if (start < e2 and s2 < end) or (start == end and s2 == e2 == start and shape2 == tuple(t.shape)):
                    shared = k2
                    break
        seen.append((k, st.data_ptr(), start, end, tuple(t.shape)))
        row = {"key": k, "dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape),
               "sha256": hashlib.sha256(_le_bytes(t)).hexdigest()}
        row["shared_with"] = shared
        row["stride"] = list(t.stride())
        row["storage_offset"] = t.storage_offset()
        row["requires_grad"] = bool(t.requires_grad)
        rows.append(row)
    return {"file": name, "keys": rows, "metadata": meta}


def _write(folder, name, data, obj=None):
    (folder / name).write_bytes(data)
    if obj is not None:
        (folder / (name + ".json")).write_text(json.dumps(manifest(obj, name), indent=1) + "\n")


def _save(obj, **kw):
    b = io.BytesIO()
    torch.save(obj, b, **kw)
    return b.getvalue()


class TiedNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(5, 3)
        self.bn = nn.BatchNorm1d(3)
        self.lin = nn.Linear(3, 5)
        self.lin.weight = self.emb.weight


def dtype_dict():
    g = torch.Generator().manual_seed(1)
    base = torch.randn(3, 4, generator=g)
    d = collections.OrderedDict()
    d["f32"] = base
    d["f32_t"] = base.t()                      # transposed view, stride (1, 4)
    d["f32_row"] = base[1]                     # view at storage offset 4
    d["f32_cols"] = base[:, 1:3]               # non-contiguous slice
    d["f64"] = torch.randn(2, 2, generator=g, dtype=torch.float64)
    d["f16"] = torch.randn(5, generator=g).half()
    d["bf16"] = torch.randn(2, 3, generator=g).bfloat16()
    d["i64"] = torch.arange(-3, 3, dtype=torch.int64).reshape(2, 3)
    d["i32"] = torch.tensor([1, -2, 2**31 - 1], dtype=torch.int32)
    d["i16"] = torch.tensor([-7, 300], dtype=torch.int16)
    d["i8"] = torch.tensor([-128, 5, 127], dtype=torch.int8)
    d["u8"] = torch.tensor([0, 200, 255], dtype=torch.uint8)
    d["bool"] = torch.tensor([True, False, True])
    d["scalar"] = torch.tensor(3.5)            # 0-dim
    d["empty"] = torch.zeros(0, 4)             # 0 elements, 0-byte record
    d["u16"] = torch.tensor([1, 65535], dtype=torch.uint16)       # _rebuild_tensor_v3 + UntypedStorage
    d["f8"] = torch.tensor([0.5, -2.0], dtype=torch.float8_e4m3fn)
    d["c64"] = torch.tensor([1 + 2j, -3j], dtype=torch.complex64)
    d["f32_alias"] = d["f32"]                  # same tensor twice
    return d


def tied_model():
    torch.manual_seed(0)
    m = TiedNet()
    m.bn.running_mean += 0.5
    return m


def training_checkpoint():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for _ in range(2):
        opt.zero_grad()
        model(torch.randn(5, 3)).pow(2).sum().backward()
        opt.step()
    return {"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 3,
            "note": "ckpt fixture", "loss": 0.25, "ids": (1, 2), "none": None, "big": 2**70}


_ITEM = {"FloatStorage": 4, "DoubleStorage": 8, "HalfStorage": 2, "BFloat16Storage": 2, "LongStorage": 8,
         "IntStorage": 4, "ShortStorage": 2, "ComplexFloatStorage": 8, "ComplexDoubleStorage": 16}


def _legacy_renumber(data):
    """Replaces the pointer-valued storage keys of a legacy file (which change from run to run) by
    same-length numbers in first-use order, re-sorting the key list and the raw storages to match."""
    pos, ends = 0, []
    for _ in range(5):
        for op, arg, p in pickletools.genops(io.BytesIO(data[pos:])):
            if op.name == "STOP":
                pos += p + 1
                break
        ends.append(pos)
    rec = _Recorder(io.BytesIO(data[ends[2]:ends[3]]))
    rec.load()
    keys = pickle.loads(data[ends[3]:ends[4]])
    blocks, at = {}, ends[4]
    for k in keys:
        n = struct.unpack("<q", data[at:at + 8])[0]
        size = 8 + n * _ITEM.get(rec.kinds[k], 1)
        blocks[k] = data[at:at + size]
        at += size
    width = len(keys[0])
    rename = {k: str(10 ** (width - 1) + i) for i, k in enumerate(rec.kinds)}
    head = data[:ends[3]]
    for k, new in rename.items():
        assert len(new) == len(k)
        head = head.replace(_bu(k), _bu(new))
    new_keys = sorted(rename.values())
    back = {v: k for k, v in rename.items()}
    return head + pickle.dumps(new_keys, protocol=2) + b"".join(blocks[back[k]] for k in new_keys)


class _Recorder(pickle.Unpickler):
    """Reads a data.pkl only to learn each storage key's dtype (no torch objects are built)."""

    def __init__(self, f):
        super().__init__(f)
        self.kinds = {}

    def persistent_load(self, pid):
        self.kinds[pid[2]] = pid[1].name
        return None

    def find_class(self, module, name):
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        return _Named(name)


class _Named:
    def __init__(self, name):
        self.name = name

    def __call__(self, *args, **kwargs):
        return None


def big_endian(data):
    src = zipfile.ZipFile(io.BytesIO(data))
    prefix = src.namelist()[0].split("/")[0] + "/"
    rec = _Recorder(io.BytesIO(src.read(prefix + "data.pkl")))
    rec.load()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for info in src.infolist():
            raw = src.read(info.filename)
            if info.filename == prefix + "byteorder":
                raw = b"big"
            elif info.filename.startswith(prefix + "data/"):
                kind = rec.kinds[info.filename.split("/")[-1]]
                size = _ITEM.get(kind, 1)
                raw = b"".join(raw[i:i + size][::-1] for i in range(0, len(raw), size))
            z.writestr(zipfile.ZipInfo(info.filename), raw)
    return out.getvalue()


def _zip(records):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for name, raw in records:
            z.writestr(zipfile.ZipInfo(name), raw)
    return out.getvalue()


def _bu(s):
    b = s.encode()
    return b"X" + struct.pack("<I", len(b)) + b


def _tensor_pickle(size, stride, numel, offset=0):
    """OrderedDict(w=float32 tensor) in the minimal protocol-2 form of FORMATS.md 1.9."""
    def tup(xs):
        return b"(" + b"".join(b"J" + struct.pack("<i", x) if x < 2**31 else b"\x8a\x08" + struct.pack("<q", x) for x in xs) + b"t"
    numel_op = b"J" + struct.pack("<i", numel) if numel < 2**31 else b"\x8a\x08" + struct.pack("<q", numel)
    return (b"\x80\x02ccollections\nOrderedDict\n)R(" + _bu("w") + b"ctorch._utils\n_rebuild_tensor_v2\n("
            + b"(" + _bu("storage") + b"ctorch\nFloatStorage\n" + _bu("0") + _bu("cpu") + numel_op + b"tQ"
            + b"J" + struct.pack("<i", offset) + tup(size) + tup(stride) + b"\x89ccollections\nOrderedDict\n)Rt"
            + b"Ru.")


def hostile(folder):
    six = struct.pack("<6f", *range(6))
    # A pickle whose value calls os.system (REDUCE); ckpt must refuse the global without running anything.
    evil = (b"\x80\x02ccollections\nOrderedDict\n)R(" + _bu("w") + b"cos\nsystem\n" + _bu("echo pwned > /tmp/ckpt-pwned")
            + b"\x85Ru.")
    _write(folder, "evil_os_system.pt", _zip([("archive/data.pkl", evil), ("archive/version", b"3\n")]))
    # The same via protocol 4 STACK_GLOBAL.
    evil4 = (b"\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00\x8c\x05posix\x94\x8c\x06system\x94\x93\x94"
             b"\x8c\x02id\x94\x85\x94R\x94.")
    (folder / "pickles").mkdir(exist_ok=True)
    (folder / "pickles" / "evil_stack_global.pkl").write_bytes(evil4)
    (folder / "pickles" / "evil_os_system.pkl").write_bytes(evil)
    # The storage record is 20 bytes, the pickle says 6 float32 elements (24 bytes).
    _write(folder, "short_storage.pt", _zip([("archive/data.pkl", _tensor_pickle([2, 3], [3, 1], 6)),
                                             ("archive/data/0", six[:20]), ("archive/version", b"3\n")]))
    # A tensor of 2^20 x 2^20 elements over a 6-element storage.
    _write(folder, "huge_shape.pt", _zip([("archive/data.pkl", _tensor_pickle([2**20, 2**20], [2**20, 1], 6)),
                                          ("archive/data/0", six), ("archive/version", b"3\n")]))
    # A persistent id claiming 2^60 elements.
    _write(folder, "huge_numel.pt", _zip([("archive/data.pkl", _tensor_pickle([2, 3], [3, 1], 2**60)),
                                          ("archive/data/0", six), ("archive/version", b"3\n")]))
    # A view past the end of its storage (offset 4 + 6 elements > 6).
    _write(folder, "view_out_of_range.pt", _zip([("archive/data.pkl", _tensor_pickle([2, 3], [3, 1], 6, offset=4)),
                                                 ("archive/data/0", six), ("archive/version", b"3\n")]))
    # The minimal valid file of FORMATS.md 1.9 (hand-built, loads in torch).
    ok = _zip([("archive/data.pkl", _tensor_pickle([2, 3], [3, 1], 6)), ("archive/data/0", six), ("archive/version", b"3\n")])
    _write(folder, "minimal.pt", ok, torch.load(io.BytesIO(ok), weights_only=True))
    # The same without its version record: torch.load refuses it ("Expected hasRecord("version")"); ckpt reads it
    # and says torch would refuse it.
    _write(folder, "no_version.pt", _zip([("archive/data.pkl", _tensor_pickle([2, 3], [3, 1], 6)), ("archive/data/0", six)]))


def raw_pickles(folder):
    p = folder / "pickles"
    p.mkdir(exist_ok=True)
    values = {"ints": [0, 1, 255, 256, 65535, 65536, -1, -2**31, 2**31, 2**63 - 1, -2**63, 2**64, -2**70, 10**30],
              "floats": [0.0, -1.5, 1e-8, float("inf")], "text": ["", "héllo", "x" * 300],
              "nested": {"a": (1, 2), "b": [None, True, False], 3: {"c": ()}}, "tuple1": (7,)}
    for proto in (2, 3, 4, 5):
        v = dict(values)
        if proto >= 3:
            v["bytes"] = b"\x00\xffab"
        if proto >= 4:
            v["set"] = {1, 2}
            v["frozen"] = frozenset({3})
        if proto >= 5:
            v["bytearray"] = bytearray(b"xy")
        (p / f"values_p{proto}.pkl").write_bytes(pickle.dumps(v, protocol=proto))
        # The repr ckpt prints (CheckpointValue.description): frozensets as sets, bytearrays as bytes.
        shown = {k: (set(x) if isinstance(x, frozenset) else bytes(x) if isinstance(x, bytearray) else x) for k, x in v.items()}
        (p / f"values_p{proto}.json").write_text(json.dumps({"repr": repr(shown)}) + "\n")


def generate(root: pathlib.Path):
    folder = root / "torch_files"
    folder.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)

    dt = dtype_dict()
    _write(folder, "dtypes.pt", _save(dt), dt)
    m = tied_model()
    sd = m.state_dict()
    _write(folder, "tied.pt", _save(sd), sd)
    ck = training_checkpoint()
    _write(folder, "training.pt", _save(ck), ck)
    legacy = collections.OrderedDict((k, v) for k, v in dt.items() if k not in ("u16", "f8"))
    legacy.update((f"net.{k}", v) for k, v in sd.items())
    _write(folder, "legacy.pt", _legacy_renumber(_save(legacy, _use_new_zipfile_serialization=False)), legacy)
    _write(folder, "protocol4.pt", _save(sd, pickle_protocol=4), sd)
    # Saved to a path: the archive folder is the file name without its last extension ("named.model/").
    torch.save(sd, folder / "named.model.pt")
    (folder / "named.model.pt.json").write_text(json.dumps(manifest(sd, "named.model.pt"), indent=1) + "\n")
    be_src = collections.OrderedDict((k, v) for k, v in dt.items() if k not in ("u16", "f8", "c64"))
    be = big_endian(_save(be_src))
    _write(folder, "bigendian.pt", be, torch.load(io.BytesIO(be), weights_only=True))
    params = dict(m.named_parameters())
    weird = torch.arange(4.0)
    weird.foo = 7                              # _rebuild_from_type_v2 with state {'foo': 7}
    params["weird"] = weird
    _write(folder, "parameters.pt", _save(params), params)
    # A lazily conjugated complex tensor: _rebuild_tensor_v2 gets a 7th argument {'conj': True}.
    _write(folder, "conj.pt", _save({"c": torch.tensor([1 + 2j, 3 - 1j]).conj()}))
    # TorchScript (has constants.pkl and code/): not a torch.save checkpoint.
    torch.manual_seed(0)
    scripted = io.BytesIO()
    torch.jit.save(torch.jit.script(nn.Linear(2, 2)), scripted)
    _write(folder, "scripted.pt", scripted.getvalue())
    # A whole pickled module (torch.save(model)): its classes are globals ckpt refuses.
    torch.manual_seed(0)
    _write(folder, "whole_module.pt", _save(nn.Sequential(nn.Linear(2, 2))))
    whole = {"w": torch.arange(10.0)}
    _write(folder, "truncated.pt", _save(whole)[:700])
    hostile(folder)
    raw_pickles(folder)


if __name__ == "__main__" and len(__import__("sys").argv) == 1:
    generate(pathlib.Path(__file__).resolve().parent.parent)
