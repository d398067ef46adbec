"""ONNX files written by `torch.onnx.export` and by the `onnx` library (1.23), with what the onnx library reads from
each (`onnx.load` with external data, `onnx.numpy_helper.to_array`), for ckpt's ONNX reader.

    python3 Fixtures/generate.py onnx_files

Files (under Fixtures/onnx_files/):
  exported.onnx   torch.onnx.export (the TorchScript-based exporter, dynamo=False) of Conv2d + BatchNorm2d + a
                  Linear on 3-D input (its weight constant-folded, transposed and renamed onnx::MatMul_N) + a buffer.
  types.onnx      onnx.helper: an initializer of every dtype ckpt reads, in raw_data and in the typed fields
                  (float_data, int32_data for float16/bfloat16/bool/int8/int16/uint8/uint16, int64_data,
                  double_data, uint64_data), a 0-dim and an empty tensor; Constant nodes (value, value_float,
                  value_ints); an If node without a name whose branches hold Constants with the same output names,
                  one branch holding a nested If and an initializer of its own.
  external.onnx + external.onnx.data   onnx.save(save_as_external_data=True): tensors of 64 bytes or more moved to
                  one data file at onnx's offsets, smaller ones kept inline.
  hostile/*.onnx  valid protobuf with lying contents: an external location leaving the folder (.. and absolute),
                  a region past the end of the data file, raw_data shorter than the dims say, a negative dim,
                  dims whose product overflows, an unknown data type, subgraphs nested 30 deep.
  <file>.json     {format: onnx, tensors: [{key, dtype, shape, sha256}]}: the graph's initializers under their names,
                  then the tensors of Constant nodes keyed by their output name, depth-first, with subgraphs' keys
                  prefixed by '<node name or OpType_index>.<attribute>.' (numpy_helper's values; bfloat16 from the
                  stored bits).
"""
import hashlib
import json
import os

import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import TensorProto, helper, numpy_helper

from _folders import fresh

DTYPES = {TensorProto.FLOAT: 'float32', TensorProto.DOUBLE: 'float64', TensorProto.FLOAT16: 'float16',
          TensorProto.BFLOAT16: 'bfloat16', TensorProto.INT64: 'int64', TensorProto.INT32: 'int32',
          TensorProto.INT16: 'int16', TensorProto.INT8: 'int8', TensorProto.UINT8: 'uint8', TensorProto.UINT16: 'uint16',
          TensorProto.UINT32: 'uint32', TensorProto.UINT64: 'uint64', TensorProto.BOOL: 'bool'}


def record(key, t):
    a = numpy_helper.to_array(t)
    if t.data_type == TensorProto.BFLOAT16:  # to_array widens bfloat16 to float32; ckpt keeps the stored bits
        a = (a.astype(np.float32).view(np.uint32) >> 16).astype(np.uint16)
    a = np.ascontiguousarray(a)
    return {'key': key, 'dtype': DTYPES[t.data_type], 'shape': list(t.dims),
            'sha256': hashlib.sha256(a.astype(a.dtype.newbyteorder('<')).tobytes()).hexdigest()}


def walk(graph, prefix, out):
    """The reader's order and keys: initializers, then Constant nodes and subgraphs depth-first, in node order."""
    for t in graph.initializer:
        out.append(record(prefix + t.name, t))
    seen = {}
    for node in graph.node:
        owner = node.name
        if not owner:
            owner = f'{node.op_type}_{seen.get(node.op_type, 0)}'
        seen[node.op_type] = seen.get(node.op_type, 0) + 1
        if node.op_type == 'Constant' and node.domain in ('', 'ai.onnx'):
            for a in node.attribute:
                if a.name == 'value':
                    out.append(record(prefix + node.output[0], a.t))
                elif a.name in ('value_float', 'value_floats', 'value_int', 'value_ints'):
                    t = numpy_helper.to_array(helper.make_tensor('x', TensorProto.FLOAT if 'float' in a.name else TensorProto.INT64,
                                                                  [] if a.name in ('value_float', 'value_int') else [len(a.floats or a.ints)],
                                                                  [a.f] if a.name == 'value_float' else [a.i] if a.name == 'value_int'
                                                                  else list(a.floats) or list(a.ints)))
                    out.append(record(prefix + node.output[0], numpy_helper.from_array(t)))
        for a in node.attribute:
            if a.type == onnx.AttributeProto.GRAPH:
                walk(a.g, f'{prefix}{owner}.{a.name}.', out)
            elif a.type == onnx.AttributeProto.GRAPHS:
                for k, g in enumerate(a.graphs):
                    walk(g, f'{prefix}{owner}.{a.name}.{k}.', out)
    return out


def describe(path):
    model = onnx.load(str(path), load_external_data=True)
    return {'format': 'onnx', 'tensors': walk(model.graph, '', [])}


class Exported(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3)
        self.bn = nn.BatchNorm2d(2)
        self.lin = nn.Linear(4, 3)
        self.register_buffer('offset', torch.tensor([0.5, -0.5, 1.5]))

    def forward(self, x):
        y = self.bn(self.conv(x)).flatten(2)  # (N, 2, 4): a Linear on 3-D input becomes MatMul + Add
        return self.lin(y) + self.offset


def exported(out):
    torch.manual_seed(5)
    m = Exported().eval()
    m.bn.running_mean.uniform_(-1, 1)
    m.bn.running_var.uniform_(0.5, 2)
    torch.onnx.export(m, (torch.randn(1, 1, 4, 4),), str(out / 'exported.onnx'), dynamo=False)


def typed(name, dtype, dims, values):
    """A tensor with its values in the typed field onnx.helper uses for the dtype (raw=False)."""
    return helper.make_tensor(name, dtype, dims, values, raw=False)


def raw(name, array):
    return numpy_helper.from_array(array, name)


def types(out, rng):
    bf = rng.standard_normal(6).astype(np.float32)
    bf_bits = (bf.view(np.uint32) >> 16).astype(np.uint16)
    inits = [
        raw('raw.float32', rng.standard_normal((2, 3)).astype(np.float32)),
        raw('raw.float64', rng.standard_normal(3)), raw('raw.float16', rng.standard_normal((3, 2)).astype(np.float16)),
        raw('raw.int64', np.array([-1, 2**62, -2**63], dtype=np.int64)), raw('raw.int32', np.arange(-3, 3, dtype=np.int32)),
        raw('raw.int16', np.array([-32768, 7], dtype=np.int16)), raw('raw.int8', np.array([-128, 127, 0], dtype=np.int8)),
        raw('raw.uint8', np.array([0, 255], dtype=np.uint8)), raw('raw.uint16', np.array([65535], dtype=np.uint16)),
        raw('raw.uint32', np.array([2**32 - 1], dtype=np.uint32)), raw('raw.uint64', np.array([2**64 - 1], dtype=np.uint64)),
        raw('raw.bool', np.array([True, False, True])), raw('raw.scalar', np.array(3.25, dtype=np.float32)),
        raw('raw.empty', np.zeros((0, 4), dtype=np.float32)),
        typed('typed.float32', TensorProto.FLOAT, [2, 2], [1.5, -0.0, float('inf'), 1e-45]),
        typed('typed.float64', TensorProto.DOUBLE, [2], [np.pi, -1e300]),
        typed('typed.float16', TensorProto.FLOAT16, [3], np.array([1.0, -2.5, 65504], dtype=np.float16)),
        helper.make_tensor('typed.bfloat16', TensorProto.BFLOAT16, [2, 3], bf_bits.astype(np.int32).tolist(), raw=False),
        typed('typed.int64', TensorProto.INT64, [2], [-5, 2**40]), typed('typed.int32', TensorProto.INT32, [2], [-7, 7]),
        typed('typed.int16', TensorProto.INT16, [2], [-300, 300]), typed('typed.int8', TensorProto.INT8, [2], [-100, 100]),
        typed('typed.uint8', TensorProto.UINT8, [2], [0, 200]), typed('typed.uint16', TensorProto.UINT16, [1], [60000]),
        typed('typed.uint32', TensorProto.UINT32, [1], [4000000000]), typed('typed.uint64', TensorProto.UINT64, [1], [2**63 + 1]),
        typed('typed.bool', TensorProto.BOOL, [2], [True, False]),
    ]

    def const(output, **value):
        return helper.make_node('Constant', [], [output], **value)

    inner = helper.make_graph([const('deep', value=raw('d', np.array([9, 8], dtype=np.int64)))], 'inner', [],
                              [helper.make_tensor_value_info('deep', TensorProto.INT64, [2])])
    then_branch = helper.make_graph(
        [const('w', value=raw('w', rng.standard_normal((2, 2)).astype(np.float32))),
         helper.make_node('If', ['cond'], ['deep'], then_branch=inner, else_branch=inner)],
        'then', [], [helper.make_tensor_value_info('w', TensorProto.FLOAT, [2, 2])],
        initializer=[raw('branch_init', np.array([1, 2, 3], dtype=np.int32))])
    else_branch = helper.make_graph([const('w', value=raw('w', rng.standard_normal((2, 2)).astype(np.float32)))], 'else', [],
                                    [helper.make_tensor_value_info('w', TensorProto.FLOAT, [2, 2])])
    nodes = [const('c.tensor', value=raw('c', rng.standard_normal((2, 2)).astype(np.float32))),
             const('c.float', value_float=0.25), const('c.ints', value_ints=[3, -1, 4]),
             helper.make_node('If', ['cond'], ['w'], then_branch=then_branch, else_branch=else_branch),
             helper.make_node('Add', ['raw.float32', 'raw.float32'], ['sum'], name='add')]
    graph = helper.make_graph(nodes, 'types', [helper.make_tensor_value_info('cond', TensorProto.BOOL, [])],
                              [helper.make_tensor_value_info('sum', TensorProto.FLOAT, [2, 3])], initializer=inits)
    model = helper.make_model(graph, producer_name='ckpt-fixtures', opset_imports=[helper.make_opsetid('', 17)])
    model.metadata_props.add(key='purpose', value='every dtype')
    onnx.save(model, str(out / 'types.onnx'))


def external(out, rng):
    inits = [raw('big', rng.standard_normal((4, 8)).astype(np.float32)), raw('small', np.array([1, 2], dtype=np.int64)),
             raw('half', rng.standard_normal((5, 7)).astype(np.float16)), raw('ids', np.arange(10, dtype=np.int64))]
    graph = helper.make_graph([helper.make_node('Identity', ['big'], ['y'])], 'external', [],
                              [helper.make_tensor_value_info('y', TensorProto.FLOAT, [4, 8])], initializer=inits)
    model = helper.make_model(graph, producer_name='ckpt-fixtures', opset_imports=[helper.make_opsetid('', 17)])
    onnx.save(model, str(out / 'external.onnx'), save_as_external_data=True, all_tensors_to_one_file=True,
              location='external.onnx.data', size_threshold=64)


def hostile(out):
    base = out / 'hostile'
    base.mkdir()
    (base / 'data.bin').write_bytes(bytes(64))

    def save(name, tensors=(), nodes=()):
        graph = helper.make_graph(list(nodes), name, [], [], initializer=list(tensors))
        onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid('', 17)]), str(base / (name + '.onnx')))

    def ext(name, location, offset=0, length=16):
        t = TensorProto(name='x', data_type=TensorProto.FLOAT, dims=[4])
        t.data_location = TensorProto.EXTERNAL
        for k, v in [('location', location), ('offset', str(offset)), ('length', str(length))]:
            t.external_data.add(key=k, value=v)
        save(name, [t])
    ext('escape', '../hostile/data.bin')
    ext('absolute', os.path.abspath(base / 'data.bin'))
    ext('past_end', 'data.bin', offset=56)
    short = TensorProto(name='x', data_type=TensorProto.FLOAT, dims=[4], raw_data=bytes(12))
    save('short_raw', [short])
    save('negative_dim', [TensorProto(name='x', data_type=TensorProto.FLOAT, dims=[-1, 4], raw_data=bytes(16))])
    save('overflow', [TensorProto(name='x', data_type=TensorProto.FLOAT, dims=[2**40, 2**40, 2**40], raw_data=bytes(4))])
    save('unknown_type', [TensorProto(name='x', data_type=99, dims=[1], raw_data=bytes(4))])
    g = helper.make_graph([], 'leaf', [], [])
    for _ in range(30):
        g = helper.make_graph([helper.make_node('If', ['c'], [], then_branch=g, else_branch=helper.make_graph([], 'e', [], []))], 'g', [], [])
    onnx.save(helper.make_model(g), str(base / 'deep.onnx'))


def generate(root):
    out = fresh(root, 'onnx_files')
    rng = np.random.default_rng(11)
    exported(out)
    types(out, rng)
    external(out, rng)
    hostile(out)
    for name in ['exported.onnx', 'types.onnx', 'external.onnx']:
        (out / (name + '.json')).write_text(json.dumps(describe(out / name), indent=1) + '\n')
