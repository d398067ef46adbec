#!/usr/bin/env python3
"""By hand (not CI): `ckpt convert` of every TorchScript, torch.export, DCP and ONNX fixture to `.pt`, read back by
torch and compared with what the reference library itself gives for the original:

  torchscript_files/*.pt       torch.jit.load(f).state_dict()
  torchscript_files/*.pt2      torch.export.load(f).state_dict
  dcp_files/{single,sharded}   torch.distributed.checkpoint.format_utils.dcp_to_torch_save, then torch.load
  onnx_files/*.onnx            the onnx library: graph initializers, then Constant node tensors (subgraphs prefixed
                               by the owning node, or OpType_N when it has no name, and the attribute)

Keys in order, nesting, dtypes, shapes and every value bit for bit.

    python3 Fixtures/check_formats_with_torch.py [CKPT] [EXTRA_FILE ...]

CKPT defaults to .build/debug/ckpt. EXTRA_FILE: more .jit/.pt/.onnx files to check the same way (e.g. silero-vad's
`silero_vad.jit` and `silero_vad*.onnx` from its PyPI wheel). Prints one line per file; exits 1 if any differs.
"""
import pathlib
import subprocess
import sys
import tempfile
import warnings

import torch

warnings.filterwarnings('ignore')
HERE = pathlib.Path(__file__).resolve().parent


def bits(t):
    t = t.detach().contiguous().reshape(-1)
    return t.view(torch.uint8) if t.dtype.is_floating_point or t.dtype.is_complex else t


def same(a, b, label, problems):
    """a: torch's load of ckpt's .pt; b: the reference library's value."""
    if isinstance(b, (list, tuple)):
        if type(a) is not type(b) or len(a) != len(b):
            problems.append(f'{label}: {type(a).__name__} of {len(a)} vs {type(b).__name__} of {len(b)}')
            return
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f'{label}[{i}]', problems)
    elif isinstance(b, dict):
        if not isinstance(a, dict) or list(a) != list(b):
            problems.append(f'{label}: keys differ: {list(a)[:4]}… vs {list(b)[:4]}…')
            return
        for k in b:
            same(a[k], b[k], f'{label}.{k}', problems)
    elif isinstance(b, torch.Tensor):
        if not (isinstance(a, torch.Tensor) and a.dtype == b.dtype and a.shape == b.shape
                and torch.equal(bits(a), bits(b))):
            problems.append(f'{label}: tensor differs')
    elif a != b:
        problems.append(f'{label}: {a!r} vs {b!r}')


def onnx_reference(path):
    import onnx
    from onnx import numpy_helper
    model = onnx.load(str(path))
    out = {}

    def tensor(t):
        a = numpy_helper.to_array(t).copy()
        # ml_dtypes arrays (bf16, fp8) have no numpy twin torch accepts: their bits, viewed as torch's dtype.
        special = {'bfloat16': (torch.int16, torch.bfloat16), 'float8_e4m3fn': (torch.uint8, torch.float8_e4m3fn),
                   'float8_e5m2': (torch.uint8, torch.float8_e5m2)}
        if a.dtype.name in special:
            carrier, dtype = special[a.dtype.name]
            raw = a.view('<i2' if carrier == torch.int16 else 'u1')
            return torch.from_numpy(raw).view(dtype)
        return torch.from_numpy(a)

    def walk(graph, prefix):
        for t in graph.initializer:
            out[prefix + t.name] = tensor(t)
        counts = {}
        for node in graph.node:
            name = node.name
            if not name:
                name = f'{node.op_type}_{counts.get(node.op_type, 0)}'
                counts[node.op_type] = counts.get(node.op_type, 0) + 1
            if node.op_type == 'Constant':  # value, or the scalar/list forms ONNX defines for Constant
                for a in node.attribute:
                    if a.name == 'value':
                        out[prefix + node.output[0]] = tensor(a.t)
                    elif a.name in ('value_float', 'value_floats', 'value_int', 'value_ints'):
                        v = onnx.helper.get_attribute_value(a)
                        dtype = torch.float32 if 'float' in a.name else torch.int64
                        out[prefix + node.output[0]] = torch.tensor(v, dtype=dtype)
            for a in node.attribute:
                if a.type == onnx.AttributeProto.GRAPH:
                    walk(a.g, f'{prefix}{name}.{a.name}.')

    walk(model.graph, '')
    return out


def reference(path):
    path = pathlib.Path(path)
    if path.is_dir():
        from torch.distributed.checkpoint.format_utils import dcp_to_torch_save
        with tempfile.TemporaryDirectory() as tmp:
            dcp_to_torch_save(str(path), f'{tmp}/ref.pt')
            return torch.load(f'{tmp}/ref.pt', weights_only=False)
    if path.suffix == '.onnx':
        return onnx_reference(path)
    if path.suffix == '.pt2':
        return dict(torch.export.load(str(path)).state_dict)
    return dict(torch.jit.load(str(path)).state_dict())


def main(argv):
    ckpt = argv[0] if argv and not argv[0].endswith(('.jit', '.pt', '.pt2', '.onnx')) else '.build/debug/ckpt'
    extra = [a for a in argv if a != ckpt]
    files = (sorted(HERE.glob('torchscript_files/*.pt')) + sorted(HERE.glob('torchscript_files/*.pt2'))
             + [HERE / 'dcp_files/single', HERE / 'dcp_files/sharded'] + sorted(HERE.glob('onnx_files/*.onnx'))
             + [pathlib.Path(e) for e in extra])
    files = [f for f in files if not f.name.endswith('.state_dict.pt')]
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for f in files:
            out = f'{tmp}/out.pt'
            r = subprocess.run([ckpt, 'convert', str(f), out], capture_output=True, text=True)
            if r.returncode != 0:
                print(f'{f.name}: ckpt convert failed: {r.stderr.strip()}')
                failed += 1
                continue
            problems = []
            ref = reference(f)
            same(torch.load(out, weights_only=True), ref, f.name, problems)
            failed += bool(problems)
            print(f'{f.name}: ' + ('; '.join(problems[:3]) if problems else f'identical ({len(ref)} top-level entries)'))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
