"""Reference fixtures: every model of REFERENCE_MODELS.md and the dtype/view/nesting cases, written by the
real libraries (torch, h5py, numpy, safetensors, keras), with one manifest `reference/manifest.json`.

Layout (under root/reference/):
  <model>.pt                torch.save(model.state_dict())
  <model>.flat.h5           h5py, f[key] = v.numpy(), track_order=True          (small models only)
  <model>.nested.h5         h5py, one group per dotted prefix, track_order=True (small models only)
  <model>.npz               np.savez(**{key: v.numpy()})                         (small models only)
  <model>.safetensors       safetensors.torch.save_file (shared tensors cloned)  (small models only)
  <model>.shards/           model.safetensors.index.json + 2 safetensors shards  (small models only)
  <model>.txt               print(model)
  <model>.io.npz            input, output of model(input) in eval mode (models that have a forward)
  dtypes.*                  every dtype, 0-dim, empty, transposed view, row view
  train.pt                  {'model', 'optimizer' (Adam after one step), 'epoch'}
  module_prefix.pt          nn.DataParallel(mlp).state_dict()  ("module." keys)
  mlp.legacy.pt, dtypes.legacy.pt   _use_new_zipfile_serialization=False
  keras_mlp.*               an equivalent Keras 3 model: .weights.h5, .keras, legacy .h5 (model.save) and
                            legacy root-level weights .h5 (Keras 2 save_weights layout)
Run: python3 Fixtures/generate.py reference
"""
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _reference_models as models  # noqa: E402
from _reference_writers import (write_pt, numpy_of, write_flat_h5, write_nested_h5, write_npz, write_safetensors, safetensors_order, write_shards)  # noqa: E402

SEED = 1234


# ---------------------------------------------------------------------------------------------- tensors

def dtype_name(t):
    return str(t.dtype).replace('torch.', '')


def tensor_bytes(t):
    """Contiguous, row-major, little-endian bytes of t (what ckpt's contiguousBytes() returns)."""
    flat = t.detach().contiguous().reshape(-1)
    return flat.view(torch.uint8).numpy().tobytes()


def byte_range(t):
    item = t.element_size()
    if t.numel() == 0:
        start = t.storage_offset() * item
        return start, start
    last = t.storage_offset() + sum((d - 1) * s for d, s in zip(t.shape, t.stride()))
    return t.storage_offset() * item, (last + 1) * item


def shared_with(items):
    """key -> first earlier key viewing overlapping bytes of the same storage (ckpt's sharesMemory)."""
    out, seen = {}, []
    for k, t in items:
        ptr = t.untyped_storage().data_ptr()
        a = byte_range(t)
        for k2, t2, ptr2, b in seen:
            if ptr2 != ptr:
                continue
            if a[0] == a[1] or b[0] == b[1]:
                same = a == b and tuple(t.shape) == tuple(t2.shape)
            else:
                same = a[0] < b[1] and b[0] < a[1]
            if same:
                out[k] = k2
                break
        seen.append((k, t, ptr, a))
    return out


def records(items, sharing=True):
    items = list(items)
    shared = shared_with(items) if sharing else {}
    out = []
    for k, t in items:
        r = {'key': k, 'dtype': dtype_name(t), 'shape': list(t.shape),
             'sha256': hashlib.sha256(tensor_bytes(t)).hexdigest()}
        if k in shared:
            r['shared_with'] = shared[k]
        out.append(r)
    return out


def flatten(value, prefix=''):
    """(tensors, metadata) as ckpt's StateDict.tensors / .metadata walk them; metadata values as Python repr."""
    tensors, meta = [], []

    def join(k):
        return f'{prefix}.{k}' if prefix else str(k)

    def holds(v):
        if isinstance(v, (torch.Tensor, dict)):
            return True
        return isinstance(v, (list, tuple)) and any(holds(x) for x in v)

    if isinstance(value, torch.Tensor):
        tensors.append((prefix, value))
    elif isinstance(value, dict):
        for k, v in value.items():
            t, m = flatten(v, join(k))
            tensors += t
            meta += m
    elif isinstance(value, (list, tuple)) and holds(value):
        for i, v in enumerate(value):
            t, m = flatten(v, join(i))
            tensors += t
            meta += m
    else:
        meta.append((prefix, repr(value)))
    return tensors, meta


def counts(tensor_recs, model=None):
    """The `ckpt count` figures a file alone gives (CLI.md): shared storage once; buffers are tensors named
    running_mean / running_var / num_batches_tracked and every non-floating tensor. When the file holds a
    model's own state_dict with sharing info, these must equal the model's figures: checked here."""
    def numel(r):
        return int(np.prod(r['shape']))
    floating = {'float32', 'float64', 'float16', 'bfloat16'}
    buffer_names = {'running_mean', 'running_var', 'num_batches_tracked'}
    unique = [r for r in tensor_recs if 'shared_with' not in r]
    is_buffer = [r['dtype'] not in floating or r['key'].split('.')[-1] in buffer_names for r in unique]
    c = {'parameters': sum(numel(r) for r, b in zip(unique, is_buffer) if not b),
         'buffers': sum(numel(r) for r, b in zip(unique, is_buffer) if b),
         'total': sum(numel(r) for r in tensor_recs),
         'unique': sum(numel(r) for r in unique)}
    if model is not None:
        assert c['parameters'] == sum(p.numel() for p in model.parameters()), c
        assert c['buffers'] == sum(b.numel() for b in model.buffers()), c
    return c

class Manifest:
    def __init__(self, out):
        self.out = out
        self.files = {}
        self.models = {}

    def add(self, path, fmt, tensors, count=None, **extra):
        entry = {'format': fmt, 'tensors': tensors}
        if count is not None:
            entry['count'] = count
        entry.update(extra)
        self.files[str(pathlib.Path(path).relative_to(self.out))] = entry


def write_all_formats(man, out, name, items, from_model=False):
    """The non-torch formats for one state_dict (items = [(key, tensor)] in state_dict order)."""
    plain = records(items, sharing=False)  # formats without storage sharing hold one copy per key
    by_key = {r['key']: r for r in plain}
    model_info = {'model': name} if from_model else {}

    p = out / f'{name}.flat.h5'
    write_flat_h5(p, items)
    man.add(p, 'hdf5', plain, counts(plain), layout='flat', **model_info)

    if any('.' in k for k, _ in items):
        p = out / f'{name}.nested.h5'
        write_nested_h5(p, items)
        man.add(p, 'hdf5', plain, counts(plain), layout='nested', **model_info)

    numpy_items = [(k, t) for k, t in items if t.dtype != torch.bfloat16]
    skipped = {k: 'numpy has no bfloat16 dtype' for k, t in items if t.dtype == torch.bfloat16}
    p = out / f'{name}.npz'
    write_npz(p, numpy_items)
    extra = {'skipped': skipped} if skipped else {}
    npz_recs = [by_key[k] for k, _ in numpy_items]
    man.add(p, 'npz', npz_recs, counts(npz_recs), **extra, **model_info)

    p = out / f'{name}.safetensors'
    write_safetensors(p, items)
    man.add(p, 'safetensors', [by_key[k] for k in safetensors_order(p)], counts(plain),
            attributes={'format': 'pt'}, **model_info)

    folder = out / f'{name}.shards'
    write_shards(folder, items)
    man.add(folder / 'model.safetensors.index.json', 'sharded', plain, counts(plain), **model_info)


def reference_models(man, out):
    for name, (build, small) in models.MODELS.items():
        torch.manual_seed(SEED)
        model, x = build()
        model.eval()
        sd = model.state_dict()
        items = list(sd.items())
        recs = records(items)
        p = out / f'{name}.pt'
        write_pt(p, sd)
        man.add(p, 'torch-zip', recs, counts(recs, model), model=name)
        (out / f'{name}.txt').write_text(str(model) + '\n')
        info = {
            'repr': f'{name}.txt',
            'parameters': sum(p.numel() for p in model.parameters()),
            'buffers': sum(b.numel() for b in model.buffers()),
            'parameter_shapes': [list(p.shape) for p in model.parameters()],
            'named_parameters': [n for n, _ in model.named_parameters()],
        }
        if x is not None:
            with torch.no_grad():
                y = model(x)
            io_path = out / f'{name}.io.npz'
            np.savez(io_path, input=x.numpy(), output=y.numpy())
            io_recs = records([('input', x), ('output', y)])
            man.add(io_path, 'npz', io_recs, counts(io_recs))
            info['io'] = f'{name}.io.npz'
        if small:
            write_all_formats(man, out, name, items, from_model=True)
        man.models[name] = info


def dtype_tensors():
    g = torch.Generator().manual_seed(SEED)
    base = torch.arange(12, dtype=torch.float32).reshape(3, 4) / 8 - 0.5
    return {
        'f32': torch.randn(2, 3, generator=g),
        'f64': torch.randn(2, 3, generator=g, dtype=torch.float64),
        'f16': torch.randn(2, 3, generator=g).half(),
        'bf16': torch.tensor([1.5, -2.0, 299008.0, 9.99e-4, 0.0, -0.0], dtype=torch.bfloat16).reshape(2, 3),
        'i64': torch.tensor([[-(2 ** 40), -1, 0], [1, 2 ** 31, 2 ** 62]], dtype=torch.int64),
        'i32': torch.tensor([-7, 0, 2 ** 30], dtype=torch.int32),
        'i16': torch.tensor([-300, 0, 300], dtype=torch.int16),
        'i8': torch.tensor([-128, 0, 127], dtype=torch.int8),
        'u8': torch.tensor([0, 1, 255], dtype=torch.uint8),
        'bool': torch.tensor([[True, False], [False, True]]),
        'scalar': torch.tensor(3.25),
        'scalar_i64': torch.tensor(7, dtype=torch.int64),
        'empty': torch.zeros(0, 4),
        'base': base,
        'base_t': base.t(),
        'row': base[1],
    }


def dtype_fixtures(man, out):
    d = dtype_tensors()
    items = list(d.items())
    recs = records(items)
    p = out / 'dtypes.pt'
    write_pt(p, d)
    man.add(p, 'torch-zip', recs, counts(recs))
    p = out / 'dtypes.legacy.pt'
    write_pt(p, d, legacy=True)
    man.add(p, 'torch-legacy', recs, counts(recs))
    write_all_formats(man, out, 'dtypes', items)


def torch_special_fixtures(man, out):
    # Training checkpoint: mlp + Adam after one step.
    torch.manual_seed(SEED)
    model, x = models.mlp()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss = nn.MSELoss()(model(x), torch.zeros(2, 1))
    opt.zero_grad()
    loss.backward()
    opt.step()
    ckpt = {'model': model.state_dict(), 'optimizer': opt.state_dict(), 'epoch': 1}
    tensors, meta = flatten(ckpt)
    recs = records(tensors)
    p = out / 'train.pt'
    write_pt(p, ckpt)
    man.add(p, 'torch-zip', recs, counts(recs), metadata=[{'key': k, 'repr': v} for k, v in meta],
            entries={'model': {'parameters': sum(q.numel() for q in model.parameters()), 'buffers': 0}})

    # DataParallel prefixes every key with "module.".
    torch.manual_seed(SEED)
    model, _ = models.mlp()
    sd = nn.DataParallel(model).state_dict()
    recs = records(list(sd.items()))
    p = out / 'module_prefix.pt'
    write_pt(p, sd)
    man.add(p, 'torch-zip', recs, counts(recs, model), model='mlp')

    torch.manual_seed(SEED)
    model, _ = models.mlp()
    sd = model.state_dict()
    recs = records(list(sd.items()))
    p = out / 'mlp.legacy.pt'
    write_pt(p, sd, legacy=True)
    man.add(p, 'torch-legacy', recs, counts(recs, model), model='mlp')


def generate(root: pathlib.Path):
    out = pathlib.Path(root) / 'reference'
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    torch.use_deterministic_algorithms(True)
    man = Manifest(out)
    reference_models(man, out)
    dtype_fixtures(man, out)
    torch_special_fixtures(man, out)
    import _reference_keras
    _reference_keras.generate(man, out, records, counts)
    manifest = {
        'about': 'Expected contents of every file under reference/: keys in the order the file holds them, '
                 'dtype, shape, sha256 of the contiguous little-endian bytes, shared_with (first earlier key '
                 'sharing storage), ckpt count figures. Generated by Fixtures/gen/reference.py.',
        'versions': {'torch': torch.__version__.split('+')[0], 'numpy': np.__version__,
                     'h5py': __import__('h5py').__version__,
                     'safetensors': __import__('safetensors').__version__,
                     'keras': _reference_keras.keras_version()},
        'models': man.models,
        'files': man.files,
    }
    (out / 'manifest.json').write_text(json.dumps(manifest, indent=1) + '\n')
