"""GGUF fixtures written by gguf-py's own writer (`gguf.GGUFWriter`, gguf 0.19), with what gguf-py's reader and
dequantizer report about them in `manifest.json` and `<file>.values.npz`.

    python3 Fixtures/generate.py gguf_files

Files (all under Fixtures/gguf_files/; the module cannot be named gguf.py: it would shadow the gguf package):
  types.gguf         one tensor per ggml type ckpt dequantizes, in ranks 1-4. Q4_0/Q4_1/Q5_0/Q5_1/Q8_0 and BF16
                     are quantized by `gguf.quants.quantize`; Q2_K..Q6_K, IQ4_NL and IQ4_XS (which gguf.quants
                     cannot quantize) are random raw blocks with finite half-precision scales; Q8_K (which
                     gguf.quants lacks entirely) is built by hand, its expected values d*q computed in float32
                     (FORMATS-MORE.md section 1.5). F32/F16 hold NaN, inf, -0.0 and subnormals.
  unsupported.gguf   random raw blocks of the types ckpt lists but does not dequantize (IQ2/IQ3/IQ1, TQ, MXFP4).
  metadata.gguf      a metadata value of every GGUF type (scalars, strings, arrays of each, nested and long
                     arrays), general.alignment = 64, and three small tensors.
  v2.gguf            a gguf-py file whose version field is patched to 2 (v2 and v3 differ only in that field;
                     v3 added big-endian files).
  split-0000K-of-00003.gguf   gguf-py's writer splitting five tensors (f32, q8_0, f16, q4_0, i32) two per file;
                     the manifest's record of part 1 lists every part's tensors (ckpt reads part 1 as the model).
  bigendian.gguf     GGUFWriter(endianess=BIG): F32/F16/I32/I64/F64 tensors byte-swapped, metadata too, and one
                     Q8_0 tensor (gguf-py writes quantized blocks unswapped).
  llama/model.safetensors   a tiny transformers LlamaForCausalLM (hidden 32, 4 heads, 2 KV heads, 2 layers,
                     attention biases, untied head), with its config.json;
  llama/model.f32.gguf      the same weights converted as llama.cpp's convert_hf_to_gguf.py does (names from gguf-py's
                     tensor map, Q and K rows permuted per head with n_head / n_head_kv), all float32;
  llama/model.quant.gguf    the same with the 2-D weights quantized (Q8_0, Q4_0, Q5_0, Q4_1, Q5_1) and the head F16.
  qwen3/model.safetensors, qwen3/model.f32.gguf   a tiny Qwen3ForCausalLM and its F32 conversion (names mapped as
                     gguf-py's tensor map does, no permutation: NEOX RoPE).
  gemma3/model.safetensors, gemma3/model.f32.gguf   a tiny Gemma3ForCausalLM (weights rounded to bf16, saved as
                     float32) and its F32 conversion as llama.cpp's Gemma3Model makes it: names mapped, every
                     `*norm.weight` stored + 1, the tied head left out.

manifest.json: per file its version, byte order, alignment, metadata {key: {type, value}} (arrays over 64
elements as {type: array, element_type, count, head: first 8}) and tensors in file order {key, ggml_type, dtype
(as ckpt names it), shape (PyTorch order: gguf-py's ne reversed), numel, bytes}; for the llama pair the
Hugging Face key each GGUF tensor maps to and, per key, the max |hf - gguf| after undoing the permutation, and
for the quantized llama `verify_against`: what `verify llama --tokens ... --against model.quant.gguf` must report
(per-position max |a-b|, KL, top-1) as transformers computes it with gguf.quants' dequantized weights;
for types.gguf, `torch_str`: PyTorch's str() of a few tensors (what `ckpt show` prints).
<file>.values.npz (not for the llama pair): each tensor's values as gguf-py reads them (dequantized to float32 for quantized types;
float32 for F16/BF16; the stored dtype for the others), in PyTorch shape.
"""
import importlib.metadata
import json
import pathlib
import shutil

import numpy as np
import torch

import gguf
from gguf import GGMLQuantizationType as T, GGUFValueType as V
from gguf.quants import dequantize, quantize

from _gguf_llama import gemma3_files, llama_files, qwen3_files

PLAIN = {T.F32: 'float32', T.F16: 'float16', T.BF16: 'bfloat16', T.F64: 'float64',
         T.I8: 'int8', T.I16: 'int16', T.I32: 'int32', T.I64: 'int64'}
# The quantized types ckpt dequantizes (Q8_K has no gguf.quants dequantizer: its values come from the formula).
DEQUANTIZED = {T.Q4_0, T.Q4_1, T.Q5_0, T.Q5_1, T.Q8_0, T.Q2_K, T.Q3_K, T.Q4_K, T.Q5_K, T.Q6_K, T.IQ4_NL, T.IQ4_XS}
LIST_LIMIT, HEAD = 64, 8
NESTED = [[1, 2], [3, 4, 5]]


def ckpt_dtype(t):
    return PLAIN.get(t, t.name.lower())


def random_halves(rng, n, lo, hi):
    return rng.uniform(lo, hi, size=n).astype(np.float16).view(np.uint8).reshape(n, 2)


def raw_blocks(rng, qtype, rows, cols):
    """Random blocks of `qtype` for a (rows, cols) tensor, with finite scales where the type has f16 scales."""
    block, size = gguf.GGML_QUANT_SIZES[qtype]
    n = rows * cols // block
    b = rng.integers(0, 256, size=(n, size), dtype=np.uint8)
    # Byte offsets of the half-precision scale fields (ggml-common.h), given sane values.
    halves = {T.Q2_K: [(80, 0.001, 0.05), (82, 0.0, 0.02)], T.Q3_K: [(108, -0.05, 0.05)],
              T.Q4_K: [(0, 0.001, 0.05), (2, 0.0, 0.02)], T.Q5_K: [(0, 0.001, 0.05), (2, 0.0, 0.02)],
              T.Q6_K: [(208, -0.02, 0.02)], T.IQ4_NL: [(0, -0.02, 0.02)], T.IQ4_XS: [(0, -0.02, 0.02)],
              T.IQ2_XXS: [(0, 0.001, 0.02)], T.IQ2_XS: [(0, 0.001, 0.02)], T.IQ2_S: [(0, 0.001, 0.02)],
              T.IQ3_XXS: [(0, 0.001, 0.02)], T.IQ3_S: [(0, 0.001, 0.02)], T.IQ1_S: [(0, 0.001, 0.02)],
              T.TQ1_0: [(52, 0.001, 0.02)], T.TQ2_0: [(64, 0.001, 0.02)]}
    for off, lo, hi in halves.get(qtype, []):
        b[:, off:off + 2] = random_halves(rng, n, lo, hi)
    if qtype == T.MXFP4:
        b[:, 0] = rng.integers(118, 130, size=n, dtype=np.uint8)  # e8m0 exponents near 1.0
    return b.reshape(rows, cols // block * size)


def q8_k_blocks(rng, rows, cols):
    """block_q8_K { float d; int8 qs[256]; int16 bsums[16] } by hand, and its values d*q in float32."""
    n = rows * cols // 256
    d = rng.uniform(0.001, 0.05, size=(n, 1)).astype(np.float32)
    qs = rng.integers(-128, 128, size=(n, 256)).astype(np.int8)
    bsums = qs.astype(np.int16).reshape(n, 16, 16).sum(axis=-1, dtype=np.int16)
    raw = np.concatenate([d.view(np.uint8), qs.view(np.uint8), bsums.astype('<i2').view(np.uint8)], axis=1)
    values = (d * qs.astype(np.float32)).astype(np.float32)
    return raw.reshape(rows, -1), values.reshape(rows, cols)


def special_floats(rng, shape, dtype):
    a = rng.standard_normal(shape).astype(np.float32)
    flat = a.reshape(-1)
    flat[:6] = [np.nan, np.inf, -np.inf, -0.0, 1e-40 if dtype == np.float32 else 1e-6, 65504.0]
    return a.astype(dtype)


def field_record(field):
    """A metadata field as gguf-py's reader gives it, summarised as ckpt summarises long arrays."""
    main = field.types[0]
    if main != V.ARRAY:
        value = field.contents()
        if main == V.FLOAT32 or main == V.FLOAT64:
            value = float(value)
        return {'type': main.name.lower(), 'value': value}
    values = field.contents()
    element = field.types[1]
    if element == V.ARRAY:  # nested: gguf-py flattens the leaves; the outer count is the array's own field
        return {'type': 'array', 'element_type': 'array', 'count': int(field.parts[4][0])}
    if element in (V.FLOAT32, V.FLOAT64):
        values = [float(v) for v in values]
    if len(values) <= LIST_LIMIT:
        return {'type': 'array', 'element_type': element.name.lower(), 'value': values}
    return {'type': 'array', 'element_type': element.name.lower(), 'count': len(values), 'head': values[:HEAD]}


def read_back(path):
    """Everything gguf-py's reader says about `path`: the manifest record and the values to compare with."""
    r = gguf.GGUFReader(str(path))
    meta = {}
    for name, field in r.fields.items():
        if name.startswith('GGUF.'):
            continue
        meta[name] = field_record(field)
    tensors, values = [], {}
    for t in r.tensors:
        shape = [int(x) for x in reversed(t.shape.tolist())]
        qtype = T(t.tensor_type)
        if qtype in PLAIN:
            v = np.array(t.data)
            if qtype == T.BF16:
                v = (v.view(np.uint16).astype(np.uint32) << 16).view(np.float32)
            elif qtype == T.F16:
                v = v.astype(np.float32)
            v = v.astype(v.dtype.newbyteorder('<'))
        elif qtype == T.Q8_K:
            v = None  # filled in by the caller (gguf.quants has no Q8_K)
        elif qtype in DEQUANTIZED and r.byte_order != 'S':  # ckpt refuses quantized blocks of big-endian files
            v = dequantize(np.array(t.data), qtype)
        else:
            v = None  # listed by ckpt, not dequantized: no values to compare
        if v is not None:
            values[t.name] = np.ascontiguousarray(v.reshape(shape))
        tensors.append({'key': t.name, 'ggml_type': qtype.name.lower(), 'dtype': ckpt_dtype(qtype), 'shape': shape,
                        'numel': int(t.n_elements), 'bytes': int(t.n_bytes)})
    version = int(r.fields['GGUF.version'].parts[-1][0])
    return {'version': version, 'byte_order': 'big' if r.byte_order == 'S' else 'little',
            'alignment': int(r.alignment), 'metadata': meta, 'tensors': tensors}, values


def types_file(out, rng):
    w = gguf.GGUFWriter(str(out / 'types.gguf'), 'ckpt-types')
    w.add_string('general.name', 'every ggml type ckpt dequantizes')
    expected = {}
    w.add_tensor('f32', special_floats(rng, (4, 8), np.float32))
    w.add_tensor('f16', special_floats(rng, (3, 8), np.float16))
    bf = quantize(special_floats(rng, (2, 16), np.float32), T.BF16)
    w.add_tensor('bf16', bf, raw_dtype=T.BF16)
    for name, qtype, shape in [('q4_0', T.Q4_0, (2, 3, 64)), ('q4_1', T.Q4_1, (5, 32)), ('q5_0', T.Q5_0, (4, 64)),
                               ('q5_1', T.Q5_1, (3, 96)), ('q8_0', T.Q8_0, (2, 2, 2, 32))]:
        x = (rng.standard_normal(shape) * 0.1).astype(np.float32)
        w.add_tensor(name, quantize(x, qtype), raw_dtype=qtype)
    for name, qtype, rows, cols in [('q2_k', T.Q2_K, 3, 512), ('q3_k', T.Q3_K, 3, 512), ('q4_k', T.Q4_K, 2, 512),
                                    ('q5_k', T.Q5_K, 2, 256), ('q6_k', T.Q6_K, 3, 256), ('iq4_nl', T.IQ4_NL, 5, 64),
                                    ('iq4_xs', T.IQ4_XS, 2, 512)]:
        w.add_tensor(name, raw_blocks(rng, qtype, rows, cols), raw_dtype=qtype)
    raw, values = q8_k_blocks(rng, 2, 512)
    w.add_tensor('q8_k', raw, raw_dtype=T.Q8_K)
    expected['q8_k'] = values
    w.add_tensor('i8', rng.integers(-128, 128, size=7).astype(np.int8))
    w.add_tensor('i16', rng.integers(-32768, 32768, size=(3, 5)).astype(np.int16))
    w.add_tensor('i32', rng.integers(-2**31, 2**31, size=(2, 3, 4, 5)).astype(np.int32))
    w.add_tensor('i64', np.array([0, -1, 2**62, -2**63, 2**63 - 1, 7], dtype=np.int64))
    # 64 bytes: the file ends with this tensor's last byte, no padding after it (cutting padding is no damage).
    w.add_tensor('f64', np.array([[1.5, -0.0, np.pi, 0.0], [np.inf, 1e-310, -2.0, 7.0]], dtype=np.float64))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return expected


def unsupported_file(out, rng):
    w = gguf.GGUFWriter(str(out / 'unsupported.gguf'), 'ckpt-unsupported')
    for qtype in [T.IQ2_XXS, T.IQ2_XS, T.IQ3_XXS, T.IQ1_S, T.IQ3_S, T.IQ2_S, T.IQ1_M, T.TQ1_0, T.TQ2_0, T.MXFP4]:
        block = gguf.GGML_QUANT_SIZES[qtype][0]
        w.add_tensor(qtype.name.lower(), raw_blocks(rng, qtype, 2, max(256, block)), raw_dtype=qtype)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def metadata_file(out, rng):
    w = gguf.GGUFWriter(str(out / 'metadata.gguf'), 'ckpt-metadata')
    w.add_custom_alignment(64)
    w.add_uint8('t.uint8', 255)
    w.add_int8('t.int8', -128)
    w.add_uint16('t.uint16', 65535)
    w.add_int16('t.int16', -32768)
    w.add_uint32('t.uint32', 4294967295)
    w.add_int32('t.int32', -2147483648)
    w.add_float32('t.float32', 1e-6)
    w.add_uint64('t.uint64', 2**64 - 1)
    w.add_int64('t.int64', -2**63)
    w.add_float64('t.float64', 0.1)
    w.add_bool('t.bool.true', True)
    w.add_bool('t.bool.false', False)
    w.add_string('t.string', 'héllo, wörld: \'quoted\' "double" \\ back')
    w.add_key_value('t.string.empty', '', V.STRING)  # add_string skips empty strings
    for sub, values in [(V.UINT8, [0, 1, 255]), (V.INT8, [-1, 2]), (V.UINT16, [7]), (V.INT16, [-7, 8]),
                        (V.UINT32, [1, 2, 3]), (V.INT32, [-5, 5]), (V.FLOAT32, [0.5, -1.25]), (V.BOOL, [True, False]),
                        (V.UINT64, [2**63]), (V.INT64, [-(2**40)]), (V.FLOAT64, [1e-300, 2.5]),
                        (V.STRING, ['a', '', 'ünïcode'])]:
        w.add_key_value(f'a.{sub.name.lower()}', values, V.ARRAY, sub_type=sub)
    w.add_array('a.long.int32', [int(x) for x in rng.integers(-1000, 1000, size=1000)])
    w.add_array('a.long.string', [f'tok{i}' for i in range(70)])
    w.add_array('a.long.float32', [float(x) for x in rng.standard_normal(300).astype(np.float32)])
    w.add_array('a.exactly64', list(range(64)))
    w.add_array('a.nested', NESTED)
    w.add_tensor('x', rng.standard_normal((3, 5)).astype(np.float32))
    w.add_tensor('y', np.arange(7, dtype=np.int32))
    w.add_tensor('z', rng.standard_normal(33).astype(np.float16))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def v2_file(out, rng):
    path = out / 'v2.gguf'
    w = gguf.GGUFWriter(str(path), 'ckpt-v2')
    w.add_uint32('v2.answer', 42)
    w.add_tensor('w', rng.standard_normal((2, 32)).astype(np.float32))
    w.add_tensor('q', quantize(rng.standard_normal((1, 32)).astype(np.float32), T.Q8_0), raw_dtype=T.Q8_0)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    data = bytearray(path.read_bytes())
    assert data[4:8] == (3).to_bytes(4, 'little')
    data[4:8] = (2).to_bytes(4, 'little')
    path.write_bytes(bytes(data))


def split_files(out, rng):
    """split-0000K-of-00003.gguf: gguf-py's writer splitting a model at 2 tensors per file (as llama.cpp's
    gguf-split does by size): the metadata in part 1, split.no/split.count/split.tensors.count in every part."""
    w = gguf.GGUFWriter(str(out / 'split.gguf'), 'ckpt-split', split_max_tensors=2)
    w.add_uint32('split_test.answer', 7)
    w.add_tensor('a', rng.standard_normal((3, 4)).astype(np.float32))
    w.add_tensor('b', quantize(rng.standard_normal((2, 64)).astype(np.float32), T.Q8_0), raw_dtype=T.Q8_0)
    w.add_tensor('c', rng.standard_normal((5,)).astype(np.float16))
    w.add_tensor('d', quantize(rng.standard_normal((1, 256)).astype(np.float32), T.Q4_0), raw_dtype=T.Q4_0)
    w.add_tensor('e', rng.integers(-9, 9, size=(2, 2)).astype(np.int32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def bigendian_file(out, rng):
    w = gguf.GGUFWriter(str(out / 'bigendian.gguf'), 'ckpt-bigendian', endianess=gguf.GGUFEndian.BIG)
    w.add_uint32('be.uint32', 0x01020304)
    w.add_float32('be.float32', 1.5)
    w.add_int64('be.int64', -2)
    w.add_string('be.string', 'big')
    w.add_array('be.array', [1, 2, 3])
    w.add_tensor('f32', special_floats(rng, (3, 4), np.float32))
    w.add_tensor('f16', special_floats(rng, (2, 8), np.float16))
    w.add_tensor('i32', np.array([1, -2, 0x01020304], dtype=np.int32))
    w.add_tensor('i64', np.array([[2**40, -3]], dtype=np.int64))
    w.add_tensor('f64', np.array([0.25, -1e100], dtype=np.float64))
    w.add_tensor('q8_0', quantize(rng.standard_normal((1, 32)).astype(np.float32), T.Q8_0), raw_dtype=T.Q8_0)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def torch_strings(path, keys):
    """`str(tensor)` as PyTorch prints each tensor gguf-py reads (dequantized to float32 when quantized): what
    `ckpt show` must print."""
    out = {}
    for t in gguf.GGUFReader(str(path)).tensors:
        if t.name not in keys:
            continue
        shape = [int(x) for x in reversed(t.shape.tolist())]
        qtype = T(t.tensor_type)
        if qtype == T.BF16:
            x = torch.from_numpy(np.array(t.data).view(np.int16).copy()).view(torch.bfloat16)
        elif qtype in PLAIN:
            x = torch.from_numpy(np.array(t.data).copy())
        elif qtype == T.Q8_K:
            continue
        else:
            x = torch.from_numpy(dequantize(np.array(t.data), qtype))
        out[t.name] = str(x.reshape(shape))
    return out


def generate(root):
    out = pathlib.Path(root) / 'gguf_files'
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    rng = np.random.default_rng(13)
    extra_values = {'types.gguf': types_file(out, rng)}
    unsupported_file(out, rng)
    metadata_file(out, rng)
    v2_file(out, rng)
    bigendian_file(out, rng)
    llama = llama_files(out)
    llama.update(qwen3_files(out))
    llama.update(gemma3_files(out))
    split_files(out, np.random.default_rng(17))

    manifest = {'versions': {'gguf': importlib.metadata.version('gguf'),
                             'numpy': np.__version__, 'torch': torch.__version__.split('+')[0]},
                'files': {}}
    read = {}
    for path in sorted(out.rglob('*.gguf')):
        name = str(path.relative_to(out))
        record, values = read_back(path)
        values.update(extra_values.get(name, {}))
        record.update(llama.get(name, {}))
        if name == 'types.gguf':
            record['torch_str'] = torch_strings(path, {'q4_k', 'q8_0', 'iq4_xs', 'f16', 'bf16', 'i16'})
        if name == 'metadata.gguf':
            record['metadata']['a.nested']['value'] = NESTED  # what was written; gguf-py reads nested arrays flat
        read[name] = record, values
    # The first part of a split stands for the whole model: every part's tensors and values, in part order.
    first, rest = read['split-00001-of-00003.gguf'], [read[f'split-0000{k}-of-00003.gguf'] for k in (2, 3)]
    for record, values in rest:
        first[0]['tensors'] += record['tensors']
        first[1].update(values)
    for name, (record, values) in read.items():
        manifest['files'][name] = record
        if values and '/' not in name:  # the llama and qwen3 conversions are checked through diff (manifest)
            np.savez(out / (name + '.values.npz'), **values)
    (out / 'manifest.json').write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + '\n')
