"""torch.mm and F.linear GFLOP/s on the sizes of main.swift (same thread count: run through run.sh)."""
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Shared"))
from timing import best  # noqa: E402

torch.set_num_threads(int(os.environ.get('THREADS', '1')))


def ops():
    g = torch.Generator().manual_seed(1)
    a, b, row = torch.randn(1000, 1000, generator=g), torch.randn(1000, 1000, generator=g), torch.randn(1000, generator=g)
    cases = [('add', lambda: a + b), ('add_broadcast_row', lambda: a + row), ('mul_scalar', lambda: a * 3),
             ('exp', lambda: a.exp()), ('relu', lambda: a.relu()), ('sigmoid', lambda: a.sigmoid()),
             ('sum', lambda: a.sum()), ('sum_dim0', lambda: a.sum(0)), ('softmax_dim1', lambda: a.softmax(1)),
             ('transpose', lambda: a.t().contiguous())]
    print('op\ttorch_ms')
    with torch.no_grad():
        for name, fn in cases:
            print(f'{name}\t{best(fn) * 1000:.3f}')


if sys.argv[1:2] == ['ops']:
    ops()
    sys.exit(0)

sizes = [int(a) for a in sys.argv[1:]] or [256, 512, 1024, 2048]
print('n\ttorch_mm_gflops\ttorch_linear_gflops')
with torch.no_grad():
    for n in sizes:
        a, b = torch.randn(n, n), torch.randn(n, n)
        flops = 2 * n ** 3
        mm = best(lambda: torch.mm(a, b))
        lin = best(lambda: F.linear(a, b))
        print(f'{n}\t{flops / mm / 1e9:.1f}\t{flops / lin / 1e9:.1f}')
