#!/usr/bin/env python3
"""By hand, not CI: checks `ckpt inspect --json` / `ckpt count --json` on every reference fixture against the
manifest, converts every fixture to each writable format with `ckpt convert` and loads the results with the
real libraries, comparing with the manifest bit for bit.

    python3 Fixtures/check_with_torch.py .build/release/ckpt [--only NAME_SUBSTRING] [-v]

  .pt           torch.load(weights_only=True) and torch.load(mmap=True, weights_only=True): keys in order,
                dtypes, shapes, bytes; storage sharing (data_ptr + overlapping bytes) as in the original .pt;
                the state_dict's `_metadata` equal to the original's.
  .h5           h5py: datasets in creation order (keys joined with '.'), bf16 as Keras' opaque + dtype attribute.
  .npz          numpy.load: member order, dtypes, bytes (bfloat16: ckpt may refuse with exit 2; reported).
  .safetensors  safetensors.torch.load_file (the reference validator) + header order = key order,
                __metadata__ format = pt.
Then the same for the GGUF fixtures (Fixtures/gguf_files, `--only gguf` for just them): `ckpt convert` of each
to every writable format read back by the libraries above must hold gguf-py's values (quantized tensors
dequantized to float32 by gguf.quants, F16/BF16/I*/F64 as stored), keys in GGUF order; a fixture holding
tensors ckpt does not dequantize (unsupported.gguf, bigendian.gguf's Q8_0) must be refused with exit 2.
Prints one line per (fixture, format) and a summary; exit status 1 if anything differs.
"""
import argparse
import hashlib
import json
import os
import re
import pathlib
import subprocess
import sys
import tempfile

import numpy as np
import torch

ROOT = pathlib.Path(__file__).resolve().parent
REF = ROOT / 'reference'
sys.path.insert(0, str(ROOT / 'gen'))
from reference import records as torch_records  # noqa: E402  (same sha/shared_with rules as the manifest)

FORMATS = {'torch-zip': 'pt', 'hdf5': 'h5', 'safetensors': 'safetensors', 'npz': 'npz'}


def sha_numpy(a):
    a = np.asarray(a)
    if a.dtype.kind != 'V' and a.dtype.byteorder == '>':
        a = a.astype(a.dtype.newbyteorder('<'))
    return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()


def load_pt(path, mmap):
    obj = torch.load(path, weights_only=True, mmap=mmap)
    tensors = []

    def walk(v, prefix):
        if isinstance(v, torch.Tensor):
            tensors.append((prefix, v))
        elif isinstance(v, dict):
            for k, x in v.items():
                walk(x, f'{prefix}.{k}' if prefix else str(k))
        elif isinstance(v, (list, tuple)):
            for i, x in enumerate(v):
                walk(x, f'{prefix}.{i}' if prefix else str(i))
    walk(obj, '')
    return obj, torch_records(tensors)


def load_h5(path):
    import h5py
    out = []
    with h5py.File(path, 'r') as f:
        def walk(g, prefix):
            for name in g.keys():
                obj = g[name]
                key = f'{prefix}.{name}' if prefix else name
                if isinstance(obj, h5py.Group):
                    walk(obj, key)
                    continue
                a = obj[()]
                if obj.attrs.get('dtype') in ('bfloat16', b'bfloat16'):
                    dtype = 'bfloat16'
                else:
                    dtype = str(np.asarray(a).dtype.newbyteorder('='))
                out.append({'key': key, 'dtype': dtype, 'shape': list(obj.shape), 'sha256': sha_numpy(a)})
        walk(f, '')
    return out


NOTES = set()


def numpy_dtype(a):
    if a.dtype.kind == 'V' and a.dtype.itemsize == 2:
        # numpy has no bfloat16: ckpt writes it as raw 2-byte void ('<V2', what ml_dtypes arrays save as).
        NOTES.add('npz: bfloat16 read back by numpy as |V2 (numpy has no bfloat16); its bytes are compared')
        return 'bfloat16'
    return str(a.dtype)


def load_npz(path):
    with np.load(path, allow_pickle=False) as z:
        return [{'key': k, 'dtype': numpy_dtype(z[k]), 'shape': list(z[k].shape), 'sha256': sha_numpy(z[k])} for k in z.files]


def load_safetensors(path):
    from safetensors.torch import load_file
    tensors = load_file(path)  # validates offsets and coverage as the reference implementation does
    with open(path, 'rb') as f:
        n = int.from_bytes(f.read(8), 'little')
        header = json.loads(f.read(n))
    problems = []
    if header.get('__metadata__', {}).get('format') != 'pt':
        problems.append(f"__metadata__ is {header.get('__metadata__')}")
    order = [k for k in header if k != '__metadata__']
    return torch_records([(k, tensors[k]) for k in order]), problems


def module_metadata(obj, prefix=''):
    """{path: _metadata} for every state_dict (an OrderedDict carrying nn.Module versions) inside obj."""
    out = {}
    if isinstance(obj, dict):
        if hasattr(obj, '_metadata'):
            out[prefix] = dict(obj._metadata)
        for k, v in obj.items():
            out.update(module_metadata(v, f'{prefix}.{k}' if prefix else str(k)))
    return out


def compare(expected, actual, exact_keys, sharing):
    """Differences between manifest records and loaded records, as short strings."""
    problems = []
    if exact_keys and [r['key'] for r in expected] != [r['key'] for r in actual]:
        problems.append(f"keys {[r['key'] for r in actual][:6]}... != {[r['key'] for r in expected][:6]}...")
        by_key = {r['key']: r for r in actual}
        actual = [by_key.get(r['key']) for r in expected]
    elif len(expected) != len(actual):
        problems.append(f'{len(actual)} tensors, expected {len(expected)}')
    for e, a in zip(expected, actual):
        if a is None:
            problems.append(f"{e['key']} missing")
            continue
        for field in ('dtype', 'shape', 'sha256'):
            if e[field] != a[field]:
                problems.append(f"{e['key']} {field} {a[field]!s:.20} != {e[field]!s:.20}")
        if sharing and e.get('shared_with') != a.get('shared_with'):
            problems.append(f"{e['key']} shared_with {a.get('shared_with')} != {e.get('shared_with')}")
    return problems


def check_inspect(ckpt, name, entry):
    """`ckpt inspect --json` and `ckpt count --json` on the fixture itself against the manifest (acceptance:
    exactly the manifest's keys in order, dtypes, shapes, shared_with; count figures)."""
    problems = []
    run = subprocess.run([ckpt, 'inspect', str(REF / name), '--json'], capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        return 'FAIL', f'inspect exit {run.returncode}: {run.stderr.strip()[:200]}'
    doc = json.loads(run.stdout)
    got = doc['tensors']
    exact = entry.get('keys') != 'reader-defined'
    if doc['format'] != entry['format']:
        problems.append(f"format {doc['format']} != {entry['format']}")
    if exact and [t['key'] for t in got] != [r['key'] for r in entry['tensors']]:
        problems.append('keys or order differ')
    if len(got) != len(entry['tensors']):
        problems.append(f"{len(got)} tensors, expected {len(entry['tensors'])}")
    for r, t in zip(entry['tensors'], got):
        if (t['dtype'], t['shape']) != (r['dtype'], r['shape']):
            problems.append(f"{r['key']}: {t['dtype']} {t['shape']} != {r['dtype']} {r['shape']}")
        if exact and t.get('shared_with') != r.get('shared_with'):
            problems.append(f"{r['key']}: shared_with {t.get('shared_with')} != {r.get('shared_with')}")
    run = subprocess.run([ckpt, 'count', str(REF / name), '--json'], capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        problems.append(f'count exit {run.returncode}: {run.stderr.strip()[:200]}')
    else:
        count = json.loads(run.stdout)
        for field, want in entry.get('count', {}).items():
            if count.get(field) != want:
                problems.append(f'count {field} {count.get(field)} != {want}')
    if problems:
        return 'FAIL', '; '.join(problems[:4])
    return 'ok', ''


def gguf_entries():
    """{name: manifest-like entry} for the GGUF fixtures: the tensors as gguf-py reads them, quantized ones
    dequantized (what ckpt convert writes), with `refused` set when ckpt cannot decode every tensor."""
    import gguf
    from gguf import GGMLQuantizationType as T
    from gguf.quants import dequantize
    folder = ROOT / 'gguf_files'
    manifest = json.loads((folder / 'manifest.json').read_text())
    plain = {T.F32, T.F16, T.F64, T.I8, T.I16, T.I32, T.I64}
    decoded = {T.Q4_0, T.Q4_1, T.Q5_0, T.Q5_1, T.Q8_0, T.Q2_K, T.Q3_K, T.Q4_K, T.Q5_K, T.Q6_K, T.IQ4_NL, T.IQ4_XS}
    out = {}
    for name, record in manifest['files'].items():
        # The first part of a split model reads as the whole model (its parts in order), as llama.cpp loads it.
        split = re.search(r'-00001-of-(\d{5})\.gguf$', name)
        parts = [name.replace('-00001-of-', '-%05d-of-' % k) for k in range(1, int(split.group(1)) + 1)] if split else [name]
        readers = [(gguf.GGUFReader(str(folder / part)), folder / (part + '.values.npz')) for part in parts]
        items, refused = [], False
        for reader, values_path in readers:
            values = np.load(values_path) if values_path.exists() else None
            for t in reader.tensors:
                q = T(t.tensor_type)
                shape = [int(x) for x in reversed(t.shape.tolist())]
                data = np.array(t.data)
                if q in plain:
                    x = torch.from_numpy(data.astype(data.dtype.newbyteorder('<')).reshape(shape).copy())
                elif q == T.BF16:
                    x = torch.from_numpy(data.view(np.int16).reshape(shape).copy()).view(torch.bfloat16)
                elif q == T.Q8_K and values is not None:
                    x = torch.from_numpy(values[t.name])
                elif q in decoded and reader.byte_order != 'S':
                    x = torch.from_numpy(dequantize(data, q).reshape(shape))
                else:
                    refused = True
                    continue
                items.append((t.name, x))
        out['gguf_files/' + name] = {'format': 'gguf', 'tensors': torch_records(items, sharing=False),
                                     'refused': refused, 'src': folder / name}
    return out


def check(ckpt, name, entry, fmt, tmp, verbose):
    src = entry.get('src', REF / name)
    out = pathlib.Path(tmp) / f'{name.replace("/", "_")}.{FORMATS[fmt]}'
    run = subprocess.run([ckpt, 'convert', str(src), str(out)], capture_output=True, text=True, timeout=120)
    has_bf16 = any(r['dtype'] == 'bfloat16' for r in entry['tensors'])
    if entry.get('refused'):
        if run.returncode == 2 and len(run.stderr.strip().splitlines()) == 1 and not out.exists():
            return 'ok', 'refused as expected: ' + run.stderr.strip()
        return 'FAIL', f'expected a one-line refusal, got exit {run.returncode}: {run.stderr.strip()[:200]}'
    if run.returncode != 0:
        if fmt == 'npz' and has_bf16 and run.returncode == 2:
            return 'refused', run.stderr.strip()
        return 'FAIL', f'convert exit {run.returncode}: {run.stderr.strip()[:200]}'
    expected = entry['tensors']
    exact = entry.get('keys') != 'reader-defined'
    torch_src = entry['format'] in ('torch-zip', 'torch-legacy')
    problems = []
    try:
        if fmt == 'torch-zip':
            obj, recs = load_pt(out, mmap=False)
            problems += compare(expected, recs, exact, sharing=torch_src)
            _, recs = load_pt(out, mmap=True)
            problems += [f'mmap: {p}' for p in compare(expected, recs, exact, sharing=torch_src)]
            if torch_src:
                want, got = module_metadata(torch.load(src, weights_only=True)), module_metadata(obj)
                if want != got:
                    problems.append(f'_metadata {got} != {want}')
        elif fmt == 'hdf5':
            problems += compare(expected, load_h5(out), exact, sharing=False)
        elif fmt == 'npz':
            problems += compare(expected, load_npz(out), exact, sharing=False)
        elif fmt == 'safetensors':
            recs, extra = load_safetensors(out)
            problems += extra + compare(expected, recs, exact, sharing=False)
    except Exception as e:  # a library refusing the file is a failure to report, not a crash of the checker
        problems.append(f'{type(e).__name__}: {e}')
    if problems:
        return 'FAIL', '; '.join(problems[:4]) + (f' (+{len(problems) - 4} more)' if len(problems) > 4 else '')
    return 'ok', ''


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('ckpt', help='path to the ckpt binary')
    parser.add_argument('--only', help='only fixtures whose name contains this')
    parser.add_argument('-v', '--verbose', action='store_true')
    args = parser.parse_args()
    manifest = json.loads((REF / 'manifest.json').read_text())
    tally = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, entry in sorted(manifest['files'].items()):
            if args.only and args.only not in name:
                continue
            status, detail = check_inspect(os.path.abspath(args.ckpt), name, entry)
            tally[status] = tally.get(status, 0) + 1
            if status != 'ok' or args.verbose:
                print(f'{status:7} {name} inspect/count: {detail}')
            for fmt in FORMATS:
                status, detail = check(os.path.abspath(args.ckpt), name, entry, fmt, tmp, args.verbose)
                tally[status] = tally.get(status, 0) + 1
                if status != 'ok' or args.verbose:
                    print(f'{status:7} {name} -> {fmt}: {detail}')
        for name, entry in sorted(gguf_entries().items()):
            if args.only and args.only not in name:
                continue
            for fmt in FORMATS:
                status, detail = check(os.path.abspath(args.ckpt), name, entry, fmt, tmp, args.verbose)
                tally[status] = tally.get(status, 0) + 1
                if status != 'ok' or args.verbose:
                    print(f'{status:7} {name} -> {fmt}: {detail}')
    for note in sorted(NOTES):
        print(f'note: {note}')
    print(' '.join(f'{k}={v}' for k, v in sorted(tally.items())))
    return 1 if tally.get('FAIL') else 0


if __name__ == '__main__':
    sys.exit(main())
