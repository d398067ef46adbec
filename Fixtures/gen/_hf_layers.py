"""The few Hugging Face transformers classes ckpt knows by name, re-implemented in torch for the goldens
(transformers is not a fixture dependency). Each is written as transformers writes it, with its repr:

- Conv1D: src/transformers/pytorch_utils.py (`__repr__` returns "Conv1D(nf={nf}, nx={nx})").
- LlamaRMSNorm: src/transformers/models/llama/modeling_llama.py (float32 compute, `weight * x`; `extra_repr`
  f"{tuple(self.weight.shape)}, eps={self.variance_epsilon}").
- GemmaRMSNorm: src/transformers/models/gemma/modeling_gemma.py (weight starts at zeros, scale `1 + weight`).
- The activations: src/transformers/activations.py (NewGELUActivation, GELUActivation, FastGELUActivation,
  QuickGELUActivation, AccurateGELUActivation, PytorchGELUTanh — renamed GELUTanh in later versions —,
  SiLUActivation, MishActivation, LinearActivation).
"""
import math

import torch
from torch import nn


class Conv1D(nn.Module):
    def __init__(self, nf, nx):
        super().__init__()
        self.nf = nf
        self.nx = nx
        self.weight = nn.Parameter(torch.empty(nx, nf))
        self.bias = nn.Parameter(torch.zeros(nf))
        nn.init.normal_(self.weight, std=0.02)

    def __repr__(self) -> str:
        return "Conv1D(nf={nf}, nx={nx})".format(**self.__dict__)

    def forward(self, x):
        size_out = x.size()[:-1] + (self.nf,)
        x = torch.addmm(self.bias, x.view(-1, x.size(-1)), self.weight)
        return x.view(size_out)


class LlamaRMSNorm(nn.Module):
    def __init__(self, hidden_size, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(hidden_size))
        self.variance_epsilon = eps

    def forward(self, hidden_states):
        input_dtype = hidden_states.dtype
        hidden_states = hidden_states.to(torch.float32)
        variance = hidden_states.pow(2).mean(-1, keepdim=True)
        hidden_states = hidden_states * torch.rsqrt(variance + self.variance_epsilon)
        return self.weight * hidden_states.to(input_dtype)

    def extra_repr(self):
        return f"{tuple(self.weight.shape)}, eps={self.variance_epsilon}"


class GemmaRMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float = 1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.zeros(dim))

    def _norm(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)

    def forward(self, x):
        output = self._norm(x.float())
        output = output * (1.0 + self.weight.float())
        return output.type_as(x)

    def extra_repr(self):
        return f"{tuple(self.weight.shape)}, eps={self.eps}"


class NewGELUActivation(nn.Module):
    def forward(self, input):
        return 0.5 * input * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (input + 0.044715 * torch.pow(input, 3.0))))


class AccurateGELUActivation(nn.Module):
    def __init__(self):
        super().__init__()
        self.precomputed_constant = math.sqrt(2 / math.pi)

    def forward(self, input):
        return 0.5 * input * (1 + torch.tanh(self.precomputed_constant * (input + 0.044715 * torch.pow(input, 3))))


class GELUActivation(nn.Module):
    def forward(self, input):
        return nn.functional.gelu(input)


class FastGELUActivation(nn.Module):
    def forward(self, input):
        return 0.5 * input * (1.0 + torch.tanh(input * 0.7978845608 * (1.0 + 0.044715 * input * input)))


class QuickGELUActivation(nn.Module):
    def forward(self, input):
        return input * torch.sigmoid(1.702 * input)


class PytorchGELUTanh(nn.Module):
    def forward(self, input):
        return nn.functional.gelu(input, approximate="tanh")


class GELUTanh(PytorchGELUTanh):
    pass


class SiLUActivation(nn.Module):
    def forward(self, input):
        return nn.functional.silu(input)


class MishActivation(nn.Module):
    def forward(self, input):
        return nn.functional.mish(input)


class LinearActivation(nn.Module):
    def forward(self, input):
        return input


ACTIVATIONS = [NewGELUActivation, AccurateGELUActivation, GELUActivation, FastGELUActivation, QuickGELUActivation,
               PytorchGELUTanh, GELUTanh, SiLUActivation, MishActivation, LinearActivation]


class StochasticDepth(nn.Module):
    """torchvision.ops.StochasticDepth's constructor and repr (its forward is identity in eval)."""

    def __init__(self, p: float, mode: str) -> None:
        super().__init__()
        self.p = p
        self.mode = mode

    def forward(self, input):
        return input

    def __repr__(self) -> str:
        return self.__class__.__name__ + "(" + "p=" + str(self.p) + ", mode=" + str(self.mode) + ")"
