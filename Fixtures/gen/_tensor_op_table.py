"""The ops tensor_ops.py records goldens for, by the names Tests/CkptTensorTests/Ops/OpTable.swift uses."""
import torch
import torch.nn.functional as F


def _index(i):
    kind = i[0]
    if kind == 'at':
        return i[1]
    if kind == 'slice':
        return slice(i[1], i[2], i[3])
    if kind == 'all':
        return slice(None)
    if kind == 'new':
        return None
    return Ellipsis


# name -> fn(inputs, args) -> tensor (one output; multi-output ops pick one with args)
OPS = {
    # arithmetic
    'add': lambda x, a: x[0] + x[1],
    'sub': lambda x, a: x[0] - x[1],
    'mul': lambda x, a: x[0] * x[1],
    'div': lambda x, a: x[0] / x[1],
    'neg': lambda x, a: -x[0],
    'add_scalar': lambda x, a: x[0] + a['s'],
    'sub_scalar': lambda x, a: x[0] - a['s'],
    'rsub_scalar': lambda x, a: a['s'] - x[0],
    'mul_scalar': lambda x, a: x[0] * a['s'],
    'div_scalar': lambda x, a: x[0] / a['s'],
    'rdiv_scalar': lambda x, a: a['s'] / x[0],
    'pow_scalar': lambda x, a: x[0].pow(a['p']),
    'pow_tensor': lambda x, a: x[0].pow(x[1]),
    # unary
    'exp': lambda x, a: x[0].exp(),
    'log': lambda x, a: x[0].log(),
    'sqrt': lambda x, a: x[0].sqrt(),
    'rsqrt': lambda x, a: x[0].rsqrt(),
    'abs': lambda x, a: x[0].abs(),
    'square': lambda x, a: x[0].square(),
    'reciprocal': lambda x, a: x[0].reciprocal(),
    'sin': lambda x, a: x[0].sin(),
    'cos': lambda x, a: x[0].cos(),
    'log1p': lambda x, a: x[0].log1p(),
    'clamp': lambda x, a: x[0].clamp(a.get('min'), a.get('max')),
    'clone': lambda x, a: x[0].clone(),
    # activations
    'relu': lambda x, a: F.relu(x[0]),
    'leaky_relu': lambda x, a: F.leaky_relu(x[0], a['slope']),
    'elu': lambda x, a: F.elu(x[0], a['alpha']),
    'gelu': lambda x, a: F.gelu(x[0], approximate=a['approximate']),
    'sigmoid': lambda x, a: torch.sigmoid(x[0]),
    'tanh': lambda x, a: torch.tanh(x[0]),
    'softplus': lambda x, a: F.softplus(x[0], beta=a['beta'], threshold=a['threshold']),
    'silu': lambda x, a: F.silu(x[0]),
    'softmax': lambda x, a: F.softmax(x[0], dim=a['dim']),
    'log_softmax': lambda x, a: F.log_softmax(x[0], dim=a['dim']),
    # comparisons and selection
    'where': lambda x, a: torch.where(x[0].bool(), x[1], x[2]),
    'masked_fill': lambda x, a: x[0].masked_fill(x[1].bool(), a['value']),
    'triu': lambda x, a: torch.triu(x[0], diagonal=a['diagonal']),
    'tril': lambda x, a: torch.tril(x[0], diagonal=a['diagonal']),
    'gt': lambda x, a: (x[0] > x[1]).float(),
    'le_scalar': lambda x, a: (x[0] <= a['s']).float(),
    'eq': lambda x, a: (x[0] == x[1]).float(),
    # reductions
    'sum': lambda x, a: x[0].sum(),
    'logsumexp': lambda x, a: torch.logsumexp(x[0], dim=a['dims'], keepdim=a['keepdim']),
    'sum_dims': lambda x, a: x[0].sum(dim=a['dims'], keepdim=a['keepdim']),
    'mean': lambda x, a: x[0].mean(),
    'mean_dims': lambda x, a: x[0].mean(dim=a['dims'], keepdim=a['keepdim']),
    'var': lambda x, a: x[0].var(dim=a.get('dims'), correction=a['correction'], keepdim=a['keepdim']),
    'std': lambda x, a: x[0].std(dim=a.get('dims'), correction=a['correction'], keepdim=a['keepdim']),
    'max': lambda x, a: x[0].max(),
    'min': lambda x, a: x[0].min(),
    'max_dim': lambda x, a: x[0].max(dim=a['dim'], keepdim=a['keepdim'])[0],
    'min_dim': lambda x, a: x[0].min(dim=a['dim'], keepdim=a['keepdim'])[0],
    'max_dim_indices': lambda x, a: x[0].max(dim=a['dim'], keepdim=a['keepdim'])[1].float(),
    'argmax': lambda x, a: x[0].argmax(dim=a.get('dim'), keepdim=a['keepdim']).float(),
    'argmin': lambda x, a: x[0].argmin(dim=a.get('dim'), keepdim=a['keepdim']).float(),
    # shape
    'reshape': lambda x, a: x[0].reshape(a['shape']),
    'flatten': lambda x, a: x[0].flatten(a['start'], a['end']),
    'squeeze': lambda x, a: x[0].squeeze(),
    'squeeze_dim': lambda x, a: x[0].squeeze(a['dim']),
    'unsqueeze': lambda x, a: x[0].unsqueeze(a['dim']),
    'transpose': lambda x, a: x[0].transpose(a['d0'], a['d1']),
    'permute': lambda x, a: x[0].permute(*a['dims']),
    't': lambda x, a: x[0].t(),
    'T': lambda x, a: x[0].permute(*reversed(range(x[0].dim()))),
    'expand': lambda x, a: x[0].expand(*a['shape']),
    # indexing and joining
    'index': lambda x, a: x[0][tuple(_index(i) for i in a['index'])],
    'select': lambda x, a: x[0].select(a['dim'], a['i']),
    'narrow': lambda x, a: x[0].narrow(a['dim'], a['start'], a['length']),
    'cat': lambda x, a: torch.cat(list(x), dim=a['dim']),
    'stack': lambda x, a: torch.stack(list(x), dim=a['dim']),
    'split': lambda x, a: x[0].split(a['size'], dim=a['dim'])[a['piece']],
    'split_sizes': lambda x, a: x[0].split(a['sizes'], dim=a['dim'])[a['piece']],
    'chunk': lambda x, a: x[0].chunk(a['chunks'], dim=a['dim'])[a['piece']],
    'gather': lambda x, a: x[0].gather(a['dim'], x[1]),
    'index_select': lambda x, a: x[0].index_select(a['dim'], x[1]),
    'embedding': lambda x, a: F.embedding(x[1], x[0], padding_idx=a.get('padding_idx')),
    # linalg
    'mm': lambda x, a: x[0].mm(x[1]),
    'matmul': lambda x, a: x[0].matmul(x[1]),
    'bmm': lambda x, a: x[0].bmm(x[1]),
    'addmm': lambda x, a: torch.addmm(x[0], x[1], x[2]),
    'linear': lambda x, a: F.linear(x[0], x[1], x[2] if len(x) > 2 else None),
    # nn.functional
    'cosine_similarity': lambda x, a: F.cosine_similarity(x[0], x[1], dim=a['dim'], eps=a['eps']),
    'dropout_eval': lambda x, a: F.dropout(x[0], a['p'], training=False),
    # losses
    'mse_loss': lambda x, a: F.mse_loss(x[0], x[1], reduction=a['reduction']),
    'l1_loss': lambda x, a: F.l1_loss(x[0], x[1], reduction=a['reduction']),
    'smooth_l1_loss': lambda x, a: F.smooth_l1_loss(x[0], x[1], reduction=a['reduction'], beta=a['beta']),
    'nll_loss': lambda x, a: F.nll_loss(x[0], x[1], weight=x[2] if len(x) > 2 else None,
                                        ignore_index=a.get('ignore_index', -100), reduction=a['reduction']),
    'cross_entropy': lambda x, a: F.cross_entropy(x[0], x[1], weight=x[2] if len(x) > 2 else None,
                                                  ignore_index=a.get('ignore_index', -100), reduction=a['reduction'],
                                                  label_smoothing=a.get('label_smoothing', 0.0)),
    'kl_div': lambda x, a: F.kl_div(x[0], x[1], reduction=a['reduction'], log_target=a['log_target']),
    'binary_cross_entropy': lambda x, a: F.binary_cross_entropy(x[0], x[1], weight=x[2] if len(x) > 2 else None,
                                                                reduction=a['reduction']),
    'bce_with_logits': lambda x, a: F.binary_cross_entropy_with_logits(
        x[0], x[1], weight=x[2] if a.get('weight') else None,
        pos_weight=x[-1] if a.get('pos_weight') else None, reduction=a['reduction']),
}
