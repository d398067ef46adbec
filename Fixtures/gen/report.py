"""Fixtures for `ckpt report`: a tiny transformer and a copy of it fine-tuned by real training with its first
layers frozen, and a checkpoint of the edge cases a page must draw (NaN/Inf, no finite values, empty, tied,
every dtype family), with what torch and numpy compute for them (golden.json).

Files under Fixtures/report/:
  pretrained.safetensors   TinyLM's state_dict (safetensors)
  finetuned.pt             the same model after 12 AdamW steps with embed, layers.0 and layers.1 frozen
                           (torch.save): exactly the keys of layers.2, layers.3, norm and head change
  mixed.pt                 a flat state_dict of edge cases (see `mixed()`)
  golden.json              changed keys, per-module relative L2 and max |d| (float64), one |d| heat map, and
                           per key of mixed.pt torch's statistics and the histogram by ckpt's rule (below)

The histogram rule (TensorHistogram in Sources/CkptReports): bins of width 2^e with edges at integer multiples
of 2^e, e the smallest exponent, not below the resolution of the values (the exponent of the largest
|value|'s last mantissa bit as a float64, at least -1074, and at least 0 for integer dtypes), at which the finite values span at most
64 bins; bin i holds the values v with floor(v / 2^e) = start + i.
"""
import json
import math
import pathlib

import numpy as np
import torch
from safetensors.torch import save_file

MAX_BINS = 64
GRID = 64


class Block(torch.nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.norm1 = torch.nn.LayerNorm(dim)
        self.attn = torch.nn.ModuleDict({n: torch.nn.Linear(dim, dim, bias=False) for n in ['q', 'k', 'v', 'o']})
        self.norm2 = torch.nn.LayerNorm(dim)
        self.mlp = torch.nn.ModuleDict({'up': torch.nn.Linear(dim, hidden), 'down': torch.nn.Linear(hidden, dim)})

    def forward(self, x):
        h = self.norm1(x)
        q, k, v = self.attn['q'](h), self.attn['k'](h), self.attn['v'](h)
        t = x.shape[1]
        mask = torch.triu(torch.ones(t, t, dtype=torch.bool), 1)
        scores = (q @ k.transpose(1, 2)) / math.sqrt(q.shape[-1])
        x = x + self.attn['o'](scores.masked_fill(mask, float('-inf')).softmax(-1) @ v)
        return x + self.mlp['down'](torch.nn.functional.gelu(self.mlp['up'](self.norm2(x))))


class TinyLM(torch.nn.Module):
    def __init__(self, vocab=32, dim=16, hidden=96, blocks=4):
        super().__init__()
        self.embed = torch.nn.Embedding(vocab, dim)
        self.layers = torch.nn.ModuleList(Block(dim, hidden) for _ in range(blocks))
        self.norm = torch.nn.LayerNorm(dim)
        self.head = torch.nn.Linear(dim, vocab)

    def forward(self, ids):
        x = self.embed(ids)
        for layer in self.layers:
            x = layer(x)
        return self.head(self.norm(x))


def fine_tune(model):
    """12 AdamW steps of next-token prediction on a fixed random corpus, embed and the first two blocks frozen."""
    frozen = [model.embed, model.layers[0], model.layers[1]]
    for m in frozen:
        m.requires_grad_(False)
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=3e-3)
    gen = torch.Generator().manual_seed(7)
    data = torch.randint(0, 32, (8, 12), generator=gen)
    for _ in range(12):
        logits = model(data[:, :-1])
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, 32), data[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()


def module_of(key):
    return key.rsplit('.', 1)[0] if '.' in key else ''


def change(a, b, keys):
    """rel L2 = ||a - b|| / ||b|| and max |a - b| over the keys together, in float64."""
    d2 = sum(float(((a[k].double() - b[k].double()) ** 2).sum()) for k in keys)
    b2 = sum(float((b[k].double() ** 2).sum()) for k in keys)
    mx = max(float((a[k].double() - b[k].double()).abs().max()) for k in keys)
    return {'rel_l2': math.sqrt(d2 / b2), 'max_abs_diff': mx, 'tensors': len(keys)}


def heat_map(a, b):
    """max |a - b| per cell of a grid of at most 64 x 64 over the tensor viewed as [rows, rest]."""
    return grid_max((a.double() - b.double()).abs().reshape(a.shape[0], -1).numpy())


def grid_max(d):
    """The largest value of each cell of a grid of at most GRID x GRID over the 2-d array `d`, as ckpt maps |a - b|."""
    rows, cols = d.shape
    gr, gc = min(rows, GRID), min(cols, GRID)
    cells = np.zeros((gr, gc))
    r = (np.arange(rows) * gr // rows)[:, None].repeat(cols, 1)
    c = (np.arange(cols) * gc // cols)[None, :].repeat(rows, 0)
    np.maximum.at(cells, (r, c), d)
    return {'rows': rows, 'cols': cols, 'grid_rows': gr, 'grid_cols': gc, 'cells': cells.reshape(-1).tolist()}


def histogram(t):
    """The dyadic histogram of a tensor's finite values (module docstring), or None when it has none."""
    integer = not (t.dtype.is_floating_point or t.dtype.is_complex)
    v = t.double().reshape(-1).numpy()
    v = v[np.isfinite(v)]
    if v.size == 0:
        return None
    lo, hi = float(v.min()), float(v.max())
    m = max(abs(lo), abs(hi))
    resolution = math.frexp(m)[1] - 1 - 52 if m > 0 else -1074
    e = max(0, resolution) if integer else max(-1074, resolution)

    def index(x):
        return np.floor(np.ldexp(np.asarray(x, dtype=np.float64), -e)).astype(np.int64)

    while int(index(hi)) - int(index(lo)) + 1 > MAX_BINS:
        e += 1
    i = index(v)
    start = int(i.min())
    return {'exponent': e, 'start': start, 'counts': np.bincount(i - start).tolist()}


def stats(t):
    v = t.double().reshape(-1)
    finite = v[torch.isfinite(v)]
    n = finite.numel()
    return {
        'min': float(finite.min()) if n else None, 'max': float(finite.max()) if n else None,
        'mean': float(finite.mean()) if n else None, 'std': float(finite.std()) if n > 1 else None,
        'nan': int(torch.isnan(v).sum()), 'inf': int(torch.isinf(v).sum()),
    }


def mixed():
    """Edge cases in one flat state_dict, in this order."""
    g = torch.Generator().manual_seed(3)
    enc = torch.randn(24, 16, generator=g) * 0.2
    bias = torch.randn(24, generator=g)
    bias[[3, 7, 11]] = torch.tensor([float('nan'), float('inf'), float('-inf')])
    return {
        'encoder.weight': enc,
        'encoder.bias': bias,
        'decoder.weight': enc,  # tied: the same storage as encoder.weight
        'norm.weight': (1 + 0.1 * torch.randn(16, generator=g)).to(torch.bfloat16),
        'norm.running_mean': 0.05 * torch.randn(16, generator=g),
        'norm.running_var': 1 + 0.1 * torch.rand(16, generator=g),
        'norm.num_batches_tracked': torch.tensor(12),
        'proj.weight': (0.3 * torch.randn(8, 24, generator=g)).to(torch.float16),
        'proj.scale': torch.full((4,), 0.5),
        'mask': torch.rand(4, 4, generator=g) > 0.5,
        'dead': torch.full((5,), float('nan')),
        'empty': torch.zeros(0, 3),
        'ids': torch.arange(10),
    }


def generate(root: pathlib.Path):
    out = root / 'report'
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(2024)
    model = TinyLM()
    pretrained = {k: v.detach().clone().contiguous() for k, v in model.state_dict().items()}
    save_file(pretrained, str(out / 'pretrained.safetensors'))
    fine_tune(model)
    tuned = {k: v.detach().clone().contiguous() for k, v in model.state_dict().items()}
    torch.save(tuned, out / 'finetuned.pt')

    changed = [k for k in pretrained if not torch.equal(pretrained[k], tuned[k])]
    expected = [k for k in pretrained if k.split('.')[0] in ('norm', 'head') or k.startswith(('layers.2.', 'layers.3.'))]
    assert changed == expected, (changed, expected)
    modules = {}
    for k in pretrained:
        parts = k.split('.')
        for depth in range(1, len(parts)):
            modules.setdefault('.'.join(parts[:depth]), []).append(k)
    layers = {}
    for k in pretrained:
        layers.setdefault(module_of(k), []).append(k)
    mixed_sd = mixed()
    torch.save(mixed_sd, out / 'mixed.pt')

    golden = {
        'keys': list(pretrained),
        'changed': changed,
        # `ckpt report pretrained.safetensors finetuned.pt`: A = pretrained, B = finetuned (rel L2 relative to B).
        'modules': {m: change(pretrained, tuned, ks) for m, ks in modules.items()},
        'layers': [dict(path=m, **change(pretrained, tuned, ks)) for m, ks in layers.items()],
        'heat_map': {'key': 'layers.3.mlp.up.weight',
                     **heat_map(pretrained['layers.3.mlp.up.weight'], tuned['layers.3.mlp.up.weight'])},
        'mixed': {k: {'stats': stats(t), 'histogram': histogram(t), 'dtype': str(t.dtype).removeprefix('torch.')}
                  for k, t in mixed_sd.items()},
        'pretrained_histograms': {k: histogram(t) for k, t in pretrained.items()},
    }
    (out / 'golden.json').write_text(json.dumps(golden, indent=1, sort_keys=True) + '\n')


if __name__ == '__main__':
    generate(pathlib.Path(__file__).resolve().parent.parent)
