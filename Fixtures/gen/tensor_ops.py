"""Golden values for CkptTensor ops: inputs, outputs and input gradients from PyTorch.

Writes Fixtures/tensor_ops/<family>.safetensors, golden files (`_golden.py`) with one case per op call, named
`<index>_<op>`. Each case holds its inputs (`in0`, `in1`, …), the output `out`, a random upstream gradient `g`
and the gradients `grad0`, … of `(out * g).sum()` for the inputs that require grad; its metadata holds the op's
arguments, `smooth`, `rtol`, `grad_fn` and the layout of those tensors (see `write_family`). Tensors over 256
elements keep every k-th element only, and large inputs are a `pattern` Swift recomputes, to keep the files
small. The op names and argument keys are shared with the Swift registry in Tests/CkptTensorTests/Ops/OpTable.swift.

Cases are built as records (`run_case`, the layout of the former JSON files) and written by `write_family`:
`python3 tensor_ops.py --convert OLD.json NEW.safetensors` writes a former JSON file in the new format with the
very numbers it holds.
"""
import json
import math
import pathlib
import sys

import torch
import torch.nn.functional as F

import _golden

from _tensor_op_table import OPS, _index  # noqa: E402


# Input specs: (shape, kind). Kinds: f = normal, requires grad; c = normal constant; pos = positive (grad);
# unit = in (0.05, 0.95) (grad); unitc = constant in (0, 1); prob = softmax over dim 1 (constant);
# logprob = log_softmax over dim 1 (grad); mask = bool; idx:N = int64 in [0, N); grid = evenly spaced values
# with exact zeros and ties (grad, non-smooth: no finite differences); the literal list form gives values.
def make_input(spec, gen):
    shape, kind = spec[0], spec[1]
    if kind.startswith('idx:'):
        n = int(kind[4:])
        t = torch.randint(0, n, shape, generator=gen)
        if len(spec) > 2:
            t = torch.tensor(spec[2], dtype=torch.int64).reshape(shape)
        return t, False
    if kind == 'values':
        return torch.tensor(spec[2], dtype=torch.float32).reshape(shape), spec[3] if len(spec) > 3 else True
    if kind == 'pattern':
        return pattern(shape, spec[2]), True
    if kind == 'mask':
        return (torch.rand(shape, generator=gen) > 0.5).float(), False
    base = torch.randn(shape, generator=gen)
    if kind == 'f':
        return base, True
    if kind == 'c':
        return base, False
    if kind == 'pos':
        return torch.rand(shape, generator=gen) * 2 + 0.5, True
    if kind == 'unit':
        return torch.rand(shape, generator=gen) * 0.9 + 0.05, True
    if kind == 'unitc':
        return torch.rand(shape, generator=gen), False
    if kind == 'prob':
        return F.softmax(base, dim=1 if len(shape) > 1 else 0), False
    if kind == 'logprob':
        return F.log_softmax(base, dim=1 if len(shape) > 1 else 0), True
    if kind == 'grid':
        n = math.prod(shape)
        vals = [round((i - n // 2) / 2) / 2 for i in range(n)]
        return torch.tensor(vals, dtype=torch.float32).reshape(shape), True
    raise ValueError(kind)


SAMPLES = 97  # big tensors store every k-th element only (k chosen so about this many remain)


def pattern(shape, salt):
    """Values in [-1, 1] that Swift recomputes exactly (integer arithmetic, one correctly rounded division)."""
    n = math.prod(shape)
    return torch.tensor([((i * 7919 + salt * 104729) % 2001 - 1000) / 1000 for i in range(n)],
                        dtype=torch.float32).reshape(shape)


def enc(t, salt=None):
    t = t.detach()
    if salt is not None:
        return {'shape': list(t.shape), 'pattern': salt}
    flat = t.reshape(-1).tolist()
    if len(flat) > 256:
        k = max(1, len(flat) // SAMPLES)
        return {'shape': list(t.shape), 'every': k, 'data': [float(f'{v:.9g}') for v in flat[::k]]}
    return {'shape': list(t.shape), 'data': [float(f'{v:.9g}') for v in flat]}


def run_case(op, specs, args, seed, smooth=True, rtol=1e-5):
    gen = torch.Generator().manual_seed(seed)
    made = [make_input(s, gen) for s in specs]
    inputs = []
    for t, grad in made:
        t = t.clone()
        if grad and t.is_floating_point():
            t.requires_grad_(True)
        inputs.append(t)
    out = OPS[op](inputs, args)
    case = {'op': op, 'args': args, 'smooth': smooth, 'rtol': rtol, 'inputs': []}
    for t, spec in zip(inputs, specs):
        assert spec[1] == 'pattern' or t.numel() <= 256, f'{op}: inputs over 256 elements must be patterns'
        e = enc(t, spec[2] if spec[1] == 'pattern' else None)
        e['dtype'] = 'int64' if t.dtype == torch.int64 else 'float32'
        e['requires_grad'] = t.requires_grad
        case['inputs'].append(e)
    case['output'] = enc(out)
    case['grad_fn'] = type(out.grad_fn).__name__ if out.grad_fn is not None else None
    if out.requires_grad:
        big = out.numel() > 256
        g = pattern(list(out.shape), 99) if big else torch.randn(out.shape, generator=gen)
        (out * g).sum().backward()
        case['g'] = enc(g, 99 if big else None)
        case['grads'] = [enc(t.grad) if t.requires_grad and t.grad is not None else
                         (enc(torch.zeros_like(t)) if t.requires_grad else None) for t in inputs]
    return case


def families():
    R = ['none', 'mean', 'sum']
    fam = {}
    fam['arithmetic'] = [
        ('add', [([2, 3], 'f'), ([2, 3], 'f')], {}),
        ('add', [([2, 3], 'f'), ([3], 'f')], {}),
        ('add', [([4, 1, 3], 'f'), ([2, 1], 'f')], {}),
        ('add', [([], 'f'), ([2, 2], 'f')], {}),
        ('sub', [([3, 1], 'f'), ([1, 4], 'f')], {}),
        ('sub', [([2, 3, 4], 'f'), ([4], 'c')], {}),
        ('mul', [([2, 3], 'f'), ([2, 3], 'f')], {}),
        ('mul', [([5, 1, 2], 'f'), ([3, 1], 'f')], {}),
        ('div', [([2, 3], 'f'), ([2, 3], 'pos')], {}),
        ('div', [([2, 3], 'f'), ([3], 'pos')], {}),
        ('neg', [([2, 3], 'f')], {}),
        ('add_scalar', [([2, 3], 'f')], {'s': 1.5}),
        ('sub_scalar', [([2, 3], 'f')], {'s': 0.25}),
        ('rsub_scalar', [([2, 3], 'f')], {'s': 2.0}),
        ('mul_scalar', [([2, 3], 'f')], {'s': -3.0}),
        ('div_scalar', [([2, 3], 'f')], {'s': 4.0}),
        ('rdiv_scalar', [([2, 3], 'pos')], {'s': 2.0}),
        ('pow_scalar', [([2, 3], 'f')], {'p': 2.0}),
        ('pow_scalar', [([2, 3], 'pos')], {'p': 0.5}),
        ('pow_scalar', [([2, 3], 'f')], {'p': 3.0}),
        ('pow_scalar', [([2, 3], 'f')], {'p': 0.0}),
        ('pow_tensor', [([2, 3], 'pos'), ([2, 3], 'f')], {}),
        ('pow_tensor', [([2, 3], 'pos'), ([3], 'f')], {}),
        ('add', [([64, 700], 'pattern', 1), ([700], 'pattern', 9)], {}),  # past the parallel threshold
    ]
    fam['unary'] = [
        ('exp', [([2, 3], 'f')], {}), ('log', [([2, 3], 'pos')], {}), ('sqrt', [([2, 3], 'pos')], {}),
        ('rsqrt', [([2, 3], 'pos')], {}), ('abs', [([2, 3], 'f')], {}), ('abs', [([2, 4], 'grid')], {}, False),
        ('square', [([2, 3], 'f')], {}), ('reciprocal', [([2, 3], 'pos')], {}), ('sin', [([2, 3], 'f')], {}),
        ('cos', [([2, 3], 'f')], {}), ('log1p', [([2, 3], 'pos')], {}),
        ('clamp', [([3, 4], 'f')], {'min': -0.5, 'max': 0.5}), ('clamp', [([3, 4], 'f')], {'min': 0.0}, False),  # an input sits within the FD step of 0
        
        ('clamp', [([3, 4], 'f')], {'max': 0.1}), ('clamp', [([2, 4], 'grid')], {'min': -0.5, 'max': 0.5}, False),
        ('clone', [([2, 3], 'f')], {}), ('exp', [([300, 300], 'pattern', 2)], {}),
    ]
    fam['activation'] = [
        ('relu', [([3, 4], 'f')], {}), ('relu', [([2, 4], 'grid')], {}, False),
        ('leaky_relu', [([3, 4], 'f')], {'slope': 0.1}), ('leaky_relu', [([2, 4], 'grid')], {'slope': 0.01}, False),
        ('elu', [([3, 4], 'f')], {'alpha': 1.0}), ('elu', [([3, 4], 'f')], {'alpha': 0.5}),
        ('gelu', [([3, 4], 'f')], {'approximate': 'none'}), ('gelu', [([3, 4], 'f')], {'approximate': 'tanh'}),
        ('sigmoid', [([3, 4], 'f')], {}), ('tanh', [([3, 4], 'f')], {}),
        ('sigmoid', [([1, 4], 'values', [-100.0, -20.0, 20.0, 100.0])], {}, False),
        ('softplus', [([3, 4], 'f')], {'beta': 1.0, 'threshold': 20.0}),
        ('softplus', [([3, 4], 'f')], {'beta': 2.0, 'threshold': 1.0}),
        ('silu', [([3, 4], 'f')], {}),
        ('softmax', [([3, 4], 'f')], {'dim': 1}), ('softmax', [([2, 3, 4], 'f')], {'dim': 1}),
        ('softmax', [([2, 3, 4], 'f')], {'dim': -1}), ('log_softmax', [([3, 4], 'f')], {'dim': 1}),
        ('log_softmax', [([2, 3, 4], 'f')], {'dim': 0}),
        ('softmax', [([1, 3], 'values', [1000.0, 1001.0, 999.0])], {'dim': 1}, False),
        ('log_softmax', [([1, 3], 'values', [-1000.0, 0.0, 1000.0])], {'dim': 1}, False),
    ]
    fam['select'] = [
        ('where', [([2, 3], 'mask'), ([2, 3], 'f'), ([2, 3], 'f')], {}),
        ('where', [([2, 1], 'mask'), ([3], 'f'), ([2, 3], 'f')], {}),
        ('masked_fill', [([2, 3], 'f'), ([2, 3], 'mask')], {'value': -1.5}),
        ('masked_fill', [([2, 3], 'f'), ([3], 'mask')], {'value': 0.0}),
        ('gt', [([2, 3], 'c'), ([3], 'c')], {}), ('le_scalar', [([2, 3], 'c')], {'s': 0.0}),
        ('eq', [([2, 4], 'values', [0, 1, 2, 3, 0, 1, 2, 3], False), ([4], 'values', [0, 5, 2, 1], False)], {}),
        ('triu', [([3, 4], 'f')], {'diagonal': 1}), ('triu', [([2, 3, 3], 'f')], {'diagonal': -1}),
        ('tril', [([4, 3], 'f')], {'diagonal': 0}), ('tril', [([2, 2, 5], 'f')], {'diagonal': 2}),
    ]
    fam['reduce'] = [
        ('sum', [([2, 3], 'f')], {}), ('sum', [([], 'f')], {}),
        ('sum_dims', [([2, 3, 4], 'f')], {'dims': [1], 'keepdim': False}),
        ('sum_dims', [([2, 3, 4], 'f')], {'dims': [0, 2], 'keepdim': True}),
        ('sum_dims', [([2, 3, 4], 'f')], {'dims': [-1], 'keepdim': False}),
        ('mean', [([2, 3], 'f')], {}), ('mean_dims', [([2, 3, 4], 'f')], {'dims': [1, 2], 'keepdim': False}),
        ('mean_dims', [([2, 3, 4], 'f')], {'dims': [0], 'keepdim': True}),
        ('var', [([3, 4], 'f')], {'correction': 1, 'keepdim': False}),
        ('var', [([3, 4], 'f')], {'dims': [1], 'correction': 0, 'keepdim': True}),
        ('var', [([2, 3, 4], 'f')], {'dims': [0, 2], 'correction': 1, 'keepdim': False}),
        ('std', [([3, 4], 'f')], {'dims': [0], 'correction': 1, 'keepdim': False}),
        ('std', [([3, 4], 'f')], {'correction': 0, 'keepdim': False}),
        ('max', [([3, 4], 'f')], {}), ('min', [([3, 4], 'f')], {}),
        ('max', [([2, 4], 'values', [1, 3, 3, 0, -1, 2, 3, 1])], {}, False),
        ('max_dim', [([3, 4], 'f')], {'dim': 1, 'keepdim': False}),
        ('max_dim', [([2, 3, 4], 'f')], {'dim': 0, 'keepdim': True}),
        ('min_dim', [([3, 4], 'f')], {'dim': -1, 'keepdim': False}),
        ('max_dim_indices', [([2, 4], 'values', [1, 3, 3, 0, -1, 2, 2, 1], False)], {'dim': 1, 'keepdim': False}),
        ('argmax', [([3, 4], 'c')], {'dim': 1, 'keepdim': False}), ('argmax', [([3, 4], 'c')], {'keepdim': False}),
        ('argmin', [([2, 3, 4], 'c')], {'dim': 1, 'keepdim': True}),
        ('sum', [([100, 100], 'pattern', 3)], {}, True, 1e-4), ('mean_dims', [([50, 400], 'pattern', 4)], {'dims': [1], 'keepdim': False}, True, 1e-4),
        ('var', [([20000], 'pattern', 5)], {'correction': 1, 'keepdim': False}, True, 1e-4),
        ('logsumexp', [([3, 4], 'f')], {'dims': [1], 'keepdim': False}),
        ('logsumexp', [([2, 3, 4], 'f')], {'dims': [0, 2], 'keepdim': True}),
        ('logsumexp', [([2, 3], 'values', [1000.0, 1001.0, 999.0, -1000.0, 0.0, 1000.0])], {'dims': [-1], 'keepdim': False}),
    ]
    fam['shape'] = [
        ('reshape', [([2, 3, 4], 'f')], {'shape': [4, -1]}), ('reshape', [([2, 3], 'f')], {'shape': [6]}),
        ('flatten', [([2, 3, 4], 'f')], {'start': 1, 'end': -1}), ('flatten', [([2, 3, 4], 'f')], {'start': 0, 'end': 1}),
        ('squeeze', [([1, 3, 1, 2], 'f')], {}), ('squeeze_dim', [([1, 3, 1, 2], 'f')], {'dim': 2}),
        ('squeeze_dim', [([2, 3], 'f')], {'dim': 0}), ('unsqueeze', [([2, 3], 'f')], {'dim': 0}),
        ('unsqueeze', [([2, 3], 'f')], {'dim': -1}), ('transpose', [([2, 3, 4], 'f')], {'d0': 0, 'd1': 2}),
        ('transpose', [([2, 3], 'f')], {'d0': 0, 'd1': 1}), ('permute', [([2, 3, 4], 'f')], {'dims': [2, 0, 1]}),
        ('t', [([2, 3], 'f')], {}), ('T', [([2, 3, 4], 'f')], {}), ('expand', [([3, 1], 'f')], {'shape': [2, 3, 4]}),
        ('expand', [([1, 3], 'f')], {'shape': [4, -1]}), ('transpose', [([70, 90], 'pattern', 6)], {'d0': 0, 'd1': 1}),
    ]
    fam['index'] = [
        ('index', [([2, 3, 4], 'f')], {'index': [['all'], ['at', -1], ['all']]}),
        ('index', [([2, 3, 4], 'f')], {'index': [['at', 0]]}),
        ('index', [([5, 6], 'f')], {'index': [['slice', 1, None, 2], ['slice', -4, -1, 1]]}),
        ('index', [([5, 6], 'f')], {'index': [['ellipsis'], ['slice', None, None, 3]]}),
        ('index', [([2, 3], 'f')], {'index': [['new'], ['all'], ['at', 1]]}),
        ('index', [([4, 3], 'f')], {'index': [['slice', 10, 20, 1]]}),
        ('select', [([2, 3, 4], 'f')], {'dim': 1, 'i': 2}), ('narrow', [([2, 5], 'f')], {'dim': 1, 'start': 1, 'length': 3}),
        ('cat', [([2, 3], 'f'), ([1, 3], 'f')], {'dim': 0}), ('cat', [([2, 3], 'f'), ([2, 2], 'c'), ([2, 1], 'f')], {'dim': -1}),
        ('stack', [([2, 3], 'f'), ([2, 3], 'f')], {'dim': 0}), ('stack', [([2, 3], 'f'), ([2, 3], 'f'), ([2, 3], 'f')], {'dim': 2}),
        ('split', [([5, 4], 'f')], {'size': 2, 'dim': 0, 'piece': 2}), ('split', [([5, 4], 'f')], {'size': 3, 'dim': 1, 'piece': 0}),
        ('split_sizes', [([5, 4], 'f')], {'sizes': [1, 3], 'dim': 1, 'piece': 1}),
        ('chunk', [([5, 4], 'f')], {'chunks': 2, 'dim': 0, 'piece': 1}), ('chunk', [([3, 6], 'f')], {'chunks': 3, 'dim': 1, 'piece': 2}),
        ('gather', [([3, 4], 'f'), ([3, 2], 'idx:4')], {'dim': 1}), ('gather', [([3, 4], 'f'), ([2, 4], 'idx:3')], {'dim': 0}),
        ('gather', [([2, 3, 4], 'f'), ([2, 3, 5], 'idx:4')], {'dim': 2}),
        ('index_select', [([4, 3], 'f'), ([5], 'idx:4')], {'dim': 0}), ('index_select', [([2, 4, 3], 'f'), ([2], 'idx:4')], {'dim': 1}),
        ('embedding', [([10, 3], 'f'), ([2, 4], 'idx:10', [1, 2, 4, 5, 4, 3, 2, 9])], {}),
        ('embedding', [([6, 2], 'f'), ([5], 'idx:6', [0, 2, 0, 5, 2])], {'padding_idx': 0}, False),  # padding rows get no gradient by design
    ]
    fam['linalg'] = [
        ('mm', [([2, 3], 'f'), ([3, 4], 'f')], {}), ('mm', [([5, 1], 'f'), ([1, 2], 'f')], {}),
        ('matmul', [([3], 'f'), ([3], 'f')], {}), ('matmul', [([2, 3], 'f'), ([3], 'f')], {}),
        ('matmul', [([3], 'f'), ([3, 4], 'f')], {}), ('matmul', [([2, 2, 3], 'f'), ([3, 4], 'f')], {}),
        ('matmul', [([2, 1, 2, 3], 'f'), ([3, 3, 2], 'f')], {}), ('matmul', [([4, 3], 'f'), ([2, 3, 2], 'f')], {}),
        ('bmm', [([3, 2, 4], 'f'), ([3, 4, 5], 'f')], {}),
        ('addmm', [([4], 'f'), ([2, 3], 'f'), ([3, 4], 'f')], {}), ('addmm', [([2, 4], 'f'), ([2, 3], 'f'), ([3, 4], 'f')], {}),
        ('linear', [([5, 3], 'f'), ([4, 3], 'f'), ([4], 'f')], {}), ('linear', [([5, 3], 'c'), ([4, 3], 'f')], {}),
        ('linear', [([2, 5, 3], 'f'), ([4, 3], 'f'), ([4], 'f')], {}), ('linear', [([3], 'f'), ([4, 3], 'f'), ([4], 'f')], {}),
        ('mm', [([64, 80], 'pattern', 7), ([80, 48], 'pattern', 8)], {}, True, 1e-4),
    ]
    fam['functional'] = [
        ('cosine_similarity', [([3, 4], 'f'), ([3, 4], 'f')], {'dim': 1, 'eps': 1e-8}),
        ('cosine_similarity', [([2, 3, 4], 'f'), ([3, 1], 'f')], {'dim': 1, 'eps': 1e-6}),
        ('cosine_similarity', [([5, 4], 'f'), ([5, 4], 'f')], {'dim': 0, 'eps': 1e-8}),
        ('dropout_eval', [([3, 4], 'f')], {'p': 0.5}),
    ]
    fam['loss'] = (
        [('mse_loss', [([3, 4], 'f'), ([3, 4], 'c')], {'reduction': r}) for r in R] +
        [('mse_loss', [([3], 'f'), ([3], 'f')], {'reduction': 'mean'})] +
        [('l1_loss', [([3, 4], 'f'), ([3, 4], 'c')], {'reduction': r}) for r in R] +
        [('smooth_l1_loss', [([3, 4], 'f'), ([3, 4], 'c')], {'reduction': r, 'beta': 1.0}) for r in R] +
        [('smooth_l1_loss', [([3, 4], 'f'), ([3, 4], 'c')], {'reduction': 'mean', 'beta': 0.5})] +
        [('nll_loss', [([4, 5], 'logprob'), ([4], 'idx:5')], {'reduction': r}) for r in R] +
        [('nll_loss', [([4, 5], 'logprob'), ([4], 'idx:5', [1, 0, 4, 1]), ([5], 'unitc')], {'reduction': 'mean', 'ignore_index': 0}),
         ('nll_loss', [([2, 3, 2, 2], 'logprob'), ([2, 2, 2], 'idx:3')], {'reduction': 'mean'}),
         ('nll_loss', [([5], 'logprob'), ([], 'idx:5')], {'reduction': 'mean'})] +
        [('cross_entropy', [([4, 5], 'f'), ([4], 'idx:5')], {'reduction': r}) for r in R] +
        [('cross_entropy', [([4, 5], 'f'), ([4], 'idx:5', [1, 0, 4, 1])], {'reduction': 'mean', 'ignore_index': 1}),
         ('cross_entropy', [([4, 5], 'f'), ([4], 'idx:5', [1, 0, 4, 1]), ([5], 'unitc')], {'reduction': 'mean', 'ignore_index': 4}),
         ('cross_entropy', [([4, 5], 'f'), ([4], 'idx:5')], {'reduction': 'mean', 'label_smoothing': 0.1}),
         ('cross_entropy', [([4, 5], 'f'), ([4], 'idx:5', [2, 0, 4, 2]), ([5], 'unitc')],
          {'reduction': 'mean', 'label_smoothing': 0.2, 'ignore_index': 0}),
         ('cross_entropy', [([4, 5], 'f'), ([4], 'idx:5')], {'reduction': 'sum', 'label_smoothing': 0.3}),
         ('cross_entropy', [([4, 5], 'f'), ([4], 'idx:5')], {'reduction': 'none', 'label_smoothing': 0.3}),
         ('cross_entropy', [([2, 3, 4], 'f'), ([2, 4], 'idx:3')], {'reduction': 'mean'}),
         ('cross_entropy', [([4, 5], 'f'), ([4, 5], 'prob')], {'reduction': 'mean'}),
         ('cross_entropy', [([4, 5], 'f'), ([4, 5], 'prob')], {'reduction': 'none', 'label_smoothing': 0.1}),
         ('cross_entropy', [([4, 5], 'f'), ([4, 5], 'prob'), ([5], 'unitc')], {'reduction': 'sum'})] +
        [('kl_div', [([3, 4], 'logprob'), ([3, 4], 'prob')], {'reduction': r, 'log_target': False})
         for r in ['none', 'mean', 'sum', 'batchmean']] +
        [('kl_div', [([3, 4], 'logprob'), ([3, 4], 'logprob')], {'reduction': 'batchmean', 'log_target': True})] +
        [('binary_cross_entropy', [([3, 4], 'unit'), ([3, 4], 'unitc')], {'reduction': r}) for r in R] +
        [('binary_cross_entropy', [([3, 4], 'unit'), ([3, 4], 'unitc'), ([3, 4], 'unitc')], {'reduction': 'mean'})] +
        [('bce_with_logits', [([3, 4], 'f'), ([3, 4], 'unitc')], {'reduction': r}) for r in R] +
        [('bce_with_logits', [([3, 4], 'f'), ([3, 4], 'unitc'), ([4], 'unitc')], {'reduction': 'mean', 'pos_weight': True}),
         ('bce_with_logits', [([3, 4], 'f'), ([3, 4], 'unitc'), ([3, 4], 'unitc'), ([4], 'unitc')],
          {'reduction': 'sum', 'pos_weight': True, 'weight': True}),
         ('bce_with_logits', [([1, 4], 'values', [-50.0, -5.0, 5.0, 50.0]), ([1, 4], 'values', [1.0, 0.0, 1.0, 0.0], False)],
          {'reduction': 'none'}, False)]
    )
    return fam


def golden_tensor(record, name, tensors):
    """Adds one record tensor ({shape, data | every + data | pattern, dtype?}) as `name`; returns its layout."""
    layout = {'shape': record['shape']}
    if 'pattern' in record:
        layout['pattern'] = record['pattern']
        return layout
    dtype = torch.int64 if record.get('dtype') == 'int64' else torch.float32
    values = torch.tensor(record['data'], dtype=torch.float64).to(dtype)
    if 'every' in record:
        layout['every'] = record['every']
    else:
        values = values.reshape(record['shape'])
    tensors[name] = values
    return layout


def write_family(path, records):
    """Writes op records as a golden file. Case metadata: `op`, `args`, `smooth`, `rtol`, `grad_fn`, and the
    layouts of `inputs` (with `dtype` and `requires_grad`), `output`, `g` and `grads` (null for inputs that do
    not require grad): each a `shape`, plus `every` (the stored tensor is every k-th element) or `pattern` (not
    stored: Swift recomputes it from the salt)."""
    family = _golden.Family()
    for n, r in enumerate(records):
        tensors = {}
        inputs = []
        for i, t in enumerate(r['inputs']):
            layout = golden_tensor(t, f'in{i}', tensors)
            layout.update(dtype=t['dtype'], requires_grad=t['requires_grad'])
            inputs.append(layout)
        meta = {'op': r['op'], 'args': r['args'], 'smooth': r['smooth'], 'rtol': r['rtol'], 'grad_fn': r['grad_fn'],
                'inputs': inputs, 'output': golden_tensor(r['output'], 'out', tensors)}
        if 'g' in r:
            meta['g'] = golden_tensor(r['g'], 'g', tensors)
            meta['grads'] = [None if t is None else golden_tensor(t, f'grad{i}', tensors)
                             for i, t in enumerate(r['grads'])]
        family.add(f'{n:03d}_{r["op"]}', meta, **tensors)
    family.save(path)


def write_mlp(path, record):
    """The MLP record as a golden file with one case, `mlp`: `x`, `target`, `output`, `param.<key>`,
    `grad.<key>`, and `loss` and the `chain` of grad_fn names as metadata."""
    family = _golden.Family()
    tensors = {}
    for name in ['x', 'target', 'output']:
        golden_tensor(record[name], name, tensors)
    for k in record['params']:
        golden_tensor(record['params'][k], f'param.{k}', tensors)
        golden_tensor(record['grads'][k], f'grad.{k}', tensors)
    family.add('mlp', {'op': 'mlp', 'loss': record['loss'], 'chain': record['chain']}, **tensors)
    family.save(path)


def generate(root: pathlib.Path):
    out = root / 'tensor_ops'
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    for family, cases in families().items():
        records = []
        for n, c in enumerate(cases):
            op, specs, args = c[0], c[1], c[2]
            smooth = c[3] if len(c) > 3 else True
            rtol = c[4] if len(c) > 4 else 1e-5
            records.append(run_case(op, specs, args, seed=7 + n, smooth=smooth, rtol=rtol))
        write_family(out / f'{family}.safetensors', records)
    generate_mlp(out)


def generate_mlp(out: pathlib.Path):
    """REFERENCE_MODELS.md model 1 and its autograd behaviours, for Tests/CkptTensorTests/Autograd/MLPTests.swift."""
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 1))
    x = torch.rand(2, 4)
    target = torch.rand(2, 1)
    y = net(x)
    loss = torch.nn.MSELoss()(y, target)
    loss.backward()
    chain = {
        'loss': type(loss.grad_fn).__name__,
        'loss_next': [type(f).__name__ if f is not None else None for f, _ in loss.grad_fn.next_functions],
        'addmm_next': [type(f).__name__ if f is not None else None
                       for f, _ in loss.grad_fn.next_functions[0][0].next_functions],
    }
    record = {'x': enc(x), 'target': enc(target), 'output': enc(y), 'loss': float(loss), 'chain': chain,
              'params': {k: enc(v) for k, v in net.state_dict().items()},
              'grads': {k: enc(p.grad) for k, p in net.named_parameters()}}
    write_mlp(out / 'mlp.safetensors', json.loads(json.dumps(record)))


if __name__ == '__main__':
    if sys.argv[1:2] == ['--convert']:
        old = json.loads(pathlib.Path(sys.argv[2]).read_text())
        (write_family(sys.argv[3], old['cases']) if 'cases' in old else write_mlp(sys.argv[3], old))
    else:
        generate(pathlib.Path(__file__).resolve().parent.parent)
