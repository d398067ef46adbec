"""Golden values for the spatial and normalisation ops (conv, pool, pad, resample, norm).

Each family is one golden file (`_golden.py`) under Fixtures/conv_ops/: tensors are named `<case>/<name>` and
the `cases` metadata entry maps each case to its op and arguments. For every case the loss is `(out * g).sum()`
with a random upstream gradient `g`, and the file holds the input(s), the output(s) and the gradients of the
input and parameters as PyTorch computes them.
"""
import pathlib

import torch
import torch.nn as nn
import torch.nn.functional as F

import _golden


LAST_GRAD_FN = [None]


class Family(_golden.Family):
    """A golden family whose cases default their `grad_fn` to the last node `run` saw."""

    def add(self, case, args, **tensors):
        args.setdefault("grad_fn", LAST_GRAD_FN[0])
        super().add(case, args, **tensors)


def run(fn, x, params=()):
    """out = fn(x); backprop (out * g).sum(); returns out, g and the grads of x and params."""
    x = x.clone().requires_grad_(True)
    for p in params:
        if p is not None:
            p.grad = None
    out = fn(x)
    main = out[0] if isinstance(out, tuple) else out
    LAST_GRAD_FN[0] = type(main.grad_fn).__name__
    g = torch.randn_like(main)
    (main * g).sum().backward()
    return out, g, x.grad, [None if p is None else p.grad for p in params]


def conv_family():
    f = Family()

    def conv(case, module, shape, **args):
        x = torch.randn(*shape)
        w, b = module.weight, module.bias
        out, g, gx, (gw, gb) = run(module, x, (w, b))
        f.add(case, args, x=x, w=w, b=b, out=out, g=g, gx=gx, gw=gw, gb=gb)

    conv("conv1d_catalogue", nn.Conv1d(16, 33, 3, stride=2), (2, 16, 50),
         op="conv", dims=1, stride=[2])
    conv("conv2d_catalogue", nn.Conv2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2), dilation=(3, 1)),
         (1, 16, 10, 12), op="conv", dims=2, stride=[2, 1], padding=[4, 2], dilation=[3, 1])
    conv("conv3d_catalogue", nn.Conv3d(16, 33, (3, 5, 2), stride=(2, 1, 1), padding=(4, 2, 0)),
         (1, 16, 4, 6, 5), op="conv", dims=3, stride=[2, 1, 1], padding=[4, 2, 0])
    conv("conv2d_groups", nn.Conv2d(6, 9, 3, stride=2, padding=1, groups=3), (2, 6, 7, 8),
         op="conv", dims=2, stride=[2, 2], padding=[1, 1], groups=3)
    conv("conv2d_depthwise_dilated", nn.Conv2d(4, 8, 3, padding=2, dilation=2, groups=4, bias=False),
         (2, 4, 6, 7), op="conv", dims=2, padding=[2, 2], dilation=[2, 2], groups=4)
    conv("conv2d_same_even", nn.Conv2d(3, 5, (4, 3), padding="same", dilation=(1, 2)), (2, 3, 6, 7),
         op="conv", dims=2, padding="same", dilation=[1, 2])
    conv("conv1d_same", nn.Conv1d(2, 3, 4, padding="same"), (2, 2, 9), op="conv", dims=1, padding="same")
    conv("conv1d_valid", nn.Conv1d(2, 3, 3, padding="valid", bias=False), (1, 2, 5),
         op="conv", dims=1, padding="valid")
    conv("conv2d_pointwise", nn.Conv2d(5, 7, 1), (2, 5, 4, 3), op="conv", dims=2)
    conv("conv2d_kernel_covers_input", nn.Conv2d(2, 3, 3, stride=3), (1, 2, 3, 5),
         op="conv", dims=2, stride=[3, 3])

    def tconv(case, module, shape, **args):
        x = torch.randn(*shape)
        w, b = module.weight, module.bias
        out, g, gx, (gw, gb) = run(module, x, (w, b))
        f.add(case, args, x=x, w=w, b=b, out=out, g=g, gx=gx, gw=gw, gb=gb)

    tconv("conv_transpose2d_groups", nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2),
          (2, 4, 5, 4), op="conv_transpose", dims=2, stride=[2, 2], padding=[1, 1], output_padding=[1, 1],
          groups=2)
    tconv("conv_transpose2d_dilated", nn.ConvTranspose2d(3, 2, (2, 3), stride=(1, 2), padding=(0, 1),
                                                         dilation=(2, 1), bias=False),
          (1, 3, 4, 5), op="conv_transpose", dims=2, stride=[1, 2], padding=[0, 1], dilation=[2, 1])
    tconv("conv_transpose2d_outpad_dilation", nn.ConvTranspose2d(2, 2, 3, stride=1, output_padding=1, dilation=2),
          (1, 2, 3, 3), op="conv_transpose", dims=2, output_padding=[1, 1], dilation=[2, 2])
    tconv("conv_transpose1d", nn.ConvTranspose1d(3, 4, 3, stride=3), (2, 3, 5),
          op="conv_transpose", dims=1, stride=[3])
    tconv("conv_transpose3d", nn.ConvTranspose3d(2, 3, 2, stride=2, padding=(1, 0, 0)), (1, 2, 3, 2, 3),
          op="conv_transpose", dims=3, stride=[2, 2, 2], padding=[1, 0, 0])
    return f


def pool_family():
    f = Family()

    def maxpool(case, dims, shape, kernel, stride=None, padding=0, dilation=1, ceil=False, x=None):
        fn = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}[dims]
        x = torch.randn(*shape) if x is None else x
        (out, idx), g, gx, _ = run(lambda t: fn(t, kernel, stride, padding, dilation, ceil, True), x)
        tup = lambda v: [v] * dims if isinstance(v, int) else list(v)
        f.add(case, dict(op="max_pool", dims=dims, kernel=tup(kernel), stride=tup(stride) if stride else None,
                         padding=tup(padding), dilation=tup(dilation), ceil_mode=ceil),
              x=x, out=out, indices=idx, g=g, gx=gx)

    maxpool("max_pool2d_catalogue", 2, (2, 3, 9, 8), (3, 2), (2, 1))
    maxpool("max_pool2d_ceil_pad_dilation", 2, (1, 2, 10, 11), 3, 2, 1, 2, True)
    maxpool("max_pool2d_ties", 2, (1, 2, 6, 6), 2, 1, x=torch.randint(-2, 3, (1, 2, 6, 6)).float())
    maxpool("max_pool1d_ceil", 1, (2, 3, 10), 3, 2, 1, 1, True)
    maxpool("max_pool3d_pad", 3, (1, 2, 4, 5, 6), 2, (1, 2, 2), 1)
    maxpool("max_pool2d_lenet", 2, (1, 6, 28, 28), 2)

    # MaxPool2d(2, stride=2, return_indices=True) + MaxUnpool2d(2, stride=2) on the 4x4 of 1..16.
    x = torch.arange(1, 17, dtype=torch.float32).reshape(1, 1, 4, 4)
    pool, unpool = nn.MaxPool2d(2, stride=2, return_indices=True), nn.MaxUnpool2d(2, stride=2)
    pooled, idx = pool(x)
    u = pooled.clone().requires_grad_(True)
    un = unpool(u, idx)
    g = torch.randn_like(un)
    (un * g).sum().backward()
    f.add("max_unpool2d_catalogue", dict(op="max_unpool", dims=2, kernel=[2, 2], stride=[2, 2],
                                         grad_fn=type(un.grad_fn).__name__),
          x=x, pooled=pooled, indices=idx, out=un, g=g, gx=u.grad)

    def avgpool(case, dims, shape, kernel, stride=None, padding=0, ceil=False, include=True, divisor=None):
        x = torch.randn(*shape)
        tup = lambda v: [v] * dims if isinstance(v, int) else list(v)
        if dims == 1:
            fn = lambda t: F.avg_pool1d(t, kernel, stride, padding, ceil, include)
        elif dims == 2:
            fn = lambda t: F.avg_pool2d(t, kernel, stride, padding, ceil, include, divisor)
        else:
            fn = lambda t: F.avg_pool3d(t, kernel, stride, padding, ceil, include, divisor)
        out, g, gx, _ = run(fn, x)
        f.add(case, dict(op="avg_pool", dims=dims, kernel=tup(kernel), stride=tup(stride) if stride else None,
                         padding=tup(padding), ceil_mode=ceil, count_include_pad=include,
                         divisor_override=divisor),
              x=x, out=out, g=g, gx=gx)

    avgpool("avg_pool2d_catalogue", 2, (2, 3, 9, 8), (3, 2), (2, 1))
    avgpool("avg_pool2d_pad_ceil_exclude", 2, (1, 2, 8, 9), 3, 2, 1, True, False)
    avgpool("avg_pool2d_pad_ceil_include", 2, (1, 2, 8, 9), 3, 2, 1, True, True)
    avgpool("avg_pool2d_divisor", 2, (1, 2, 5, 6), 2, 2, 1, False, True, 5)
    avgpool("avg_pool1d_pad", 1, (2, 3, 11), 3, 2, 1)
    avgpool("avg_pool3d_ceil_exclude", 3, (1, 2, 4, 7, 6), (2, 3, 2), (1, 2, 2), (1, 1, 0), True, False)

    def adaptive(case, kind, shape, size):
        x = torch.randn(*shape)
        if kind == "avg":
            out, g, gx, _ = run(lambda t: F.adaptive_avg_pool2d(t, size), x)
            f.add(case, dict(op="adaptive_avg_pool", dims=2, output_size=list(size)), x=x, out=out, g=g, gx=gx)
        else:
            (out, idx), g, gx, _ = run(lambda t: F.adaptive_max_pool2d(t, size, True), x)
            f.add(case, dict(op="adaptive_max_pool", dims=2, output_size=list(size)),
                  x=x, out=out, indices=idx, g=g, gx=gx)

    adaptive("adaptive_avg_pool2d", "avg", (2, 3, 7, 10), (3, 4))
    adaptive("adaptive_avg_pool2d_upsizing", "avg", (1, 2, 3, 3), (4, 6))
    adaptive("adaptive_max_pool2d", "max", (2, 3, 7, 10), (3, 4))
    return f


def pad_family():
    f = Family()

    def pad(case, shape, p, mode, value=0.0, module=None):
        x = torch.randn(*shape)
        fn = module if module is not None else (lambda t: F.pad(t, p, mode=mode, value=value)
                                                if mode == "constant" else F.pad(t, p, mode=mode))
        out, g, gx, _ = run(fn, x)
        f.add(case, dict(op="pad", pad=list(p), mode=mode, value=value), x=x, out=out, g=g, gx=gx)

    pad("replication_pad2d_catalogue", (1, 2, 3, 3), (3, 3, 3, 3), "replicate", module=nn.ReplicationPad2d(3))
    pad("zero_pad2d_catalogue", (1, 2, 3, 3), (3, 3, 3, 3), "constant", module=nn.ZeroPad2d(3))
    pad("constant_asymmetric", (2, 3, 4), (1, 2, 0, 3), "constant", 1.5)
    pad("constant_negative", (1, 2, 4, 5), (-1, 2, 1, -2), "constant", -0.5)
    pad("reflect1d", (2, 3, 5), (2, 1), "reflect")
    pad("reflect2d", (1, 2, 4, 5), (2, 1, 0, 3), "reflect")
    pad("reflect3d", (1, 2, 3, 4, 3), (1, 1, 2, 0, 1, 2), "reflect")
    pad("replicate1d", (2, 2, 4), (3, 1), "replicate")
    pad("replicate3d", (1, 1, 2, 3, 2), (1, 2, 0, 1, 2, 1), "replicate")
    pad("circular1d", (1, 2, 5), (2, 3), "circular")
    pad("circular2d", (1, 2, 3, 4), (1, 2, 3, 0), "circular")
    pad("circular3d", (1, 1, 2, 3, 3), (1, 1, 1, 0, 2, 1), "circular")
    return f


def resample_family():
    f = Family()
    x = torch.randn(1, 9, 4, 4)
    out, g, gx, _ = run(nn.PixelShuffle(3), x)
    f.add("pixel_shuffle_catalogue", dict(op="pixel_shuffle", factor=3), x=x, out=out, g=g, gx=gx)
    x = torch.randn(2, 3, 4, 6)
    out, g, gx, _ = run(nn.PixelUnshuffle(2), x)
    f.add("pixel_unshuffle", dict(op="pixel_unshuffle", factor=2), x=x, out=out, g=g, gx=gx)

    def interp(case, shape, module=None, size=None, scale=None, mode="nearest", align=None):
        x = torch.randn(*shape)
        fn = module if module is not None else (
            lambda t: F.interpolate(t, size=size, scale_factor=scale, mode=mode, align_corners=align))
        out, g, gx, _ = run(fn, x)
        dims = len(shape) - 2
        lst = lambda v: None if v is None else ([v] * dims if isinstance(v, (int, float)) else list(v))
        f.add(case, dict(op="interpolate", size=lst(size), scale_factor=lst(scale) if scale else None,
                         mode=mode, align_corners=align), x=x, out=out, g=g, gx=gx)

    interp("upsample_bilinear_catalogue", (1, 2, 3, 4), nn.Upsample(scale_factor=2, mode="bilinear"),
           scale=2.0, mode="bilinear", align=False)
    interp("upsampling_bilinear2d_catalogue", (1, 2, 3, 4), nn.UpsamplingBilinear2d(scale_factor=2),
           scale=2.0, mode="bilinear", align=True)
    interp("nearest2d_scale2", (1, 2, 3, 4), scale=2.0)
    interp("nearest2d_size", (2, 1, 3, 4), size=(5, 7))
    interp("nearest2d_downsize", (1, 2, 7, 9), size=(3, 4))
    interp("nearest2d_scale_fraction", (1, 1, 5, 6), scale=(1.7, 0.6))
    interp("nearest_exact2d_size", (1, 2, 4, 5), size=(7, 3), mode="nearest-exact")
    interp("bilinear2d_downsize", (1, 2, 4, 6), size=(3, 4), mode="bilinear", align=False)
    interp("bilinear2d_align_size", (1, 2, 4, 6), size=(7, 3), mode="bilinear", align=True)
    interp("bilinear2d_scale_fraction", (1, 1, 4, 5), scale=(1.5, 2.3), mode="bilinear", align=False)
    interp("linear1d_scale", (2, 2, 5), scale=2.5, mode="linear", align=False)
    interp("trilinear3d_size", (1, 1, 2, 3, 4), size=(3, 5, 3), mode="trilinear", align=False)
    interp("nearest1d_size", (1, 2, 5), size=8)
    interp("nearest3d_scale", (1, 1, 2, 2, 3), scale=2.0)
    interp("area2d_size", (1, 2, 7, 9), size=(3, 4), mode="area")
    return f


def norm_family():
    f = Family()
    torch.manual_seed(7)

    def batchnorm(case, module, shape, train=True, randomize=True):
        if module.affine and randomize:
            with torch.no_grad():
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.5, 0.5)
        with torch.no_grad():
            module.running_mean.uniform_(-0.2, 0.2)
            module.running_var.uniform_(0.5, 1.5)
        rm0, rv0 = module.running_mean.clone(), module.running_var.clone()
        module.train(train)
        x = torch.randn(*shape) * 2 + 0.5
        w = module.weight if module.affine else None
        b = module.bias if module.affine else None
        out, g, gx, (gw, gb) = run(module, x, (w, b))
        f.add(case, dict(op="batch_norm", training=train, eps=module.eps, momentum=module.momentum,
                         affine=module.affine),
              x=x, w=w, b=b, running_mean=rm0, running_var=rv0, running_mean_after=module.running_mean,
              running_var_after=module.running_var, out=out, g=g, gx=gx, gw=gw, gb=gb)

    batchnorm("batch_norm1d_catalogue", nn.BatchNorm1d(100), (4, 100))
    batchnorm("batch_norm1d_catalogue_no_affine", nn.BatchNorm1d(100, affine=False), (4, 100))
    batchnorm("batch_norm2d_catalogue", nn.BatchNorm2d(100), (2, 100, 3, 3))
    batchnorm("batch_norm2d_catalogue_no_affine", nn.BatchNorm2d(100, affine=False), (2, 100, 3, 3))
    batchnorm("batch_norm1d_3d_input", nn.BatchNorm1d(3, momentum=0.3, eps=1e-3), (2, 3, 5))
    batchnorm("batch_norm2d_eval", nn.BatchNorm2d(4), (2, 4, 3, 2), train=False)
    batchnorm("batch_norm2d_eval_no_affine", nn.BatchNorm2d(4, affine=False), (2, 4, 3, 2), train=False)

    def layernorm(case, shape, normalized, affine=True, eps=1e-5):
        m = nn.LayerNorm(normalized, eps=eps, elementwise_affine=affine)
        if affine:
            with torch.no_grad():
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.5, 0.5)
        x = torch.randn(*shape) * 3 - 1
        w = m.weight if affine else None
        b = m.bias if affine else None
        out, g, gx, (gw, gb) = run(m, x, (w, b))
        f.add(case, dict(op="layer_norm", normalized_shape=list(normalized), eps=eps, affine=affine),
              x=x, w=w, b=b, out=out, g=g, gx=gx, gw=gw, gb=gb)

    layernorm("layer_norm_last", (3, 4, 5), (5,))
    layernorm("layer_norm_two_dims", (2, 4, 5), (4, 5), eps=1e-3)
    layernorm("layer_norm_no_affine", (6, 7), (7,), affine=False)

    def groupnorm(case, groups, channels, shape, affine=True, eps=1e-5):
        m = nn.GroupNorm(groups, channels, eps=eps, affine=affine)
        if affine:
            with torch.no_grad():
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.5, 0.5)
        x = torch.randn(*shape) + 1
        w = m.weight if affine else None
        b = m.bias if affine else None
        out, g, gx, (gw, gb) = run(m, x, (w, b))
        f.add(case, dict(op="group_norm", groups=groups, eps=eps, affine=affine),
              x=x, w=w, b=b, out=out, g=g, gx=gx, gw=gw, gb=gb)

    groupnorm("group_norm2d", 3, 6, (2, 6, 4, 5))
    groupnorm("group_norm_no_spatial", 2, 4, (3, 4))
    groupnorm("group_norm_no_affine", 1, 3, (2, 3, 5), affine=False)

    def instancenorm(case, module, shape, train=True):
        if module.affine:
            with torch.no_grad():
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.5, 0.5)
        tracked = module.track_running_stats
        if tracked:
            with torch.no_grad():
                module.running_mean.uniform_(-0.2, 0.2)
                module.running_var.uniform_(0.5, 1.5)
        rm0 = module.running_mean.clone() if tracked else None
        rv0 = module.running_var.clone() if tracked else None
        module.train(train)
        x = torch.randn(*shape) * 2 + 0.5
        w = module.weight if module.affine else None
        b = module.bias if module.affine else None
        out, g, gx, (gw, gb) = run(module, x, (w, b))
        f.add(case, dict(op="instance_norm", use_input_stats=train or not tracked, eps=module.eps,
                         momentum=module.momentum, affine=module.affine),
              x=x, w=w, b=b, running_mean=rm0, running_var=rv0,
              running_mean_after=module.running_mean if tracked else None,
              running_var_after=module.running_var if tracked else None, out=out, g=g, gx=gx, gw=gw, gb=gb)

    instancenorm("instance_norm2d", nn.InstanceNorm2d(3), (2, 3, 4, 5))
    instancenorm("instance_norm2d_affine_tracked", nn.InstanceNorm2d(3, affine=True, track_running_stats=True),
                 (2, 3, 4, 5))
    instancenorm("instance_norm1d_eval_tracked", nn.InstanceNorm1d(4, affine=True, track_running_stats=True),
                 (3, 4, 6), train=False)
    return f


def formula_fill(t, k):
    """Deterministic weights a test can rebuild without the file: 0.1 * sin(0.37 * i + k), rounded to f32."""
    i = torch.arange(t.numel(), dtype=torch.float64)
    t.data.copy_((0.1 * torch.sin(0.37 * i + k)).float().reshape(t.shape))


def lenet_family():
    """The tutorial LeNet (conv → relu → max_pool twice, then three Linear) on formula weights."""
    from _reference_models import Net
    f = Family()

    net = Net()
    for k, p in enumerate(net.parameters()):
        formula_fill(p, k)
    x = torch.randn(1, 1, 32, 32)
    out, g, gx, grads = run(net, x, list(net.parameters()))
    names = [n for n, _ in net.named_parameters()]
    chain = []
    node = out.grad_fn
    while node is not None and type(node).__name__ != "AccumulateGrad":
        chain.append(type(node).__name__)
        nxt = [n for n, _ in node.next_functions if n is not None and type(n).__name__ != "AccumulateGrad"]
        node = nxt[0] if nxt else None
    keep = {"conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc3.weight", "fc3.bias"}
    tensors = {f"grad.{n}": gr for n, gr in zip(names, grads) if n in keep}
    f.add("lenet", dict(op="lenet", chain=chain), x=x, out=out, g=g, gx=gx, **tensors)
    return f


def generate(root: pathlib.Path):
    out = root / "conv_ops"
    out.mkdir(parents=True, exist_ok=True)
    threads = torch.get_num_threads()
    # One thread: reductions sum in a fixed order, so the goldens are the same on any machine.
    torch.set_num_threads(1)
    try:
        for name, family in [("conv", conv_family), ("pool", pool_family), ("pad", pad_family),
                             ("resample", resample_family), ("norm", norm_family), ("lenet", lenet_family)]:
            torch.manual_seed(1234)
            family().save(out / f"{name}.safetensors")
    finally:
        torch.set_num_threads(threads)


if __name__ == "__main__":
    generate(pathlib.Path(__file__).resolve().parents[1])
