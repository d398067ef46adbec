#!/usr/bin/env python3
"""By hand, not CI: ckpt on a real GGUF no one here wrote, against gguf-py's reader and dequantizer.

    python3 Benchmarks/gguf/check_real.py FILE.gguf [CKPT] [--values]

FILE is e.g. Gemma 3 270M Q4_K_M, reassembled from PyPI (see Benchmarks/README.md, "GGUF"). Checks:
  inspect --json   every tensor's key (file order), dtype (PyTorch's name or ggml's type), shape (gguf-py's ne
                   reversed), numel and bytes; every metadata key, scalars equal, arrays listed or summarised
                   (type, count, first elements) as gguf-py's field contents give them.
  count --json     parameters = every floating tensor's elements (gguf-py n_elements), by dtype.
  show             for one tensor of each type, ckpt's text equals str() of the torch tensor made from gguf-py's
                   values (dequantized with gguf.quants.dequantize for quantized types).
  --values         ckpt convert FILE to safetensors, then every tensor compared bit for bit with gguf-py's
                   dequantized values (max |difference| and the number of differing elements, per type).
Prints one line per check and exits 1 if any differs.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

import gguf
from gguf import GGMLQuantizationType as T, GGUFValueType as V
from gguf.quants import dequantize

PLAIN = {T.F32: 'float32', T.F16: 'float16', T.BF16: 'bfloat16', T.F64: 'float64',
         T.I8: 'int8', T.I16: 'int16', T.I32: 'int32', T.I64: 'int64'}


def run(ckpt, *args):
    r = subprocess.run([ckpt, *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f'ckpt {" ".join(args)}: exit {r.returncode}: {r.stderr.strip()}')
    return r.stdout


def values(t):
    """gguf-py's values of a tensor in PyTorch shape: dequantized float32, or the stored dtype."""
    shape = [int(x) for x in reversed(t.shape.tolist())]
    q = T(t.tensor_type)
    if q == T.BF16:
        return torch.from_numpy(np.array(t.data).view(np.int16).copy()).view(torch.bfloat16).reshape(shape)
    if q in PLAIN:
        return torch.from_numpy(np.array(t.data).copy()).reshape(shape)
    return torch.from_numpy(dequantize(np.array(t.data), q)).reshape(shape)


def python_repr(v):
    """A metadata value as ckpt prints it (Python's repr, floats as doubles)."""
    return repr(v)


def check_metadata(reader, meta, problems):
    fields = {k: f for k, f in reader.fields.items() if not k.startswith('GGUF.')}
    if set(fields) != set(meta):  # ckpt's JSON objects have sorted keys; the text output keeps file order
        problems.append(f'metadata keys differ: {set(fields) ^ set(meta)}')
    for key, f in fields.items():
        got = meta.get(key)
        main = f.types[0]
        want = f.contents()
        if main == V.ARRAY:
            if len(want) > 64:
                sub = f.types[-1].name.lower()
                expect = f"array('{sub}', {len(want)}, {python_repr(list(want[:8]))})"
                if got != expect:
                    problems.append(f'{key}: {got!r} != {expect!r}')
            elif got != want:
                problems.append(f'{key}: {got!r} != {want!r}')
        elif got != want and not (isinstance(want, float) and abs(got - want) == 0):
            problems.append(f'{key}: {got!r} != {want!r}')


def main(argv):
    path = argv[1]
    ckpt = argv[2] if len(argv) > 2 and not argv[2].startswith('-') else '.build/release/ckpt'
    reader = gguf.GGUFReader(path)
    ok = True

    doc = json.loads(run(ckpt, 'inspect', path, '--json'))
    problems = []
    rows = doc['tensors']
    if [r['key'] for r in rows] != [t.name for t in reader.tensors]:
        problems.append('tensor keys or order differ')
    for r, t in zip(rows, reader.tensors):
        q = T(t.tensor_type)
        want = {'dtype': PLAIN.get(q, q.name.lower()), 'shape': [int(x) for x in reversed(t.shape.tolist())],
                'numel': int(t.n_elements), 'bytes': int(t.n_bytes)}
        got = {k: r[k] for k in want}
        if got != want:
            problems.append(f'{t.name}: {got} != {want}')
    check_metadata(reader, doc['metadata'], problems)
    print(f'inspect: {len(rows)} tensors, {len(doc["metadata"])} metadata keys:',
          'agree with gguf-py' if not problems else f'{len(problems)} differences')
    for p in problems[:20]:
        print('   ', p)
    ok &= not problems

    count = json.loads(run(ckpt, 'count', path, '--json'))
    floating = sum(int(t.n_elements) for t in reader.tensors if T(t.tensor_type) not in (T.I8, T.I16, T.I32, T.I64))
    by_type = {}
    for t in reader.tensors:
        q = T(t.tensor_type)
        name = PLAIN.get(q, q.name.lower())
        by_type[name] = by_type.get(name, 0) + int(t.n_elements)
    same = count['parameters'] == floating and count['by_dtype'] == by_type
    print(f'count: {count["parameters"]:,} parameters, by dtype {count["by_dtype"]}:',
          'agree with gguf-py' if same else f'gguf-py gives {floating:,}, {by_type}')
    ok &= same

    seen = {}
    for t in reader.tensors:
        seen.setdefault(T(t.tensor_type), t)
    for q, t in seen.items():
        want = str(values(t)) + '\n'
        got = run(ckpt, 'show', path, t.name)
        print(f'show {t.name} ({q.name.lower()}):', 'equals torch str() of gguf-py values' if got == want else 'DIFFERS')
        ok &= got == want

    if '--values' in argv:
        from safetensors.torch import load_file
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, 'all.safetensors')
            run(ckpt, 'convert', path, out)
            written = load_file(out)
        stats = {}
        for t in reader.tensors:
            q = T(t.tensor_type)
            want = values(t)
            got = written[t.name]
            if q in (T.F16, T.BF16):
                got, want = got.float(), want.float()
            a, b = got.numpy(), want.numpy()
            differing = int((a.view(np.uint8).reshape(a.size, -1) != b.view(np.uint8).reshape(b.size, -1)).any(axis=1).sum())
            diff = float(np.nanmax(np.abs(a.astype(np.float64) - b.astype(np.float64)))) if a.size else 0.0
            s = stats.setdefault(q.name.lower(), [0, 0, 0, 0.0])
            s[0] += 1
            s[1] += a.size
            s[2] += differing
            s[3] = max(s[3], diff)
        for name, (n, elems, differing, diff) in stats.items():
            print(f'values {name}: {n} tensors, {elems:,} elements, {differing} differ from gguf.quants, max |diff| {diff}')
            ok &= differing == 0
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
