"""Fixtures for the zip layer and the flat formats (safetensors, .npy, .npz, sharded index).

Every file is written by the real library (safetensors, numpy, torch, zipfile); hostile files are byte
patches of real ones. Each readable file gets `<file>.json`: its tensors in file order with dtype (torch
name without `torch.`), shape and the sha256 of the tensor's contiguous little-endian bytes.
Run: python3 -c "import sys,pathlib; sys.path.insert(0,'Fixtures/gen'); import flat; flat.generate(pathlib.Path('Fixtures'))"
"""
import hashlib
import io
import json
import pathlib
import shutil
import struct
import zipfile
import zlib

import ml_dtypes
import numpy as np
import torch
from safetensors.torch import save_file, load_file

NP_TO_TORCH = {"float32": "float32", "float64": "float64", "float16": "float16", "int64": "int64",
               "int32": "int32", "int16": "int16", "int8": "int8", "uint8": "uint8", "bool": "bool",
               "complex64": "complex64", "uint16": "uint16", "uint32": "uint32", "uint64": "uint64",
               "bfloat16": "bfloat16", "complex128": "complex128"}


def np_entry(key, a):
    le = np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<"), copy=False)
    return {"key": key, "dtype": NP_TO_TORCH[a.dtype.name], "shape": list(a.shape),
            "sha256": hashlib.sha256(le.tobytes()).hexdigest()}


def torch_entry(key, t):
    t = t.contiguous()
    raw = t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b""
    return {"key": key, "dtype": str(t.dtype).removeprefix("torch."), "shape": list(t.shape),
            "sha256": hashlib.sha256(raw).hexdigest()}


def manifest(path, fmt, tensors, attributes=None):
    doc = {"format": fmt, "tensors": tensors}
    if attributes is not None:
        doc["attributes"] = attributes
    path.with_name(path.name + ".json").write_text(json.dumps(doc, indent=1) + "\n")


def safetensors_fixtures(out):
    g = torch.Generator().manual_seed(0)
    tensors = {
        "weight": torch.randn(3, 4, generator=g),
        "bias": torch.randn(3, generator=g),
        "half": torch.randn(2, 3, generator=g).half(),
        "bf": torch.randn(5, generator=g).bfloat16(),
        "idx": torch.tensor([0, -1, 2**40, 7]),
        "mask": torch.tensor([[True, False], [False, True]]),
        "scalar": torch.tensor(3.5),
        "empty": torch.zeros(0, 3),
        "f64": torch.randn(2, generator=g).double(),
        "i32": torch.tensor([1, -2, 3], dtype=torch.int32),
        "i16": torch.tensor([-5, 6], dtype=torch.int16),
        "i8": torch.tensor([-128, 127], dtype=torch.int8),
        "u8": torch.tensor([0, 255], dtype=torch.uint8),
        "layers.0.weight": torch.randn(2, 2, generator=g),
        "f8": torch.tensor([0.5, -2.0]).to(torch.float8_e4m3fn),
        "f8b": torch.tensor([0.25, 3.0]).to(torch.float8_e5m2),
        "cplx": torch.tensor([1 + 2j, -3 + 0.5j], dtype=torch.complex64),
    }
    path = out / "tensors.safetensors"
    save_file(tensors, str(path), metadata={"format": "pt"})
    loaded = load_file(str(path))
    manifest(path, "safetensors", [torch_entry(k, v) for k, v in loaded.items()],
             {"format": "pt"})
    # No metadata at all, one tensor (the minimal file).
    path = out / "single.safetensors"
    save_file({"x": torch.arange(6, dtype=torch.float32).reshape(2, 3)}, str(path))
    manifest(path, "safetensors", [torch_entry(k, v) for k, v in load_file(str(path)).items()], {})
    return tensors


def raw_safetensors(header, data):
    h = json.dumps(header).encode()
    return struct.pack("<Q", len(h)) + h + data


def safetensors_hostile(out):
    good = (out / "single.safetensors").read_bytes()
    (out / "bad_st_truncated.safetensors").write_bytes(good[: len(good) - 5])
    (out / "bad_st_huge_header.safetensors").write_bytes(struct.pack("<Q", 2**60) + good[8:])
    (out / "bad_st_header_past_end.safetensors").write_bytes(struct.pack("<Q", len(good)) + good[8:])
    x = {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}
    y = {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}
    (out / "bad_st_overlap.safetensors").write_bytes(raw_safetensors({"x": x, "y": y}, bytes(12)))
    y = {"dtype": "F32", "shape": [2], "data_offsets": [12, 20]}
    (out / "bad_st_gap.safetensors").write_bytes(raw_safetensors({"x": x, "y": y}, bytes(20)))
    (out / "bad_st_trailing.safetensors").write_bytes(raw_safetensors({"x": x}, bytes(12)))
    big = {"dtype": "F32", "shape": [2**30, 2**30], "data_offsets": [0, 8]}
    (out / "bad_st_shape_mismatch.safetensors").write_bytes(raw_safetensors({"x": big}, bytes(8)))
    (out / "bad_st_dtype.safetensors").write_bytes(
        raw_safetensors({"x": {"dtype": "f32", "shape": [2], "data_offsets": [0, 8]}}, bytes(8)))
    (out / "bad_st_offsets_past_end.safetensors").write_bytes(
        raw_safetensors({"x": {"dtype": "F32", "shape": [2**40], "data_offsets": [0, 2**42]}}, bytes(8)))
    (out / "bad_st_not_json.safetensors").write_bytes(struct.pack("<Q", 6) + b"{nope}" + bytes(8))
    (out / "bad_st_metadata_type.safetensors").write_bytes(
        raw_safetensors({"__metadata__": {"a": 1}, "x": x}, bytes(8)))
    dup = b'{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"x":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}'
    (out / "bad_st_duplicate_key.safetensors").write_bytes(struct.pack("<Q", len(dup)) + dup + bytes(12))


def npy_fixtures(out):
    rng = np.random.default_rng(0)
    arrays = {
        "v1_f4.npy": rng.standard_normal((2, 3)).astype("<f4"),
        "big_endian.npy": rng.standard_normal((3, 2)).astype(">f4"),
        "fortran.npy": np.asfortranarray(rng.standard_normal((3, 4)).astype("<f8")),
        "bool.npy": np.array([True, False, True]),
        "int64.npy": np.array([[1, -2], [2**50, 4]], dtype="<i8"),
        "half.npy": rng.standard_normal(4).astype("<f2"),
        "scalar.npy": np.array(2.5, dtype="<f4"),
        "empty.npy": np.zeros((0, 4), dtype="<f4"),
        "u1.npy": np.arange(5, dtype="u1"),
        "big_i2.npy": np.array([1, -300, 7], dtype=">i2"),
        "bf16.npy": np.array([1.5, -2.0, 3.0e10], dtype=ml_dtypes.bfloat16),
        "c16.npy": np.array([[1 + 2j, 3 - 4j]], dtype="<c16"),
    }
    for name, a in arrays.items():
        path = out / name
        np.save(path, a)
        manifest(path, "npy", [np_entry(path.stem, a)])
    for version in [(2, 0), (3, 0)]:
        a = np.arange(6, dtype="<i4").reshape(3, 2)
        path = out / f"v{version[0]}.npy"
        with open(path, "wb") as f:
            np.lib.format.write_array(f, a, version=version)
        manifest(path, "npy", [np_entry(path.stem, a)])
    np.save(out / "bad_npy_object.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    good = (out / "v1_f4.npy").read_bytes()
    (out / "bad_npy_truncated.npy").write_bytes(good[:-4])
    header = b"{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, 1099511627776), }"
    header += b" " * (118 - len(header)) + b"\n"
    (out / "bad_npy_huge_shape.npy").write_bytes(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + bytes(16))
    # No elements, but sizes whose product overflows: numpy ("array is too big") and torch ("Stride calculation
    # overflowed") refuse it; found by the npy fuzz target (a stride computation trapped).
    header = b"{'descr': '<f4', 'fortran_order': False, 'shape': (0, 10991099511627776, 1099511627776), }"
    header += b" " * (118 - len(header)) + b"\n"
    (out / "bad_npy_zero_size_overflow.npy").write_bytes(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header)
    (out / "bad_npy_header_past_end.npy").write_bytes(b"\x93NUMPY\x01\x00" + struct.pack("<H", 60000) + b"{'descr'")


def npz_fixtures(out):
    rng = np.random.default_rng(1)
    a = rng.standard_normal((3, 2)).astype("<f4")
    b = np.arange(4, dtype="<i8")
    c = np.array([True, False])
    d = rng.standard_normal(3).astype("<f2")
    keyed = {"weight": a, "b.c/d": d, "flags": c}
    np.savez(out / "plain.npz", b, **keyed)
    np.savez_compressed(out / "compressed.npz", **keyed, zeros=np.zeros((64, 64), dtype="<f4"))
    for name in ["plain.npz", "compressed.npz"]:
        with np.load(out / name) as z:
            manifest(out / name, "npz", [np_entry(k, z[k]) for k in z.files])


def zip_bytes(members, method=zipfile.ZIP_STORED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=method) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = method
            z.writestr(info, data)
    return bytearray(buf.getvalue())


def central_entries(data):
    """Offsets of each central directory entry (after the EOCD's directory offset)."""
    eocd = data.rfind(b"PK\x05\x06")
    count, _, offset = struct.unpack_from("<HII", data, eocd + 10)
    offsets = []
    for _ in range(count):
        offsets.append(offset)
        n, e, c = struct.unpack_from("<HHH", data, offset + 28)
        offset += 46 + n + e + c
    return eocd, offsets


def patched(data, fmt, offset, *values):
    """A copy of `data` with `values` packed at `offset`: one lying field of an otherwise valid archive."""
    copy = bytearray(data)
    struct.pack_into(fmt, copy, offset, *values)
    return copy


def zip_hostile(out):
    members = [("a.npy", b"A" * 100), ("b.npy", b"B" * 100)]
    good = zip_bytes(members)
    (out / "zip_two_stored.zip").write_bytes(good)
    (out / "bad_zip_truncated.zip").write_bytes(good[:-10])
    eocd, cd = central_entries(good)
    (out / "bad_zip_lying_sizes.zip").write_bytes(patched(good, "<II", cd[1] + 20, 0x7FFF0000, 0x7FFF0000))
    (out / "bad_zip_overlap.zip").write_bytes(patched(good, "<II", cd[0] + 20, 150, 150))
    (out / "bad_zip_entry_count.zip").write_bytes(patched(good, "<HH", eocd + 8, 60000, 60000))
    dup = zip_bytes([("a.npy", b"A" * 10), ("b.npy", b"B" * 10)])
    _, dcd = central_entries(dup)
    # Rename the second member to the first in both headers (local header at its recorded offset).
    local = struct.unpack_from("<I", dup, dcd[1] + 42)[0]
    dup[dcd[1] + 46: dcd[1] + 51] = b"a.npy"
    dup[local + 30: local + 35] = b"a.npy"
    (out / "bad_zip_duplicate.zip").write_bytes(dup)
    deflated = zip_bytes([("z.npy", bytes(100_000))], zipfile.ZIP_DEFLATED)
    (out / "zip_deflated.zip").write_bytes(deflated)
    _, zcd = central_entries(deflated)
    (out / "bad_zip_bomb_ratio.zip").write_bytes(patched(deflated, "<I", zcd[0] + 24, 0xFFFFFFF0))
    (out / "bad_zip_inflates_larger.zip").write_bytes(patched(deflated, "<I", zcd[0] + 24, 1000))
    (out / "bad_zip_crc.zip").write_bytes(patched(deflated, "<I", zcd[0] + 16, 0x12345678))
    (out / "bad_zip_encrypted.zip").write_bytes(patched(good, "<H", cd[0] + 8, 1))
    npz = bytearray((out / "plain.npz").read_bytes())
    (out / "bad_npz_truncated.npz").write_bytes(npz[: len(npz) // 2])
    # A real torch.save archive: data descriptors, zero sizes in local headers, 64-byte aligned data.
    g = torch.Generator().manual_seed(2)
    torch.save({"w": torch.randn(4, 4, generator=g), "b": torch.arange(3)}, out / "torch_small.pt")


def sharded_fixtures(out, tensors):
    folder = out / "sharded"
    folder.mkdir(exist_ok=True)
    keys = ["weight", "bias", "half", "idx", "layers.0.weight"]
    shard1 = {k: tensors[k] for k in keys[:2]}
    shard2 = {k: tensors[k] for k in keys[2:]}
    save_file(shard1, str(folder / "model-00001-of-00002.safetensors"), metadata={"format": "pt"})
    save_file(shard2, str(folder / "model-00002-of-00002.safetensors"), metadata={"format": "pt"})
    order = ["half", "weight", "layers.0.weight", "bias", "idx"]
    weight_map = {k: ("model-00001-of-00002.safetensors" if k in shard1 else "model-00002-of-00002.safetensors")
                  for k in order}
    total = sum(tensors[k].numel() * tensors[k].element_size() for k in keys)
    index = {"metadata": {"total_size": total}, "weight_map": weight_map}
    path = folder / "model.safetensors.index.json"
    path.write_text(json.dumps(index, indent=2) + "\n")
    manifest(path, "sharded", [torch_entry(k, tensors[k]) for k in order], {"total_size": str(total)})
    # Shards in different formats: the reader detects each shard by content.
    extra = np.arange(6, dtype="<i4").reshape(2, 3)
    np.savez(folder / "extra.npz", counts=extra)
    mixed = {"metadata": {"total_size": 12 + 48, "note": "mixed"},
             "weight_map": {"counts": "extra.npz", "weight": "model-00001-of-00002.safetensors"}}
    path = folder / "mixed.index.json"
    path.write_text(json.dumps(mixed) + "\n")
    manifest(path, "sharded", [np_entry("counts", extra), torch_entry("weight", tensors["weight"]),
                               torch_entry("bias", tensors["bias"])], {"total_size": "60", "note": "mixed"})
    # transformers' torch.save shards: pytorch_model-0000N-of-0000M.bin with pytorch_model.bin.index.json.
    torch.save({k: tensors[k] for k in ["weight", "idx"]}, folder / "pytorch_model-00001-of-00002.bin")
    torch.save({k: tensors[k] for k in ["bf", "mask"]}, folder / "pytorch_model-00002-of-00002.bin")
    bin_map = {"weight": "pytorch_model-00001-of-00002.bin", "bf": "pytorch_model-00002-of-00002.bin",
               "mask": "pytorch_model-00002-of-00002.bin", "idx": "pytorch_model-00001-of-00002.bin"}
    total = sum(tensors[k].numel() * tensors[k].element_size() for k in bin_map)
    path = folder / "pytorch_model.bin.index.json"
    path.write_text(json.dumps({"metadata": {"total_size": total}, "weight_map": bin_map}, indent=2) + "\n")
    manifest(path, "sharded", [torch_entry(k, tensors[k]) for k in bin_map], {"total_size": str(total)})
    bad = dict(index, weight_map=dict(weight_map, extra="model-00003-of-00002.safetensors"))
    (folder / "bad_missing_shard.index.json").write_text(json.dumps(bad))
    bad = dict(index, weight_map=dict(weight_map, ghost="model-00001-of-00002.safetensors"))
    (folder / "bad_missing_key.index.json").write_text(json.dumps(bad))
    bad = dict(index, weight_map=dict(weight_map, escape="../tensors.safetensors"))
    (folder / "bad_escape.index.json").write_text(json.dumps(bad))


def generate(root: pathlib.Path):
    out = root / "flat"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    torch.manual_seed(0)
    tensors = safetensors_fixtures(out)
    safetensors_hostile(out)
    npy_fixtures(out)
    npz_fixtures(out)
    zip_hostile(out)
    sharded_fixtures(out, tensors)


if __name__ == "__main__":
    generate(pathlib.Path(__file__).resolve().parent.parent)
