"""Small models laid out as transformers' GPT2LMHeadModel and LlamaForCausalLM and torchvision's EfficientNet print
them (re-implemented from their source in _hf_layers.py and here; neither library is needed), for model_reprs.py."""
import json

import torch
from torch import nn

import _hf_layers as hf


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
