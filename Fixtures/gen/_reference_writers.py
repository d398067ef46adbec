"""Writers of the reference fixtures in every format ckpt reads, with the real libraries."""
import hashlib
import json
import os
import pathlib
import shutil
import sys
import zipfile
import numpy as np
import torch
import torch.nn as nn


def write_pt(path, obj, legacy=False):
    if legacy:
        _save_legacy(obj, path)
    else:
        torch.save(obj, path)


def _save_legacy(obj, path):
    """torch.save(..., _use_new_zipfile_serialization=False) with storage keys numbered in order of first use
    instead of str(storage._cdata) (a pointer), so that the file is byte-identical across runs. The format is
    unchanged: keys are still decimal strings of one width, the storage list is sorted as strings."""
    import inspect
    import torch.serialization as ts
    src = inspect.getsource(ts._legacy_save)
    needle = 'storage_key = str(storage._cdata)'
    if needle not in src:
        torch.save(obj, path, _use_new_zipfile_serialization=False)  # torch changed: keys stay pointers
        return
    keys = {}
    namespace = dict(vars(ts))
    namespace['_ckpt_storage_key'] = lambda storage: keys.setdefault(storage._cdata, str(10 ** 13 + len(keys)))
    exec(compile(src.replace(needle, 'storage_key = _ckpt_storage_key(storage)'), ts.__file__, 'exec'), namespace)
    with open(path, 'wb') as f:
        namespace['_legacy_save'](obj, f, __import__('pickle'), 2)


def numpy_of(t):
    """t as a numpy array; bfloat16 has no numpy dtype, so callers skip or reinterpret it."""
    return t.detach().numpy()


def write_flat_h5(path, items):
    import h5py
    with h5py.File(path, 'w', track_order=True) as f:
        for k, t in items:
            _h5_dataset(f, k, t)


def _h5_dataset(group, name, t):
    if t.dtype == torch.bfloat16:
        # Keras 3's convention: a 2-byte opaque dataset with a `dtype` attribute (FORMATS.md 5.1).
        ds = group.create_dataset(name, data=t.detach().contiguous().view(torch.int16).numpy().view('V2'))
        ds.attrs['dtype'] = 'bfloat16'
    else:
        group.create_dataset(name, data=numpy_of(t))


def write_nested_h5(path, items):
    import h5py
    with h5py.File(path, 'w', track_order=True) as f:
        for k, t in items:
            *groups, leaf = k.split('.')
            g = f
            for name in groups:
                g = g[name] if name in g else g.create_group(name, track_order=True)
            _h5_dataset(g, leaf, t)


def write_npz(path, items):
    np.savez(path, **{k: numpy_of(t) for k, t in items})


def write_safetensors(path, items):
    from safetensors.torch import save_file
    # safetensors refuses shared or non-contiguous tensors: give each key its own contiguous copy.
    save_file({k: t.detach().clone().contiguous() for k, t in items}, str(path), metadata={'format': 'pt'})


def safetensors_order(path):
    with open(path, 'rb') as f:
        n = int.from_bytes(f.read(8), 'little')
        header = json.loads(f.read(n))
    return [k for k in header if k != '__metadata__']


def write_shards(folder, items):
    folder.mkdir(parents=True, exist_ok=True)
    half = (len(items) + 1) // 2
    parts = [items[:half], items[half:]]
    weight_map, total = {}, 0
    for i, part in enumerate(parts):
        name = f'model-{i + 1:05d}-of-{len(parts):05d}.safetensors'
        write_safetensors(folder / name, part)
        for k, t in part:
            weight_map[k] = name
            total += t.numel() * t.element_size()
    # weight_map in state_dict order; readers must follow it rather than the shards' (sorted) header order.
    index = {'metadata': {'total_size': total}, 'weight_map': {k: weight_map[k] for k, _ in items}}
    (folder / 'model.safetensors.index.json').write_text(json.dumps(index, indent=2) + '\n')


# ---------------------------------------------------------------------------------------------- fixtures
