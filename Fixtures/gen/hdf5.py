"""HDF5 and Keras fixtures for ckpt: h5py flat/nested files, every dtype, userblock, Keras 2 legacy (built
with h5py as Keras 2 wrote it), Keras 3 `.h5`/`.weights.h5`/`.keras`, and hostile files.

Each `<name>.h5` gets `<name>.json`: {"format", "tensors": [{"key", "dtype", "shape", "sha256"}], ...} with
keys in the order ckpt must list them and sha256 of the contiguous little-endian bytes.
"""
import hashlib
import json
import os
import pathlib
import re
import shutil
import tempfile
import zipfile

os.environ.setdefault("KERAS_BACKEND", "torch")

import h5py
import numpy as np
import torch


def _sha(a: np.ndarray) -> str:
    a = np.ascontiguousarray(a)
    if a.dtype.byteorder == ">":
        a = a.astype(a.dtype.newbyteorder("<"))
    return hashlib.sha256(a.tobytes()).hexdigest()


def _entry(key, dtype, arr):
    return {"key": key, "dtype": dtype, "shape": list(arr.shape), "sha256": _sha(arr)}


_NP_TO_TORCH = {"float32": "float32", "float64": "float64", "float16": "float16", "int64": "int64",
                "int32": "int32", "int16": "int16", "int8": "int8", "uint8": "uint8", "bool": "bool",
                "complex64": "complex64"}


def _torch_dtype(a: np.ndarray) -> str:
    return _NP_TO_TORCH[a.dtype.newbyteorder("=").name if a.dtype.byteorder == ">" else a.dtype.name]


def _manifest(path: pathlib.Path, fmt: str, tensors, **extra):
    doc = {"file": path.name, "format": fmt, "tensors": tensors}
    doc.update(extra)
    path.with_name(path.name + ".json").write_text(json.dumps(doc, indent=1) + "\n")


def _model():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.ReLU(),
                               torch.nn.Linear(4, 2))


def _flat(out: pathlib.Path):
    sd = _model().state_dict()
    for name, track in (("flat_tracked.h5", True), ("flat_untracked.h5", False)):
        with h5py.File(out / name, "w", track_order=track) as f:
            for k, v in sd.items():
                f[k] = v.numpy()
        keys = list(sd.keys()) if track else sorted(sd.keys(), key=lambda s: s.encode())
        _manifest(out / name, "hdf5", [_entry(k, str(sd[k].dtype)[6:], sd[k].numpy()) for k in keys])


def _nested(out: pathlib.Path):
    rng = np.random.default_rng(1)
    arrays = {}
    with h5py.File(out / "nested.h5", "w") as f:
        for path in ["enc/block.0/w", "enc/block.0/b", "enc/proj", "head/weight"] + \
                    [f"layers/{i}/weight" for i in range(12)]:
            a = rng.standard_normal((2, 3)).astype(np.float32)
            f[path] = a
            arrays[path] = a
        f.attrs["note"] = "nested groups"
        f["enc"].attrs["kind"] = "encoder"

    def order(names):
        digits = all(n.isdigit() for n in names)
        return sorted(names, key=int) if digits else sorted(names, key=lambda s: s.encode())

    tree = {}
    for p in arrays:
        node = tree
        for part in p.split("/"):
            node = node.setdefault(part, {})
    keys = []

    def walk(node, prefix):
        for n in order(list(node)):
            path = prefix + [n]
            if node[n]:
                walk(node[n], path)
            else:
                keys.append(path)
    walk(tree, [])
    _manifest(out / "nested.h5", "hdf5",
              [_entry(".".join(p), "float32", arrays["/".join(p)]) for p in keys])


def _bf16_bits(values):
    return torch.tensor(values, dtype=torch.bfloat16).view(torch.int16).numpy().view(np.uint16)


def _dtypes(out: pathlib.Path):
    rng = np.random.default_rng(2)
    bf = _bf16_bits([1.5, -2.0, 299008.0, 9.99e-4, 0.0, -0.0])
    items = [
        ("f16", "float16", rng.standard_normal((2, 3)).astype(np.float16)),
        ("f32", "float32", rng.standard_normal((3,)).astype(np.float32)),
        ("f64", "float64", rng.standard_normal((2, 2)).astype(np.float64)),
        ("i64", "int64", np.arange(-3, 3, dtype=np.int64).reshape(2, 3)),
        ("i32", "int32", np.array([1, -2, 3], dtype=np.int32)),
        ("i16", "int16", np.array([-7, 7], dtype=np.int16)),
        ("i8", "int8", np.array([-128, 127], dtype=np.int8)),
        ("u8", "uint8", np.array([0, 255, 7], dtype=np.uint8)),
        ("mask", "bool", np.array([[True, False], [False, True]])),
        ("be_f32", "float32", np.array([1.0, -2.5, 3.25], dtype=">f4")),
        ("be_i64", "int64", np.array([1, -2], dtype=">i8")),
        ("scalar", "float32", np.array(3.5, dtype=np.float32)),
        ("scalar_i64", "int64", np.array(7, dtype=np.int64)),
        ("empty", "float32", np.zeros((0, 4), dtype=np.float32)),
        ("c64", "complex64", np.array([1 + 2j, -3.5 - 0.5j], dtype=np.complex64)),
    ]
    manifest = []
    with h5py.File(out / "dtypes.h5", "w", track_order=True) as f:
        for k, dt, a in items:
            f[k] = a
            manifest.append(_entry(k, dt, a))
        # bfloat16 (a): the Keras convention, 2-byte opaque + attribute dtype="bfloat16"
        d = f.create_dataset("bf16_keras", data=bf.view("V2"))
        d.attrs["dtype"] = "bfloat16"
        manifest.append({"key": "bf16_keras", "dtype": "bfloat16", "shape": [6], "sha256": _sha(bf)})
        # bfloat16 (b): a custom HDF5 float with the bf16 bit layout
        tid = h5py.h5t.IEEE_F32LE.copy()
        tid.set_fields(15, 7, 8, 0, 7)
        tid.set_size(2)
        tid.set_ebias(127)
        space = h5py.h5s.create_simple((6,))
        plain = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        plain.set_obj_track_times(False)  # no timestamps: the fixture stays byte-identical across runs
        dsid = h5py.h5d.create(f.id, b"bf16_float", tid, space, dcpl=plain)
        dsid.write(h5py.h5s.ALL, h5py.h5s.ALL, bf, mtype=tid)
        manifest.append({"key": "bf16_float", "dtype": "bfloat16", "shape": [6], "sha256": _sha(bf)})
        # bfloat16 (c): uint16 + attribute
        d = f.create_dataset("bf16_u16", data=bf)
        d.attrs["dtype"] = "bfloat16"
        manifest.append({"key": "bf16_u16", "dtype": "bfloat16", "shape": [6], "sha256": _sha(bf)})
        # chunked + gzip
        g = rng.standard_normal((10, 7)).astype(np.float32)
        f.create_dataset("gzip", data=g, chunks=(4, 3), compression="gzip", shuffle=True)
        manifest.append(_entry("gzip", "float32", g))
        # compact layout (data inside the object header)
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        dcpl.set_layout(h5py.h5d.COMPACT)
        dcpl.set_obj_track_times(False)
        c = np.array([9, 8, 7], dtype=np.int32)
        dsid = h5py.h5d.create(f.id, b"compact", h5py.h5t.STD_I32LE, h5py.h5s.create_simple((3,)), dcpl=dcpl)
        dsid.write(h5py.h5s.ALL, h5py.h5s.ALL, c)
        manifest.append(_entry("compact", "int32", c))
        # non-tensor datasets and attributes are metadata
        f["title"] = "a string dataset"
        f.attrs["epoch"] = 3
        f.attrs["framework"] = "torch"
    _manifest(out / "dtypes.h5", "hdf5", manifest,
              metadata={"title": "a string dataset"}, attributes={"epoch": "3", "framework": "torch"})


def _userblock(out: pathlib.Path):
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    b = np.array([1, 2], dtype=np.int64)
    with h5py.File(out / "userblock.h5", "w", userblock_size=512, track_order=True) as f:
        f["a"] = a
        f["b"] = b
    with open(out / "userblock.h5", "r+b") as fh:
        fh.write(b"ckpt userblock test\n")
    _manifest(out / "userblock.h5", "hdf5", [_entry("a", "float32", a), _entry("b", "int64", b)])


def _keras2(out: pathlib.Path):
    """Keras 2 `save_weights('x.h5')`, written with h5py exactly as keras 2.x legacy hdf5_format did."""
    rng = np.random.default_rng(3)
    layers = [
        ("dense", ["dense/kernel:0", "dense/bias:0"], [(3, 4), (4,)]),
        ("batch_normalization", ["batch_normalization/gamma:0", "batch_normalization/beta:0",
                                 "batch_normalization/moving_mean:0", "batch_normalization/moving_variance:0"],
         [(4,)] * 4),
        ("dropout", [], []),
        ("model_1", ["dense_1/kernel:0", "dense_1/bias:0"], [(4, 2), (2,)]),
    ]

    def write(path, chunked, vlen):
        manifest = []
        with h5py.File(path, "w") as f:
            names = [n.encode() for n, _, _ in layers]
            if chunked:
                f.attrs["layer_names0"] = np.array(names[:2]) if not vlen else [n.decode() for n in names[:2]]
                f.attrs["layer_names1"] = np.array(names[2:]) if not vlen else [n.decode() for n in names[2:]]
            else:
                f.attrs["layer_names"] = np.array(names) if not vlen else [n.decode() for n in names]
            f.attrs["backend"] = b"tensorflow"
            f.attrs["keras_version"] = b"2.13.1"
            for lname, wnames, shapes in layers:
                g = f.create_group(lname)
                g.attrs["weight_names"] = (np.array([w.encode() for w in wnames]) if not vlen else wnames) \
                    if wnames else np.array([], dtype="S")
                for w, s in zip(wnames, shapes):
                    a = rng.standard_normal(s).astype(np.float32)
                    g.create_dataset(w, data=a)
                    parts = w.split(":")[0].split("/")
                    rest = parts[parts.index(lname) + 1:] if lname in parts else parts
                    manifest.append(_entry(".".join([lname] + rest), "float32", a))
        return manifest

    _manifest(out / "keras2_legacy.h5", "hdf5", write(out / "keras2_legacy.h5", False, False),
              attributes={"backend": "tensorflow", "keras_version": "2.13.1"})
    _manifest(out / "keras2_chunked.h5", "hdf5", write(out / "keras2_chunked.h5", True, True),
              attributes={"backend": "tensorflow", "keras_version": "2.13.1"})


def _rezip(src: pathlib.Path, dst: pathlib.Path, method: int):
    """Copies a `.keras` zip member by member with fixed dates (Keras stamps the save time), so the fixture is
    deterministic; `method` ZIP_STORED is what Keras writes, ZIP_DEFLATED a variant readers must handle too."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", compression=method) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "metadata.json":
                meta = json.loads(data)
                meta["date_saved"] = "2026-01-01@00:00:00"
                data = json.dumps(meta).encode()
            if info.filename == "config.json":
                # shared_object_id is a Python id(): renumber by first appearance.
                ids = {}
                data = re.sub(rb'"shared_object_id": (\d+)',
                              lambda m: b'"shared_object_id": %d' % ids.setdefault(m.group(1), len(ids) + 1), data)
            zout.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), data, compress_type=method)


def _keras3(out: pathlib.Path):
    import keras
    keras.utils.set_random_seed(0)
    m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, name="dense_a"),
                          keras.layers.BatchNormalization(name="bn"), keras.layers.Dense(2, name="out")])
    m.compile(optimizer="adam", loss="mse")
    x = np.random.default_rng(4).standard_normal((8, 3)).astype(np.float32)
    m.fit(x, x[:, :2], epochs=1, batch_size=8, verbose=0)
    tmp = pathlib.Path(tempfile.mkdtemp())
    m.save_weights(tmp / "m.weights.h5")
    shutil.copy(tmp / "m.weights.h5", out / "keras3.weights.h5")
    m.save(tmp / "m.keras")
    _rezip(tmp / "m.keras", out / "keras3.keras", zipfile.ZIP_STORED)
    _rezip(tmp / "m.keras", out / "keras3_deflated.keras", zipfile.ZIP_DEFLATED)
    m.save(tmp / "full.h5")
    shutil.copy(tmp / "full.h5", out / "keras3_full.h5")
    shutil.rmtree(tmp)

    def walk_weights(path):
        entries = []
        with h5py.File(path) as f:
            def order(g):
                names = list(g.keys())
                return sorted(names, key=int) if names and all(n.isdigit() for n in names) else names
            def rec(g, prefix):
                for n in order(g):
                    o = g[n]
                    if isinstance(o, h5py.Group):
                        rec(o, prefix + [n])
                    else:
                        a = o[()]
                        dt = "bfloat16" if o.attrs.get("dtype") == "bfloat16" else _torch_dtype(np.asarray(a))
                        entries.append({"key": ".".join(prefix + [n]), "dtype": dt, "shape": list(o.shape),
                                        "sha256": _sha(np.asarray(a))})
            rec(f, [])
        return entries

    entries = walk_weights(out / "keras3.weights.h5")
    _manifest(out / "keras3.weights.h5", "hdf5", entries)
    _manifest(out / "keras3.keras", "keras", entries)
    _manifest(out / "keras3_deflated.keras", "keras", entries)

    manifest = []
    with h5py.File(out / "keras3_full.h5") as f:
        g = f["model_weights"]
        for lname in [n.decode() if isinstance(n, bytes) else n for n in g.attrs["layer_names"]]:
            for w in g[lname].attrs["weight_names"]:
                w = w.decode() if isinstance(w, bytes) else w
                a = g[lname][w][()]
                parts = w.split(":")[0].split("/")
                rest = parts[parts.index(lname) + 1:] if lname in parts else parts
                manifest.append(_entry(".".join([lname] + rest), "float32", a))
        if "optimizer_weights" in f:
            og = f["optimizer_weights"]
            for w in og.attrs.get("weight_names", []):
                w = w.decode() if isinstance(w, bytes) else w
                a = og[w][()]
                manifest.append(_entry(".".join(["optimizer_weights"] + w.split(":")[0].split("/")),
                                       _torch_dtype(np.asarray(a)), np.asarray(a)))
    _manifest(out / "keras3_full.h5", "hdf5", manifest)

    # bfloat16 variables, Keras style
    d = keras.layers.Dense(3, dtype="bfloat16", name="d16")
    mb = keras.Sequential([keras.Input((2,)), d])
    tmp = pathlib.Path(tempfile.mkdtemp())
    mb.save_weights(tmp / "b.weights.h5")
    shutil.copy(tmp / "b.weights.h5", out / "keras3_bf16.weights.h5")
    shutil.rmtree(tmp)
    _manifest(out / "keras3_bf16.weights.h5", "hdf5", walk_weights(out / "keras3_bf16.weights.h5"))


def _hostile(out: pathlib.Path):
    data = (out / "flat_tracked.h5").read_bytes()
    (out / "bad_truncated.h5").write_bytes(data[: len(data) // 2])
    (out / "bad_garbage.h5").write_bytes(data[:8] + bytes(range(256)) * 4)
    with h5py.File(out / "bad_huge.h5", "w") as f:
        f.create_dataset("huge", shape=(2**40,), dtype="f4")
    with h5py.File(out / "bad_huge_chunked.h5", "w") as f:
        f.create_dataset("huge", shape=(2**40,), dtype="f4", chunks=(1024,))


def generate(root: pathlib.Path):
    out = root / "hdf5"
    out.mkdir(parents=True, exist_ok=True)
    np.random.seed(0)
    _flat(out)
    _nested(out)
    _dtypes(out)
    _userblock(out)
    _keras2(out)
    _keras3(out)
    _hostile(out)


if __name__ == "__main__":
    generate(pathlib.Path(__file__).resolve().parent.parent)
