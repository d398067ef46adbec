"""The PyTorch side of `Benchmarks/run.sh cli`: what `ckpt run` (or `ckpt verify --backward`) does, in PyTorch.

Usage: torch_nn.py lenet|mlp|lstm CKPT INPUT.npy OUT.npy [--backward] [--reps N]
Loads the state_dict (weights_only), runs one forward (and backward from the output's sum with --backward),
saves the output as .npy (printing the wall-clock time then), then prints the pure compute time: first call, and best and median of N warm calls.
"""
import sys, time
t_start = time.perf_counter()
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)


import os  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Fixtures", "gen"))
from _reference_models import Net  # noqa: E402  the tutorial's LeNet, as Fixtures/models/lenet.model prints it


class LSTMClassifier(nn.Module):  # Benchmarks/nn/lstm.model
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(128, 256, num_layers=2)
        self.fc = nn.Linear(256, 10)

    def forward(self, x):
        out, (h, c) = self.lstm(x)
        return self.fc(out[-1])


def make(name):
    if name == "lenet":
        return Net()
    if name == "mlp":  # Benchmarks/nn/mlp.model
        return nn.Sequential(nn.Linear(784, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(),
                             nn.Linear(1024, 10))
    return LSTMClassifier()


def step(model, x, backward):
    if backward:
        model.zero_grad(set_to_none=True)
        y = model(x)
        y.sum().backward()
        return y.detach()
    with torch.no_grad():
        return model(x)


def main():
    name, ckpt, inp, out = sys.argv[1:5]
    backward = "--backward" in sys.argv
    reps = int(sys.argv[sys.argv.index("--reps") + 1]) if "--reps" in sys.argv else 10
    t_import = time.perf_counter()
    model = make(name).eval()
    model.load_state_dict(torch.load(ckpt, weights_only=True))
    x = torch.from_numpy(np.load(inp))
    t0 = time.perf_counter()
    y = step(model, x, backward)
    t1 = time.perf_counter()
    if backward:
        assert all(p.grad is not None and torch.isfinite(p.grad).all() for p in model.parameters())
    np.save(out, y.numpy())
    t_end = time.perf_counter()
    print(f"output_at {time.time():.3f}")  # bench.sh subtracts its launch time: process start to output saved
    times = []
    for _ in range(reps):
        a = time.perf_counter()
        step(model, x, backward)
        times.append(time.perf_counter() - a)
    times.sort()
    print(f"import {t_import - t_start:.3f} s, load+forward+save {t_end - t_import:.3f} s, "
          f"script to output {t_end - t_start:.3f} s; "
          f"{'forward+backward' if backward else 'forward'}: first {1e3 * (t1 - t0):.2f} ms, "
          f"best {1e3 * times[0]:.2f} ms, median {1e3 * times[len(times) // 2]:.2f} ms")


main()
