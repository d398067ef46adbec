"""Training checkpoints with optimizer state, as PyTorch's "saving a general checkpoint" recipe writes them.

For each case a 4-8-3 Tanh MLP (torch.manual_seed(0)) is trained 3 steps on an MSE loss, then

    optim_state/<case>.pt    torch.save({'epoch': 3, 'model_state_dict': ..., 'optimizer_state_dict':
                             opt.state_dict(), 'loss': ...})
    optim_state/<case>.json  the input and target, the optimizer's constructor arguments, and what 2 more steps
                             give: losses, parameters and the optimizer state after step 5 (flattened lists)

`adam_frozen_bias` freezes `0.bias` (requires_grad False), so the optimizer holds no state for parameter 1.
Tests load the .pt, restore model and optimizer, run the 2 steps and compare with the .json.
"""
import json
import pathlib

import torch

CASES = {
    "sgd_nesterov": (torch.optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-3)),
    "sgd_dampening": (torch.optim.SGD, dict(lr=0.05, momentum=0.9, dampening=0.5, weight_decay=0.01)),
    "adam": (torch.optim.Adam, dict(lr=0.01)),
    "adam_amsgrad": (torch.optim.Adam, dict(lr=0.02, betas=(0.8, 0.99), weight_decay=0.1, amsgrad=True)),
    "adamw": (torch.optim.AdamW, dict(lr=0.01, weight_decay=0.05)),
    "adam_frozen_bias": (torch.optim.Adam, dict(lr=0.01)),
}
FROZEN = {"adam_frozen_bias": ["0.bias"]}


def _flat(t):
    return t.detach().flatten().tolist()


def _train(model, opt, x, y, steps):
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def _case(name, root):
    cls, kwargs = CASES[name]
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3))
    for key in FROZEN.get(name, []):
        model.get_parameter(key).requires_grad_(False)
    g = torch.Generator().manual_seed(1)
    x = torch.randn(5, 4, generator=g)
    y = torch.randn(5, 3, generator=g)
    opt = cls(model.parameters(), **kwargs)
    losses = _train(model, opt, x, y, 3)
    torch.save({"epoch": 3, "model_state_dict": model.state_dict(), "optimizer_state_dict": opt.state_dict(),
                "loss": losses[-1]}, root / f"{name}.pt")
    more = _train(model, opt, x, y, 2)
    sd = opt.state_dict()
    golden = {
        "optimizer": cls.__name__, "kwargs": {k: list(v) if isinstance(v, tuple) else v for k, v in kwargs.items()},
        "frozen": FROZEN.get(name, []), "input": _flat(x), "target": _flat(y), "losses": more,
        "after": {k: _flat(v) for k, v in model.state_dict().items()},
        "state_after": {str(i): {k: _flat(v) for k, v in s.items()} for i, s in sd["state"].items()},
    }
    (root / f"{name}.json").write_text(json.dumps(golden, sort_keys=True))


def generate(root: pathlib.Path):
    out = root / "optim_state"
    out.mkdir(parents=True, exist_ok=True)
    for name in CASES:
        _case(name, out)
