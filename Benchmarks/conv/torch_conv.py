"""PyTorch side of the conv2d benchmark (same shapes, same thread count as the Swift side)."""
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Shared"))
from timing import measure  # noqa: E402

runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 2
torch.set_num_threads(threads)
torch.manual_seed(0)
n, cin, cout, h, w = 8, 64, 128, 56, 56
x = torch.randn(n, cin, h, w, requires_grad=True)
weight = torch.randn(cout, cin, 3, 3, requires_grad=True)
bias = torch.randn(cout, requires_grad=True)
g = torch.randn(n, cout, h, w)


with torch.no_grad():
    fwd = measure(lambda: F.conv2d(x, weight, bias, padding=1), runs, warmup=1)
y = F.conv2d(x, weight, bias, padding=1)
bwd = measure(lambda: y.backward(g, retain_graph=True), runs, warmup=1)
flops = 2.0 * n * cout * h * w * cin * 9
print(f"forward min {fwd[0]:.2f} ms median {fwd[1]:.2f} ms ({flops / fwd[0] / 1e6:.1f} GFLOP/s at min)")
print(f"backward min {bwd[0]:.2f} ms median {bwd[1]:.2f} ms ({2 * flops / bwd[0] / 1e6:.1f} GFLOP/s at min)")
