"""Edge cases for the library behind `ckpt report` (Sources/CkptReports), with the figures torch and exact
arithmetic give for them (golden.json). report.py holds the realistic pair; this holds what it does not reach.

Files under Fixtures/report_edges/:
  edges.pt     one flat state_dict of tensors whose histograms stress the dyadic rule: subnormal float64 (bins
               narrower than 2^-1022), a negative value scaled below the smallest subnormal (bin -1), int64 and
               uint8 extremes, int64's largest value repeated, bool, one value, one repeated value, -0.0 beside
               0.0, float8 and bfloat16, a wide float64 span, values near the largest doubles, values around a
               power of two
  conv_a.pt    a small conv net's state_dict;
  conv_b.pt    the same after edits: a conv weight [70, 3, 5, 5] changed, with NaN against NaN and Inf against
               Inf at agreeing places and one NaN only in B; a bias changed; a buffer untouched; the classifier
               weight cast to float16; the classifier bias reshaped; a key dropped and one added; a root tensor changed
  golden.json  per key of edges.pt: the histogram by the exact rule (floor(v / 2^e) in rational arithmetic,
               so a negative value whose quotient underflows lands in bin -1, not 0); for conv_a vs conv_b: the
               |a - b| maps of the conv weight and the cast classifier weight (numpy maximum.at over finite
               differences), and per module and per
               layer torch's float64 figures over the keys of equal shape (rel L2 undefined, null, where NaN/Inf
               disagree)

The histogram rule is TensorHistogram's (report.py's, for the values there): width 2^e, e the smallest exponent
not below the values' resolution (the largest |value|'s last mantissa bit as a float64, at least -1074, and at
least 0 for integer dtypes) at which the finite values span at most 64 bins. Also per key of edges.pt: the
statistics in exact arithmetic (`stats`: float64 sums overflow for values near the largest doubles).
"""
import decimal
import json
import math
import pathlib
from fractions import Fraction

import torch

from report import grid_max

MAX_BINS = 64


def floor_div_pow2(x: float, e: int) -> int:
    """floor(x / 2^e), exactly."""
    return math.floor(Fraction(x) / Fraction(2) ** e)


def histogram(t):
    integer = not (t.dtype.is_floating_point or t.dtype.is_complex)
    v = [x for x in t.double().reshape(-1).tolist() if math.isfinite(x)]
    if not v:
        return None
    lo, hi = min(v), max(v)
    m = max(abs(lo), abs(hi))
    resolution = math.frexp(m)[1] - 1 - 52 if m > 0 else -1074
    e = max(0, resolution) if integer else max(-1074, resolution)
    while floor_div_pow2(hi, e) - floor_div_pow2(lo, e) + 1 > MAX_BINS:
        e += 1
    bins = [floor_div_pow2(x, e) for x in v]
    start = min(bins)
    counts = [0] * (max(bins) - start + 1)
    for b in bins:
        counts[b - start] += 1
    return {'exponent': e, 'start': start, 'counts': counts}


def exact_stats(t):
    """min, max, mean and unbiased std of the finite values in rational arithmetic, rounded once (where torch's
    float64 sums overflow to inf, these are the numbers the definitions give), and the NaN and Inf counts."""
    v = t.double().reshape(-1).tolist()
    finite = [Fraction(x) for x in v if math.isfinite(x)]
    n = len(finite)
    out = {'nan': sum(math.isnan(x) for x in v), 'inf': sum(math.isinf(x) for x in v),
           'min': float(min(finite)) if n else None, 'max': float(max(finite)) if n else None,
           'mean': None, 'std': None}
    if n:
        mean = sum(finite) / n
        out['mean'] = float(mean)
        if n > 1:
            var = sum((x - mean) ** 2 for x in finite) / (n - 1)
            with decimal.localcontext() as ctx:
                ctx.prec = 60
                out['std'] = float((decimal.Decimal(var.numerator) / decimal.Decimal(var.denominator)).sqrt())
    return out


def edges():
    g = torch.Generator().manual_seed(11)
    tiny = 5e-324
    return {
        'subnormal': torch.tensor([tiny * k for k in (-40, -3, -1, 0, 1, 2, 7, 90, 1000)], dtype=torch.float64),
        'negative_tiny_beside_large': torch.tensor([-tiny, 0.0, 3.0, 1000.0, -2.5], dtype=torch.float64),
        'int64_extremes': torch.tensor([-2 ** 63, -1, 0, 1, 2 ** 62, 2 ** 63 - 1], dtype=torch.int64),
        'uint8_full': torch.arange(256, dtype=torch.int64).to(torch.uint8),
        'flags': torch.tensor([True, False, True, True]),
        'one': torch.tensor([0.1], dtype=torch.float32),
        'repeated': torch.full((37,), -0.75),
        'signed_zeros': torch.tensor([-0.0, 0.0, -0.0, 1e-3, -1e-3]),
        'e4m3': (torch.randn(64, generator=g) * 30).to(torch.float8_e4m3fn),
        'bf16_with_inf': torch.cat([torch.randn(40, generator=g) * 1e4, torch.tensor([float('inf'), float('-inf')])]
                                   ).to(torch.bfloat16),
        'f64_span': torch.tensor([-1e300, -1.0, 0.0, 2.0 ** -1000, 1e300], dtype=torch.float64),
        'around_two': torch.tensor([2.0 - 2.0 ** -23, 2.0, 2.0 + 2.0 ** -22, 1.0, 3.999999761581421]),
        'int32_spread': torch.randint(-100000, 100000, (200,), generator=g, dtype=torch.int32),
        'big_float32': torch.randn(3, 700, generator=g) * 1e30,
        'int64_max_constant': torch.full((6,), 2 ** 63 - 1, dtype=torch.int64),
        'near_max': torch.tensor([1.7e308, 1.6e308, float('nan'), 1.7e308, -1e308], dtype=torch.float64),
    }


def conv_net():
    g = torch.Generator().manual_seed(5)
    return {
        'features.0.weight': torch.randn(70, 3, 5, 5, generator=g) * 0.1,
        'features.0.bias': torch.randn(70, generator=g) * 0.1,
        'features.1.weight': torch.ones(70),
        'features.1.running_mean': torch.randn(70, generator=g) * 0.01,
        'classifier.weight': torch.randn(10, 70, generator=g) * 0.05,
        'classifier.bias': torch.zeros(10),
        'extra.weight': torch.randn(4, 4, generator=g),
        'scale': torch.tensor([2.0, 3.0]),
    }


def edit(a):
    g = torch.Generator().manual_seed(6)
    b = {k: v.clone() for k, v in a.items()}
    w = b['features.0.weight']
    w += 1e-3 * torch.randn(w.shape, generator=g) * (torch.rand(w.shape, generator=g) < 0.3)
    flat_a, flat_b = a['features.0.weight'].view(-1), w.view(-1)
    flat_a[17] = flat_b[17] = float('nan')      # NaN against NaN: equal
    flat_a[900] = flat_b[900] = float('inf')    # Inf against Inf: equal
    flat_b[4444] = float('nan')                 # NaN only in B: a disagreement
    flat_b[5000] += 0.5                         # the largest finite change, in its own cell
    b['features.0.bias'] += 1e-2
    b['classifier.weight'] = b['classifier.weight'].to(torch.float16)
    b['classifier.bias'] = torch.zeros(5, 2)
    del b['extra.weight']
    b['new.weight'] = torch.ones(3, 3)
    b['scale'] = torch.tensor([2.0, 3.5])
    return b


def diff_figures(a, b, keys):
    """Over the keys together: rel L2 (None where NaN/Inf disagree or B is 0 while A is not), max and mean |a - b|
    over finite differences, elements that differ, in float64."""
    d2 = b2 = total = mx = 0.0
    count = mismatched = nonfinite = 0
    for k in keys:
        x, y = a[k].double().reshape(-1), b[k].double().reshape(-1)
        equal = (x == y) | (torch.isnan(x) & torch.isnan(y))
        d = x - y
        finite = torch.isfinite(d)  # Inf against Inf and NaN against NaN are equal but left out of the sums
        nonfinite += int((~finite & ~equal).sum())
        mismatched += int((~finite & ~equal).sum() + (finite & (d != 0)).sum())
        count += x.numel()
        dd = torch.where(finite, d, torch.zeros_like(d))
        d2 += float((dd ** 2).sum())
        b2 += float((torch.where(finite, y, torch.zeros_like(y)) ** 2).sum())
        total += float(dd.abs().sum())
        mx = max(mx, float(dd.abs().max())) if x.numel() else mx
    rel = None if nonfinite else (0.0 if d2 == 0 else (math.sqrt(d2 / b2) if b2 > 0 else None))
    return {'rel_l2': rel, 'max_abs_diff': mx, 'mean_abs_diff': total / count if count else 0.0,
            'mismatched': mismatched, 'numel': count, 'tensors': len(keys)}


def heat_map(a, b):
    x, y = a.double().reshape(a.shape[0], -1), b.double().reshape(b.shape[0], -1)
    equal = (x == y) | (torch.isnan(x) & torch.isnan(y))
    d = (x - y).abs()
    return grid_max(torch.where(torch.isfinite(d) & ~equal, d, torch.zeros_like(d)).numpy())


def generate(root: pathlib.Path):
    out = root / 'report_edges'
    out.mkdir(parents=True, exist_ok=True)
    e = edges()
    torch.save(e, out / 'edges.pt')
    a = conv_net()
    b = edit(a)
    torch.save(a, out / 'conv_a.pt')
    torch.save(b, out / 'conv_b.pt')
    # Keys in model order (A's, then B's own); compared = on both sides with equal shapes.
    keys = list(a) + [k for k in b if k not in a]
    compared = [k for k in keys if k in a and k in b and a[k].shape == b[k].shape]
    modules, layers = {}, {}
    for k in keys:
        parts = k.split('.')
        for depth in range(1, len(parts)):
            modules.setdefault('.'.join(parts[:depth]), []).append(k)
        layers.setdefault(k.rsplit('.', 1)[0] if '.' in k else k, []).append(k)

    def figures(ks):
        return {**diff_figures(a, b, [k for k in ks if k in compared]), 'tensors': len(ks)}

    golden = {
        'histograms': {k: histogram(t) for k, t in e.items()},
        'stats': {k: exact_stats(t) for k, t in e.items()},
        'dtypes': {k: str(t.dtype).removeprefix('torch.') for k, t in e.items()},
        # The maps of the changed matrices, in A's order: the conv weight, and the classifier weight cast to float16.
        'heat_maps': [{'key': k, **heat_map(a[k], b[k])} for k in ('features.0.weight', 'classifier.weight')],
        'modules': [dict(path=m, **figures(ks)) for m, ks in modules.items()],
        'layers': [dict(path=m, **figures(ks)) for m, ks in layers.items()],
    }
    (out / 'golden.json').write_text(json.dumps(golden, indent=1, sort_keys=True) + '\n')


if __name__ == '__main__':
    generate(pathlib.Path(__file__).resolve().parent.parent)
