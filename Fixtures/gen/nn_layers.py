"""Goldens for the nn engine (optimizers, losses): small JSON files under Fixtures/nn_layers/."""
import json
import pathlib

import torch


def _mlp():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3))


def _params(model):
    return {k: v.detach().flatten().tolist() for k, v in model.state_dict().items()}


def _run(make_opt, steps=5, clip=None):
    model = _mlp()
    g = torch.Generator().manual_seed(1)
    x = torch.randn(5, 4, generator=g)
    y = torch.randn(5, 3, generator=g)
    initial = _params(model)
    opt = make_opt(model.parameters())
    losses, after, norms = [], [], []
    for _ in range(steps):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        if clip is not None:
            norms.append(float(clip(model.parameters())))
        opt.step()
        losses.append(loss.item())
        after.append(_params(model))
    sd = opt.state_dict()
    group_keys = [k for k in sd["param_groups"][0].keys()]
    state_keys = list(sd["state"].get(0, {}).keys())
    return {"input": x.flatten().tolist(), "target": y.flatten().tolist(), "initial": initial,
            "losses": losses, "after": after, "norms": norms, "group_keys": group_keys, "state_keys": state_keys,
            "state0": {k: (v.flatten().tolist() if v.dim() > 0 else [float(v)]) for k, v in sd["state"].get(0, {}).items()}}


def _losses():
    g = torch.Generator().manual_seed(2)
    x = torch.randn(4, 3, generator=g)
    t = torch.randn(4, 3, generator=g)
    cls = torch.tensor([0, 2, 1, 2])
    p = torch.sigmoid(x)
    b = torch.rand(4, 3, generator=g)
    out = {"x": x.flatten().tolist(), "t": t.flatten().tolist(), "cls": cls.tolist(), "b": b.flatten().tolist()}
    nn = torch.nn
    cases = {
        "L1Loss": (nn.L1Loss(), x, t), "L1Loss_sum": (nn.L1Loss(reduction="sum"), x, t),
        "MSELoss": (nn.MSELoss(), x, t), "MSELoss_none": (nn.MSELoss(reduction="none"), x, t),
        "CrossEntropyLoss": (nn.CrossEntropyLoss(), x, cls),
        "CrossEntropyLoss_ls": (nn.CrossEntropyLoss(label_smoothing=0.1), x, cls),
        "NLLLoss": (nn.NLLLoss(), torch.log_softmax(x, 1), cls),
        "KLDivLoss": (nn.KLDivLoss(reduction="batchmean"), torch.log_softmax(x, 1), torch.softmax(t, 1)),
        "BCELoss": (nn.BCELoss(), p, b), "BCEWithLogitsLoss": (nn.BCEWithLogitsLoss(), x, b),
    }
    for name, (m, a, c) in cases.items():
        out[name] = {"value": m(a, c).flatten().tolist(), "repr": repr(m)}
    return out


def _flat(t):
    return t.detach().flatten().tolist()


def _layers():
    torch.manual_seed(3)
    out = {}
    ct = torch.nn.ConvTranspose2d(4, 6, (3, 2), stride=2, padding=1, output_padding=1, groups=2)
    x = torch.randn(2, 4, 3, 3, requires_grad=True)
    y = ct(x)
    y.pow(2).sum().backward()
    out["convt"] = {"weight": _flat(ct.weight), "bias": _flat(ct.bias), "x": _flat(x), "y": _flat(y), "shape": list(y.shape),
                    "gx": _flat(x.grad), "gw": _flat(ct.weight.grad), "gb": _flat(ct.bias.grad)}
    bl = torch.nn.Bilinear(3, 4, 5)
    a, b = torch.randn(2, 3, requires_grad=True), torch.randn(2, 4)
    y = bl(a, b)
    y.pow(2).sum().backward()
    out["bilinear"] = {"weight": _flat(bl.weight), "bias": _flat(bl.bias), "a": _flat(a), "b": _flat(b), "y": _flat(y),
                       "ga": _flat(a.grad), "gw": _flat(bl.weight.grad)}
    x = torch.randn(1, 2, 3, 4)
    out["pads"] = {"x": _flat(x), "zero": _flat(torch.nn.ZeroPad2d((1, 2, 0, 1))(x)),
                   "const": _flat(torch.nn.ConstantPad2d(1, 3.5)(x)), "refl": _flat(torch.nn.ReflectionPad2d((2, 1, 1, 2))(x)),
                   "repl": _flat(torch.nn.ReplicationPad2d(2)(x)),
                   "up": _flat(torch.nn.UpsamplingBilinear2d(scale_factor=2)(x)),
                   "up_nearest": _flat(torch.nn.Upsample(size=(5, 7))(x))}
    bn = torch.nn.BatchNorm2d(3)
    with torch.no_grad():
        bn.weight.uniform_(0.5, 1.5)
        bn.bias.uniform_(-0.5, 0.5)
    w0, b0 = _flat(bn.weight), _flat(bn.bias)
    x = torch.randn(4, 3, 2, 5, requires_grad=True)
    y = bn(x)
    (y * torch.arange(y.numel()).reshape(y.shape).float().sin()).sum().backward()
    bn.eval()
    ye = bn(x.detach() * 0.5)
    out["batchnorm2d"] = {"weight": w0, "bias": b0, "x": _flat(x), "y": _flat(y), "gx": _flat(x.grad), "gw": _flat(bn.weight.grad),
                          "gb": _flat(bn.bias.grad), "running_mean": _flat(bn.running_mean), "running_var": _flat(bn.running_var),
                          "y_eval": _flat(ye)}
    ln = torch.nn.LayerNorm([5])
    with torch.no_grad():
        ln.weight.uniform_(0.5, 1.5)
        ln.bias.uniform_(-0.5, 0.5)
    x = torch.randn(3, 5, requires_grad=True)
    y = ln(x)
    (y * torch.arange(y.numel()).reshape(y.shape).float().cos()).sum().backward()
    out["layernorm"] = {"weight": _flat(ln.weight), "bias": _flat(ln.bias), "x": _flat(x), "y": _flat(y), "gx": _flat(x.grad),
                        "gw": _flat(ln.weight.grad), "gb": _flat(ln.bias.grad)}
    rec = {}
    for name, cls in [("LSTM", torch.nn.LSTM), ("GRU", torch.nn.GRU), ("RNN", torch.nn.RNN)]:
        torch.manual_seed(4)
        m = cls(3, 4, num_layers=2, bidirectional=True, batch_first=True)
        x = torch.randn(2, 6, 3, requires_grad=True)
        y = m(x)[0]
        (y * torch.arange(y.numel()).reshape(y.shape).float().sin()).sum().backward()
        rec[name] = {"params": {k: _flat(v) for k, v in m.state_dict().items()}, "x": _flat(x), "y": _flat(y),
                     "gx": _flat(x.grad), "grads": {k: _flat(v.grad) for k, v in m.named_parameters()}}
    out["recurrent"] = rec
    cells = {}
    for name, cls in [("LSTMCell", torch.nn.LSTMCell), ("GRUCell", torch.nn.GRUCell), ("RNNCell", torch.nn.RNNCell)]:
        torch.manual_seed(5)
        m = cls(3, 4)
        xs = torch.randn(6, 2, 3, requires_grad=True)
        state, hs = None, []
        for t in range(6):
            state = m(xs[t], state)
            hs.append(state[0] if isinstance(state, tuple) else state)
        y = torch.stack(hs)
        (y * torch.arange(y.numel()).reshape(y.shape).float().sin()).sum().backward()
        cells[name] = {"params": {k: _flat(v) for k, v in m.state_dict().items()}, "x": _flat(xs), "y": _flat(y),
                       "gx": _flat(xs.grad), "grads": {k: _flat(v.grad) for k, v in m.named_parameters()}}
    out["cells"] = cells
    emb = torch.nn.Embedding(6, 3, padding_idx=2)
    idx = torch.tensor([[0, 2, 5], [2, 2, 1]])
    y = emb(idx)
    (y * torch.arange(y.numel()).reshape(y.shape).float().sin()).sum().backward()
    out["embedding"] = {"weight": _flat(emb.weight), "idx": _flat(idx), "y": _flat(y), "gw": _flat(emb.weight.grad)}
    return out


def generate(root: pathlib.Path):
    out = root / "nn_layers"
    out.mkdir(parents=True, exist_ok=True)
    optim = {
        "sgd_momentum": _run(lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9)),
        "sgd_nesterov_wd": _run(lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.01)),
        "adam": _run(lambda ps: torch.optim.Adam(ps, lr=0.01)),
        "adam_amsgrad_wd": _run(lambda ps: torch.optim.Adam(ps, lr=0.02, weight_decay=0.1, amsgrad=True)),
        "adamw": _run(lambda ps: torch.optim.AdamW(ps, lr=0.01)),
        "sgd_clip_norm": _run(lambda ps: torch.optim.SGD(ps, lr=0.1),
                              clip=lambda ps: torch.nn.utils.clip_grad_norm_(ps, 0.05)),
        "sgd_clip_inf": _run(lambda ps: torch.optim.SGD(ps, lr=0.1),
                             clip=lambda ps: torch.nn.utils.clip_grad_norm_(ps, 0.05, norm_type=float("inf"))),
    }
    (out / "optim.json").write_text(json.dumps(optim, sort_keys=True))
    (out / "layers.json").write_text(json.dumps(_layers(), sort_keys=True))
    (out / "losses.json").write_text(json.dumps(_losses(), sort_keys=True))
