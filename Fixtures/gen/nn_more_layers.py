"""Goldens for the layers of ckpt's `LayerCatalog+Extra` (torch 2.15, float32), under nn_more_layers/:

- layers.json: per case, the module's repr, state_dict keys and shapes, random non-trivial parameters
  (uniform ±0.5), inputs, outputs, the input gradients and every parameter's gradient after the weighted-sum loss
  Σ y·sin(arange) (as nn_attention.py). Layers whose train and eval passes differ also record: for tracked
  InstanceNorm, two training passes, the running buffers after them and the eval output; for dropout, the eval
  pass (training draws torch's random numbers, which ckpt does not reproduce). The Hugging Face cases run the
  re-implementations in _hf_layers.py, which copy transformers' source.
- more_layers.txt / .keys.json: print() of a module holding all of them, with state_dict keys and shapes and
  parameter counts; gpt2_toy.txt, llama_toy.txt, efficientnet_toy.txt (+ .keys.json): small models laid out as
  transformers' GPT2LMHeadModel and LlamaForCausalLM and torchvision's EfficientNet print them.
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
    return c


class MoreLayers(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleDict({
            "silu": nn.SiLU(), "silu_ip": nn.SiLU(inplace=True), "mish": nn.Mish(), "hardswish": nn.Hardswish(),
            "hardsigmoid": nn.Hardsigmoid(), "relu6": nn.ReLU6(), "relu6_ip": nn.ReLU6(inplace=True), "hardtanh": nn.Hardtanh(),
            "hardtanh_ints": nn.Hardtanh(-2, 3, inplace=True), "selu": nn.SELU(), "celu": nn.CELU(), "celu_int": nn.CELU(2),
            "logsigmoid": nn.LogSigmoid(), "softsign": nn.Softsign(), "tanhshrink": nn.Tanhshrink(), "softmin": nn.Softmin(),
            "softmin1": nn.Softmin(dim=1), "softmax2d": nn.Softmax2d(), "threshold": nn.Threshold(0.1, 20),
            "threshold_f": nn.Threshold(1, 2.0, True), "hardshrink": nn.Hardshrink(), "hardshrink1": nn.Hardshrink(1),
            "softshrink": nn.Softshrink(), "prelu": nn.PReLU(), "prelu64": nn.PReLU(64), "glu": nn.GLU(), "glu1": nn.GLU(dim=1),
            "dropout1d": nn.Dropout1d(), "dropout2d": nn.Dropout2d(p=0.2), "dropout3d": nn.Dropout3d(0.1, inplace=True),
            "alphadropout": nn.AlphaDropout(), "featurealphadropout": nn.FeatureAlphaDropout(p=1),
            "adaptiveavg1d": nn.AdaptiveAvgPool1d(3), "adaptiveavg3d": nn.AdaptiveAvgPool3d((2, None, 3)),
            "adaptiveavg3d_int": nn.AdaptiveAvgPool3d(1), "adaptiveavg2d_none": nn.AdaptiveAvgPool2d((None, 7)),
            "adaptivemax1d": nn.AdaptiveMaxPool1d(3), "adaptivemax2d": nn.AdaptiveMaxPool2d((2, 3), return_indices=True),
            "adaptivemax3d": nn.AdaptiveMaxPool3d(2),
            "instancenorm1d": nn.InstanceNorm1d(4), "instancenorm2d": nn.InstanceNorm2d(64, affine=True),
            "instancenorm2d_nb": nn.InstanceNorm2d(8, affine=True, bias=False),
            "instancenorm3d": nn.InstanceNorm3d(3, eps=1e-3, momentum=None, track_running_stats=True),
            "rmsnorm": nn.RMSNorm(4), "rmsnorm2": nn.RMSNorm([4, 5], eps=1e-6, elementwise_affine=False), "rmsnorm_int": nn.RMSNorm(7, eps=1e-5),
            "lrn": nn.LocalResponseNorm(2), "lrn_k": nn.LocalResponseNorm(3, alpha=1e-3, beta=0.5, k=2),
            "pixelunshuffle": nn.PixelUnshuffle(2), "channelshuffle": nn.ChannelShuffle(4),
            "hf_conv1d": hf.Conv1D(2304, 768), "hf_llama_rmsnorm": hf.LlamaRMSNorm(4096), "hf_gemma_rmsnorm": hf.GemmaRMSNorm(256),
            "stochastic_depth": hf.StochasticDepth(0.2, "row"),
            **{"hf_" + cls.__name__: cls() for cls in hf.ACTIVATIONS},
        })


class GPT2Attention(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.c_attn = hf.Conv1D(3 * d, d)
        self.c_proj = hf.Conv1D(d, d)
        self.attn_dropout = nn.Dropout(0.1)
        self.resid_dropout = nn.Dropout(0.1)


class GPT2MLP(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.c_fc = hf.Conv1D(4 * d, d)
        self.c_proj = hf.Conv1D(d, 4 * d)
        self.act = hf.NewGELUActivation()
        self.dropout = nn.Dropout(0.1)


class GPT2Block(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.ln_1 = nn.LayerNorm(d)
        self.attn = GPT2Attention(d)
        self.ln_2 = nn.LayerNorm(d)
        self.mlp = GPT2MLP(d)


class GPT2Model(nn.Module):
    def __init__(self, vocab, positions, d, layers):
        super().__init__()
        self.wte = nn.Embedding(vocab, d)
        self.wpe = nn.Embedding(positions, d)
        self.drop = nn.Dropout(0.1)
        self.h = nn.ModuleList([GPT2Block(d) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(d)


class GPT2LMHeadModel(nn.Module):
    """transformers' GPT2LMHeadModel layout, with lm_head tied to wte as transformers ties it."""

    def __init__(self, vocab=50, positions=16, d=8, layers=2):
        super().__init__()
        self.transformer = GPT2Model(vocab, positions, d, layers)
        self.lm_head = nn.Linear(d, vocab, bias=False)
        self.lm_head.weight = self.transformer.wte.weight


class LlamaAttention(nn.Module):
    def __init__(self, d, kv):
        super().__init__()
        self.q_proj = nn.Linear(d, d, bias=False)
        self.k_proj = nn.Linear(d, kv, bias=False)
        self.v_proj = nn.Linear(d, kv, bias=False)
        self.o_proj = nn.Linear(d, d, bias=False)


class LlamaMLP(nn.Module):
    def __init__(self, d, ff):
        super().__init__()
        self.gate_proj = nn.Linear(d, ff, bias=False)
        self.up_proj = nn.Linear(d, ff, bias=False)
        self.down_proj = nn.Linear(ff, d, bias=False)
        self.act_fn = nn.SiLU()


class LlamaDecoderLayer(nn.Module):
    def __init__(self, d, kv, ff):
        super().__init__()
        self.self_attn = LlamaAttention(d, kv)
        self.mlp = LlamaMLP(d, ff)
        self.input_layernorm = hf.LlamaRMSNorm(d, eps=1e-5)
        self.post_attention_layernorm = hf.LlamaRMSNorm(d, eps=1e-5)


class LlamaRotaryEmbedding(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.register_buffer("inv_freq", torch.ones(d // 2), persistent=False)


class LlamaModel(nn.Module):
    def __init__(self, vocab, d, kv, ff, layers):
        super().__init__()
        self.embed_tokens = nn.Embedding(vocab, d)
        self.layers = nn.ModuleList([LlamaDecoderLayer(d, kv, ff) for _ in range(layers)])
        self.norm = hf.LlamaRMSNorm(d, eps=1e-5)
        self.rotary_emb = LlamaRotaryEmbedding(d)


class LlamaForCausalLM(nn.Module):
    """transformers' LlamaForCausalLM layout (grouped-query attention, untied head)."""

    def __init__(self, vocab=64, d=16, kv=8, ff=40, layers=3):
        super().__init__()
        self.model = LlamaModel(vocab, d, kv, ff, layers)
        self.lm_head = nn.Linear(d, vocab, bias=False)


class SqueezeExcitation(nn.Module):
    def __init__(self, c, squeeze):
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(c, squeeze, 1)
        self.fc2 = nn.Conv2d(squeeze, c, 1)
        self.activation = nn.SiLU(inplace=True)
        self.scale_activation = nn.Sigmoid()


class Conv2dNormActivation(nn.Sequential):
    def __init__(self, cin, cout, k, stride=1, groups=1, activation=True):
        layers = [nn.Conv2d(cin, cout, k, stride, (k - 1) // 2, groups=groups, bias=False), nn.BatchNorm2d(cout, eps=1e-3)]
        if activation:
            layers.append(nn.SiLU(inplace=True))
        super().__init__(*layers)


class MBConv(nn.Module):
    def __init__(self, cin, cout, expand, sd):
        super().__init__()
        mid = cin * expand
        self.block = nn.Sequential(Conv2dNormActivation(cin, mid, 1), Conv2dNormActivation(mid, mid, 3, groups=mid),
                                   SqueezeExcitation(mid, max(1, cin // 4)), Conv2dNormActivation(mid, cout, 1, activation=False))
        self.stochastic_depth = hf.StochasticDepth(sd, "row")


class EfficientNet(nn.Module):
    """torchvision's EfficientNet layout at toy width (MBConv blocks with squeeze-excitation and stochastic depth)."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(Conv2dNormActivation(3, 8, 3, stride=2), nn.Sequential(MBConv(8, 8, 1, 0.0), MBConv(8, 12, 4, 0.0125)),
                                      Conv2dNormActivation(12, 32, 1))
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(p=0.2, inplace=True), nn.Linear(32, 10))


def _printout(out, name, model):
    (out / f"{name}.txt").write_text(str(model) + "\n")
    keys = {"state": [[k, list(v.shape)] for k, v in model.state_dict().items()],
            "parameters": sum(p.numel() for p in model.parameters()),
            # Persistent buffers only: what a checkpoint holds (LlamaRotaryEmbedding's inv_freq is not saved).
            "buffers": sum(b.numel() for n, b in model.named_buffers() if n in model.state_dict())}
    (out / f"{name}.keys.json").write_text(json.dumps(keys) + "\n")


def generate(root: pathlib.Path):
    out = root / "nn_more_layers"
    out.mkdir(parents=True, exist_ok=True)
    (out / "layers.json").write_text(json.dumps(_cases(), sort_keys=True) + "\n")
    torch.manual_seed(5)
    _printout(out, "more_layers", MoreLayers())
    _printout(out, "gpt2_toy", GPT2LMHeadModel())
    _printout(out, "llama_toy", LlamaForCausalLM())
    _printout(out, "efficientnet_toy", EfficientNet())
