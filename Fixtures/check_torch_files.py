#!/usr/bin/env python3
"""By hand (not CI): torch reads back the .pt files ckpt writes from Fixtures/torch_files exactly as it reads the
originals (see check_written)."""
import pathlib
import sys

import torch

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "gen"))
from torch_files import _le_bytes  # noqa: E402


def _same(a, b, path, problems, ptrs_a, ptrs_b):
    """Compares what torch loaded from a ckpt-written file (a) with torch's load of the original (b)."""
    if isinstance(b, torch.Tensor):
        if not isinstance(a, torch.Tensor):
            problems.append(f"{path}: not a tensor")
            return
        same = (a.dtype == b.dtype and a.shape == b.shape and a.stride() == b.stride()
                and a.storage_offset() == b.storage_offset() and a.requires_grad == b.requires_grad
                and type(a) is type(b) and _le_bytes(a) == _le_bytes(b))
        if not same:
            problems.append(f"{path}: tensor differs ({a.dtype} {tuple(a.shape)} vs {b.dtype} {tuple(b.shape)})")
        ptrs_a.append((path, a.untyped_storage().data_ptr()))
        ptrs_b.append((path, b.untyped_storage().data_ptr()))
    elif isinstance(b, dict):
        if type(a) is not type(b) or list(a.keys()) != list(b.keys()):
            problems.append(f"{path}: dict type or keys differ")
            return
        if getattr(a, "_metadata", None) != getattr(b, "_metadata", None):
            problems.append(f"{path}: _metadata differs")
        for k in b:
            _same(a[k], b[k], f"{path}.{k}", problems, ptrs_a, ptrs_b)
    elif isinstance(b, (list, tuple)):
        if type(a) is not type(b) or len(a) != len(b):
            problems.append(f"{path}: sequence differs")
            return
        for i, (x, y) in enumerate(zip(a, b)):
            _same(x, y, f"{path}.{i}", problems, ptrs_a, ptrs_b)
    elif a != b or type(a) is not type(b):
        problems.append(f"{path}: {a!r} != {b!r}")


def check_written(written: pathlib.Path, originals: pathlib.Path):
    """By hand (not CI): torch.load every ckpt-written .pt in `written`, with weights_only=True and with
    mmap=True, and compare with torch's own load of the original fixture of the same name: keys, order,
    dtypes, shapes, strides, offsets, bytes, _metadata, and which tensors share storage."""
    ok = True
    for f in sorted(written.glob("*.pt")):
        ref = torch.load(originals / f.name, weights_only=False)
        for kw in ({"weights_only": True}, {"weights_only": True, "mmap": True}):
            problems, pa, pb = [], [], []
            got = torch.load(f, **kw)
            _same(got, ref, "", problems, pa, pb)
            share_a = [[p for p, q in pa if q == ptr] for _, ptr in pa]
            share_b = [[p for p, q in pb if q == ptr] for _, ptr in pb]
            if share_a != share_b:
                problems.append("storage sharing differs")
            print(f"{f.name:16} {kw}: {'OK' if not problems else problems[:3]} ({len(pa)} tensors)")
            ok = ok and not problems
    return ok


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: python3 Fixtures/check_torch_files.py FOLDER_OF_CKPT_WRITTEN_PT_FILES", file=sys.stderr)
        raise SystemExit(2)
    raise SystemExit(0 if check_written(pathlib.Path(sys.argv[1]), HERE / "torch_files") else 1)
