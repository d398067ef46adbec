"""Goldens for MultiheadAttention (masks, per-head weights), TransformerEncoderLayer (post- and pre-norm, relu and
gelu), BatchNorm1d (2-D and 3-D input, momentum None) and 2-layer LSTM/GRU over 50 steps: outputs and every
gradient, torch 2.15, float32.
Writes nn_attention/attention.json."""
import json
import pathlib

import torch


def _flat(t):
    return t.detach().flatten().tolist()


def _weighted_sum(y):
    return (y * torch.arange(y.numel()).reshape(y.shape).float().sin()).sum()


def _module_case(m, inputs, run):
    """Random non-trivial parameters, the output of run(m, *inputs) and the gradients of a weighted sum of it."""
    with torch.no_grad():
        for p in m.parameters():
            p.uniform_(-0.5, 0.5)
    params = {k: _flat(v) for k, v in m.state_dict().items()}
    ys = run(m, *inputs)
    loss = sum(_weighted_sum(y) for y in ys if y is not None)
    loss.backward()
    return {"repr": repr(m), "params": params, "inputs": [_flat(x) for x in inputs], "shapes": [list(x.shape) for x in inputs],
            "outputs": [_flat(y) if y is not None else None for y in ys],
            "output_shapes": [list(y.shape) if y is not None else None for y in ys],
            "input_grads": [_flat(x.grad) if x.requires_grad else None for x in inputs],
            "grads": {k: _flat(p.grad) for k, p in m.named_parameters()}}


def _attention():
    out = {}
    torch.manual_seed(11)
    mha = torch.nn.MultiheadAttention(8, 2, batch_first=True)
    q = torch.randn(2, 3, 8, requires_grad=True)
    kv = torch.randn(2, 5, 8, requires_grad=True)
    padding = torch.tensor([[False] * 5, [False, False, False, True, True]])
    float_mask = torch.randn(3, 5)
    out["mha_masks"] = _module_case(mha, [q, kv], lambda m, q, kv: m(q, kv, kv, key_padding_mask=padding, attn_mask=float_mask,
                                                                      average_attn_weights=False))
    out["mha_masks"]["key_padding_mask"] = _flat(padding.float())
    out["mha_masks"]["attn_mask"] = _flat(float_mask)
    torch.manual_seed(12)
    mha = torch.nn.MultiheadAttention(6, 3)
    x = torch.randn(4, 6, requires_grad=True)  # unbatched (L, E)
    causal = torch.triu(torch.ones(4, 4, dtype=torch.bool), diagonal=1)
    out["mha_unbatched_causal"] = _module_case(mha, [x], lambda m, x: m(x, x, x, attn_mask=causal))
    for name, kwargs in [("encoder_post_relu", {}), ("encoder_pre_gelu", {"norm_first": True, "activation": "gelu"})]:
        torch.manual_seed(13)
        layer = torch.nn.TransformerEncoderLayer(8, 2, dim_feedforward=12, dropout=0.0, batch_first=True, **kwargs)
        x = torch.randn(2, 4, 8, requires_grad=True)
        padding = torch.tensor([[False] * 4, [False, False, False, True]])
        out[name] = _module_case(layer, [x], lambda m, x: [m(x, src_key_padding_mask=padding)])
        out[name]["key_padding_mask"] = _flat(padding.float())
    for name, shape, momentum in [("batchnorm1d_2d", (6, 4), 0.1), ("batchnorm1d_3d", (3, 4, 5), None)]:
        torch.manual_seed(14)
        bn = torch.nn.BatchNorm1d(4, momentum=momentum)
        x = torch.randn(*shape, requires_grad=True)
        case = _module_case(bn, [x], lambda m, x: [m(x), m(x * 2 + 1)])
        bn.eval()
        case["eval_output"] = _flat(bn(x.detach()))
        case["buffers"] = {k: _flat(v) for k, v in bn.state_dict().items() if "running" in k or "num_batches" in k}
        out[name] = case
    for name, cls in [("lstm_50_steps", torch.nn.LSTM), ("gru_50_steps", torch.nn.GRU)]:
        torch.manual_seed(15)
        rnn = cls(8, 16, num_layers=2)
        x = torch.randn(50, 3, 8, requires_grad=True)
        out[name] = _module_case(rnn, [x], lambda m, x: [m(x)[0]])
        with torch.no_grad():
            out[name]["no_grad_output"] = _flat(rnn(x)[0])
    return out


def generate(root: pathlib.Path):
    out = root / "nn_attention"
    out.mkdir(parents=True, exist_ok=True)
    (out / "attention.json").write_text(json.dumps(_attention(), sort_keys=True))
