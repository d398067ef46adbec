"""PyTorch side of the conv2d benchmark (same shapes, same thread count as the Swift side)."""
import statistics
import sys
import time

import torch
import torch.nn.functional as F

runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 2
torch.set_num_threads(threads)
torch.manual_seed(0)
n, cin, cout, h, w = 8, 64, 128, 56, 56
x = torch.randn(n, cin, h, w, requires_grad=True)
weight = torch.randn(cout, cin, 3, 3, requires_grad=True)
bias = torch.randn(cout, requires_grad=True)
g = torch.randn(n, cout, h, w)


def median_ms(fn):
    fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times)


with torch.no_grad():
    fwd = median_ms(lambda: F.conv2d(x, weight, bias, padding=1))
y = F.conv2d(x, weight, bias, padding=1)
bwd = median_ms(lambda: y.backward(g, retain_graph=True))
flops = 2.0 * n * cout * h * w * cin * 9
print(f"forward {fwd:.2f} ms ({flops / fwd / 1e6:.1f} GFLOP/s)")
print(f"backward {bwd:.2f} ms ({2 * flops / bwd / 1e6:.1f} GFLOP/s)")
