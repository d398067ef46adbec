"""Golden strings for `ckpt show`: tensors and PyTorch's own `str(t)` of them.

Writes `root/show/cases.json` (each case: name, dtype, shape, little-endian bytes as hex, threshold, str) and
`root/show/tensors.pt` / `tensors.safetensors` holding the same tensors by name, for the CLI tests.
"""
import json
import pathlib

import torch


def _cases():
    g = torch.Generator().manual_seed(1234)

    def randn(*shape, dtype=torch.float32):
        return torch.randn(*shape, generator=g).to(dtype)

    c = []

    def add(name, t, threshold=1000):
        c.append((name, t, threshold))

    add("randn_3x4", randn(3, 4))
    add("randn_2x3x4", randn(2, 3, 4))
    add("randn_2x2x2x2", randn(2, 2, 2, 2))
    add("randn_30_wraps", randn(30))
    add("arange_10", torch.arange(10))
    add("ones_3", torch.ones(3))
    add("int_valued_2x3", torch.tensor([[1.0, -2.0, 30.0], [4.0, 500.0, -6.0]]))
    add("zeros_4", torch.zeros(4))
    add("neg_zero", torch.tensor([-0.0, 0.0, 1.5]))
    add("sci_small", torch.tensor([1e-5, 1.0, 1000.0]))
    add("sci_ratio", torch.tensor([0.5, 2000.0]))
    add("sci_large", torch.tensor([1.5e9, 2.25]))
    add("sci_int_mode", torch.tensor([1.0, 1e10]))
    add("sci_tiny_randn", randn(6) * 1e-5)
    add("nan_inf", torch.tensor([float("nan"), float("inf"), -float("inf"), 1.5]))
    add("only_nonfinite", torch.tensor([float("nan"), float("inf"), 0.0]))
    add("summarized_50x40", randn(50, 40))
    add("summarized_arange_2000", torch.arange(2000))
    add("summarized_10x10x20", randn(10, 10, 20))
    add("summarized_1d_1500", randn(1500))
    add("summarized_int_mode", torch.arange(1200, dtype=torch.float32) * 3)
    add("bool_2x3", torch.tensor([[True, False, True], [False, False, True]]))
    add("float16_4", randn(4, dtype=torch.float16))
    add("float16_12_suffix_wraps", randn(12, dtype=torch.float16))
    add("bfloat16_2x3", randn(2, 3, dtype=torch.bfloat16))
    add("float64_3", randn(3, dtype=torch.float64))
    add("int32_3", torch.tensor([1, -20, 300], dtype=torch.int32))
    add("uint8_4", torch.tensor([0, 7, 255, 128], dtype=torch.uint8))
    add("int8_neg", torch.tensor([-128, 5, 127], dtype=torch.int8))
    add("int16_2x2", torch.tensor([[1000, -3], [7, 12]], dtype=torch.int16))
    add("int64_big", torch.tensor([2**40, -3, 5]))
    add("float8_e4m3fn_3", randn(3).to(torch.float8_e4m3fn))
    add("scalar_float", torch.tensor(3.14159))
    add("scalar_int", torch.tensor(7))
    add("scalar_float16", torch.tensor(3.5, dtype=torch.float16))
    add("scalar_bool", torch.tensor(True))
    add("scalar_int_valued", torch.tensor(2.0))
    add("empty_1d", torch.zeros(0))
    add("empty_0x3", torch.zeros(0, 3))
    add("empty_int64", torch.zeros(0, dtype=torch.int64))
    add("empty_float16_2x0", torch.zeros(2, 0, dtype=torch.float16))
    add("threshold_10_arange_20", torch.arange(20), threshold=10)
    add("threshold_5_randn_4x4", randn(4, 4), threshold=5)
    add("wide_2x12", randn(2, 12) * 100)
    add("conv_weight_6x1x5x5", randn(6, 1, 5, 5))
    add("complex64_2", torch.tensor([1 + 2j, 3 - 1j], dtype=torch.complex64))
    add("complex64_randn_3", torch.complex(randn(3), randn(3)))
    return c


def generate(root: pathlib.Path):
    out = root / "show"
    out.mkdir(parents=True, exist_ok=True)
    cases = []
    tensors = {}
    for name, t, threshold in _cases():
        torch.set_printoptions(threshold=threshold)
        s = str(t)
        torch.set_printoptions(profile="default")
        raw = t.contiguous().view(-1).view(torch.uint8) if t.numel() else torch.zeros(0, dtype=torch.uint8)
        cases.append({
            "name": name,
            "dtype": str(t.dtype).replace("torch.", ""),
            "shape": list(t.shape),
            "hex": bytes(raw.tolist()).hex(),
            "threshold": threshold,
            "str": s,
        })
        tensors[name] = t
    (out / "cases.json").write_text(json.dumps(cases, indent=1) + "\n")
    torch.save(tensors, out / "tensors.pt")
    # A transposed view sharing storage with its base, for `show` on non-contiguous tensors.
    base = torch.arange(12, dtype=torch.float32).reshape(3, 4) / 4
    views = {"base": base, "transposed": base.t(), "row": base[1]}
    torch.save(views, out / "views.pt")
    (out / "views.json").write_text(json.dumps({k: str(v) for k, v in views.items()}, indent=1) + "\n")
    # A file holding one bare tensor (torch.save(t)): `ckpt show FILE` needs no key.
    torch.save(torch.arange(6, dtype=torch.int32).reshape(2, 3), out / "single.pt")


if __name__ == "__main__":
    generate(pathlib.Path(__file__).resolve().parent.parent)
