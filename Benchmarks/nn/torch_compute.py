"""The PyTorch side of `Benchmarks/run.sh nn`: the same workloads as bench-nn, timed in-process.

Usage: torch_compute.py [runs] [warmup] [workload ...]
Prints one line per workload, `<name> min <ms> median <ms>`, like bench-nn. Forwards run in eval mode under
torch.no_grad() (ckpt: Tensor.noGrad); the MLP training step is zero_grad(set_to_none=True), forward,
CrossEntropyLoss, backward, SGD(lr=0.01).step(), as ckpt's; the LSTM one the same with the output's mean as loss.
Threads: torch.set_num_threads(THREADS or 2).
"""
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Fixtures", "gen"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Shared"))
from _reference_models import Net  # noqa: E402  the tutorial's LeNet (REFERENCE_MODELS)
from timing import measure  # noqa: E402

NAMES = ["lenet_forward", "mlp_forward", "lstm_forward", "gru_forward", "rnn_forward", "mlp_train_step",
         "lstm_train_step"]


def mlp():
    return nn.Sequential(nn.Linear(784, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(), nn.Linear(1024, 10))


def forward(model, x):
    model.eval()

    def run():
        with torch.no_grad():
            model(x)
    return run


def make(name):
    torch.manual_seed(0)
    if name == "lenet_forward":
        return forward(Net(), torch.randn(64, 1, 32, 32))
    if name == "mlp_forward":
        return forward(mlp(), torch.randn(256, 784))
    if name == "lstm_forward":
        return forward(nn.LSTM(128, 256, num_layers=2), torch.randn(50, 16, 128))
    if name in ("gru_forward", "rnn_forward"):
        layer = nn.GRU if name == "gru_forward" else nn.RNN
        return forward(layer(128, 256, num_layers=2), torch.randn(50, 16, 128))
    if name == "lstm_train_step":
        model = nn.LSTM(128, 256, num_layers=2)
        x = torch.randn(50, 16, 128)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01)

        def lstm_step():
            optimizer.zero_grad(set_to_none=True)
            model(x)[0].mean().backward()
            optimizer.step()
        return lstm_step
    if name == "mlp_train_step":
        model = mlp()
        x, target = torch.randn(256, 784), torch.randint(0, 10, (256,))
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
        loss = nn.CrossEntropyLoss()

        def step():
            optimizer.zero_grad(set_to_none=True)
            loss(model(x), target).backward()
            optimizer.step()
        return step
    raise SystemExit(f"unknown workload {name}; expected one of {NAMES}")


def main():
    args = sys.argv[1:]
    runs = int(args[0]) if args else 20
    warmup = int(args[1]) if len(args) > 1 else 3
    torch.set_num_threads(int(os.environ.get("THREADS", "2")))
    for name in args[2:] or NAMES:
        fastest, median = measure(make(name), runs, warmup)
        print(f"{name} min {fastest:.3f} median {median:.3f}")


main()
