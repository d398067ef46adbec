"""Goldens for every layer of ckpt's catalog beyond the tutorial ones (torch 2.15, float32), under layer_goldens/:
layers.json holds, per case, the module's repr, state_dict keys and shapes, random non-trivial parameters
(uniform ±0.5), inputs, outputs, the input gradients and every parameter's gradient after the weighted-sum loss
Σ y·sin(arange) (as nn_attention.py). Layers whose train and eval passes differ also record: for tracked
InstanceNorm, two training passes, the running buffers after them and the eval output; for dropout, the eval
pass (training draws torch's random numbers, which ckpt does not reproduce). The Hugging Face cases run the
re-implementations in _hf_layers.py, which copy transformers' source.
"""
import json
import pathlib

import numpy as np
import torch
from torch import nn

import _hf_layers as hf


def _flat(t):
    # Shortest decimal that round-trips float32, so the JSON stays small and exact.
    return [float(str(np.float32(v))) for v in t.detach().flatten().tolist()]


def _weighted_sum(y):
    return (y * torch.arange(y.numel()).reshape(y.shape).float().sin()).sum()


def _case(m, shapes, run=None, scale=1.0, fill=None, seed=0):
    """Runs `run(m, *inputs)` (default: m(x) as a list) on seeded inputs and records what the tests compare."""
    torch.manual_seed(seed)
    with torch.no_grad():
        for p in m.parameters():
            p.uniform_(-0.5, 0.5)
    inputs = [(fill(s) if fill else torch.randn(*s) * scale).requires_grad_(True) for s in shapes]
    params = {k: _flat(v) for k, v in m.state_dict().items()}
    # Inputs are cloned so that inplace=True layers do not write into a leaf.
    outputs = (run or (lambda m, *xs: [m(*xs)]))(m, *[x.clone() for x in inputs])
    values = [y for y in outputs if y.dtype.is_floating_point]
    loss = sum(_weighted_sum(y) for y in values)
    if loss.requires_grad:
        loss.backward()
    return {"repr": repr(m), "state": [[k, list(v.shape)] for k, v in m.state_dict().items()], "params": params,
            "inputs": [_flat(x) for x in inputs], "shapes": [list(x.shape) for x in inputs],
            "outputs": [_flat(y) for y in outputs], "output_shapes": [list(y.shape) for y in outputs],
            "input_grads": [_flat(x.grad) if x.grad is not None else None for x in inputs],
            "grads": {k: _flat(p.grad) for k, p in m.named_parameters() if p.grad is not None}}


def _eval_case(m, shapes, **kwargs):
    m.eval()
    return _case(m, shapes, **kwargs)


def _tracked_norm_case(m, shape):
    """Two training passes (x, 2x+1), the running buffers after them, then the eval output on x."""
    case = _case(m, [shape], run=lambda m, x: [m(x), m(x * 2 + 1)])
    case["buffers"] = {k: _flat(v) for k, v in m.state_dict().items() if "running" in k or "num_batches" in k}
    m.eval()
    x = torch.tensor(case["inputs"][0]).reshape(shape)
    case["eval_output"] = _flat(m(x))
    return case


def _cases():
    small = [2, 3, 4]
    c = {}
    activations = {
        "silu": nn.SiLU(), "silu_inplace": nn.SiLU(inplace=True), "mish": nn.Mish(), "hardswish": nn.Hardswish(),
        "hardsigmoid": nn.Hardsigmoid(inplace=True), "relu6": nn.ReLU6(), "relu6_inplace": nn.ReLU6(inplace=True),
        "hardtanh": nn.Hardtanh(), "hardtanh_ints": nn.Hardtanh(-2, 3), "selu": nn.SELU(), "celu": nn.CELU(alpha=0.7),
        "logsigmoid": nn.LogSigmoid(), "softsign": nn.Softsign(), "tanhshrink": nn.Tanhshrink(),
        "threshold": nn.Threshold(0.1, 20), "threshold_float": nn.Threshold(-0.5, 2.5, inplace=True),
        "hardshrink": nn.Hardshrink(), "softshrink": nn.Softshrink(0.3),
    }
    for name, m in activations.items():
        c[name] = _case(m, [small], scale=3.0)
    c["softmin"] = _case(nn.Softmin(dim=1), [small])
    c["softmin_none"] = _case(nn.Softmin(), [[3, 5]])
    c["softmax2d"] = _case(nn.Softmax2d(), [[2, 3, 2, 2]])
    c["prelu"] = _case(nn.PReLU(), [small], scale=2.0)
    c["prelu3"] = _case(nn.PReLU(3, init=0.1), [[2, 3, 2, 2]], scale=2.0)
    c["glu"] = _case(nn.GLU(dim=1), [[2, 4, 3]])
    c["glu_last"] = _case(nn.GLU(), [[3, 6]])
    for name, m, shape in [("dropout1d", nn.Dropout1d(0.3), [2, 3, 4]), ("dropout2d", nn.Dropout2d(p=0.2), [2, 3, 2, 2]),
                           ("dropout3d", nn.Dropout3d(0.1, inplace=True), [1, 2, 2, 2, 2]),
                           ("alphadropout", nn.AlphaDropout(0.2), small), ("featurealphadropout", nn.FeatureAlphaDropout(), small)]:
        c[name] = _eval_case(m, [shape])
    c["adaptiveavgpool1d"] = _case(nn.AdaptiveAvgPool1d(3), [[2, 3, 7]])
    c["adaptiveavgpool3d"] = _case(nn.AdaptiveAvgPool3d((2, None, 3)), [[1, 2, 4, 3, 5]])
    c["adaptiveavgpool2d_none"] = _case(nn.AdaptiveAvgPool2d((None, 2)), [[2, 3, 5]])
    c["adaptivemaxpool1d"] = _case(nn.AdaptiveMaxPool1d(3, return_indices=True), [[2, 3, 7]], run=lambda m, x: list(m(x)))
    c["adaptivemaxpool2d"] = _case(nn.AdaptiveMaxPool2d((2, 3)), [[2, 2, 5, 7]])
    c["adaptivemaxpool3d"] = _case(nn.AdaptiveMaxPool3d(2, return_indices=True), [[1, 2, 3, 4, 5]], run=lambda m, x: list(m(x)))
    c["instancenorm1d"] = _case(nn.InstanceNorm1d(4), [[2, 4, 5]])
    c["instancenorm1d_unbatched"] = _case(nn.InstanceNorm1d(3, affine=True), [[3, 6]])
    c["instancenorm2d_affine"] = _case(nn.InstanceNorm2d(3, affine=True, eps=1e-3), [[2, 3, 2, 3]])
    c["instancenorm2d_tracked"] = _tracked_norm_case(nn.InstanceNorm2d(3, affine=True, track_running_stats=True), [2, 3, 2, 3])
    c["instancenorm3d_tracked_nomomentum"] = _tracked_norm_case(nn.InstanceNorm3d(2, momentum=None, track_running_stats=True),
                                                                [2, 2, 2, 2, 2])
    c["rmsnorm"] = _case(nn.RMSNorm(4), [small])
    c["rmsnorm_2d"] = _case(nn.RMSNorm([3, 4], eps=1e-6, elementwise_affine=False), [small])
    c["rmsnorm_eps"] = _case(nn.RMSNorm(4, eps=1e-5), [[5, 4]], scale=0.01)
    c["lrn_3d"] = _case(nn.LocalResponseNorm(2), [[2, 5, 3]])
    c["lrn_4d"] = _case(nn.LocalResponseNorm(3, alpha=0.5, beta=0.5, k=2), [[2, 5, 2, 2]])
    c["lrn_5d"] = _case(nn.LocalResponseNorm(4, alpha=1e-2), [[1, 5, 2, 1, 2]])
    c["pixelunshuffle"] = _case(nn.PixelUnshuffle(2), [[1, 2, 4, 6]])
    c["channelshuffle"] = _case(nn.ChannelShuffle(3), [[2, 6, 2, 1]])
    c["hf_conv1d"] = _case(hf.Conv1D(5, 4), [small])
    c["hf_llama_rmsnorm"] = _case(hf.LlamaRMSNorm(4, eps=1e-5), [small])
    c["hf_gemma_rmsnorm"] = _case(hf.GemmaRMSNorm(4), [small])
    for cls in hf.ACTIVATIONS:
        c["hf_" + cls.__name__] = _case(cls(), [small], scale=2.5)
    c["pairwise"] = _case(nn.PairwiseDistance(), [[3, 5], [3, 5]])
    c["pairwise_p3_keepdim"] = _case(nn.PairwiseDistance(p=3.0, keepdim=True), [[2, 3, 4], [2, 3, 4]])
    c["pairwise_inf"] = _case(nn.PairwiseDistance(p=float("inf"), eps=0.0), [[4, 6], [4, 6]])
    return c


def generate(root: pathlib.Path):
    out = root / "layer_goldens"
    out.mkdir(parents=True, exist_ok=True)
    (out / "layers.json").write_text(json.dumps(_cases(), sort_keys=True) + "\n")
