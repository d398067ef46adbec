"""Model files (print(model) + pasted forward) with PyTorch-made checkpoints, inputs and expected outputs, for
`ckpt load-into`, `verify`, `run`, `count MODEL` and `summary`. Each model NAME gives:
NAME.model (the model file), NAME.pt (state_dict), NAME.input.npy, NAME.expected.npy (eval-mode output), and
models.json (parameter counts, keys)."""
import inspect
import json
import pathlib
import textwrap

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


# LeNet and the CNN tutorial's net, as Fixtures/reference has them (both classes print as `Net`).
from _reference_models import Net, _CNNTutorialNet as CNNTutorial  # noqa: E402


class LSTMClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(20, 8)
        self.lstm = nn.LSTM(8, 16, num_layers=2, batch_first=True)
        self.fc = nn.Linear(16, 3)

    def forward(self, x):
        x = self.embed(x)
        out, (h, c) = self.lstm(x)
        return self.fc(out[:, -1, :])


class BNCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
                                      nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
                                      nn.AdaptiveAvgPool2d(1))
        self.classifier = nn.Linear(16, 5)

    def forward(self, x):
        x = self.features(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


class TiedLM(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(12, 6)
        self.proj = nn.Linear(6, 6)
        self.head = nn.Linear(6, 12, bias=False)
        self.head.weight = self.embed.weight

    def forward(self, x):
        h = torch.tanh(self.proj(self.embed(x)))
        return self.head(h)


class AttnNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(8, 2)
        self.fc = nn.Linear(8, 3)

    def forward(self, x):
        out, weights = self.attn(x, x, x)
        return self.fc(out) + weights.sum()


class EncoderNet(nn.Module):
    def __init__(self):
        super().__init__()
        layer = nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, norm=nn.LayerNorm(8), enable_nested_tensor=False)
        self.head = nn.Linear(8, 3)

    def forward(self, x):
        s = x.shape[1]
        causal = torch.triu(torch.ones(s, s), diagonal=1).bool()
        padding = x.abs().sum(-1) == 0
        h = self.encoder(x, mask=causal, src_key_padding_mask=padding)
        return self.head(h[:, -1])


class BasicBlock(nn.Module):
    """torchvision's ResNet BasicBlock, as its source reads (a residual connection the printout cannot show)."""
    expansion: int = 1

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample=None) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x

        out = self.conv1(x)
        out = self.bn1(out)
        out = self.relu(out)

        out = self.conv2(out)
        out = self.bn2(out)

        if self.downsample is not None:
            identity = self.downsample(x)

        out += identity
        out = self.relu(out)

        return out


class ResNet(nn.Module):
    """A two-stage ResNet written as torchvision writes it (`_make_layer`, `_forward_impl`)."""

    def __init__(self, block=BasicBlock, layers=(2, 1), num_classes: int = 5) -> None:
        super().__init__()
        self.inplanes = 8
        self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 8, layers[0])
        self.layer2 = self._make_layer(block, 16, layers[1], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(16 * block.expansion, num_classes)

    def _make_layer(self, block, planes: int, blocks: int, stride: int = 1) -> nn.Sequential:
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(
                nn.Conv2d(self.inplanes, planes * block.expansion, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm2d(planes * block.expansion),
            )
        layers = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * block.expansion
        for _ in range(1, blocks):
            layers.append(block(self.inplanes, planes))
        return nn.Sequential(*layers)

    def _forward_impl(self, x: torch.Tensor) -> torch.Tensor:
        # See note [TorchScript super()]
        x = self.conv1(x)
        x = self.bn1(x)
        x = self.relu(x)
        x = self.maxpool(x)

        x = self.layer1(x)
        x = self.layer2(x)

        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        x = self.fc(x)

        return x

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self._forward_impl(x)


class InterpNet(nn.Module):
    """F.interpolate in its common forms (nearest, bilinear with and without align_corners, area, nearest-exact)."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 3)

    def forward(self, x):
        a = F.interpolate(x, scale_factor=2)
        b = F.interpolate(x, size=(5, 7), mode="bilinear", align_corners=True)
        c = F.interpolate(x, scale_factor=(1.5, 0.5), mode="bilinear")
        d = F.interpolate(x, size=3, mode="area")
        e = F.interpolate(x, scale_factor=1.7, mode="nearest-exact", recompute_scale_factor=True)
        return self.fc(torch.stack([a.mean() + b.mean(), c.mean() + d.mean() + e.mean()]))


class SDPANet(nn.Module):
    """nanoGPT-style attention through the functional API: split heads, causal and boolean-mask
    scaled_dot_product_attention, torch.where, torch.arange and F.normalize."""

    def __init__(self):
        super().__init__()
        self.qkv = nn.Linear(8, 24)
        self.out = nn.Linear(8, 4)

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.qkv(x).split(8, dim=-1)
        q = q.view(b, t, 2, 4).transpose(1, 2)
        k = k.view(b, t, 2, 4).transpose(1, 2)
        v = v.view(b, t, 2, 4).transpose(1, 2)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        keep = (torch.arange(t) < t - 1).unsqueeze(0)
        z = F.scaled_dot_product_attention(q, k, v, attn_mask=keep, scale=0.3)
        y = (y + z).transpose(1, 2).contiguous().view(b, t, c)
        y = torch.where(y > 0, y, 0.1 * y)
        return self.out(F.normalize(y, dim=-1))


class FunctionalNet(nn.Module):
    """Layers' functional forms in a pasted forward (F.mish, F.glu, F.hardswish, F.pairwise_distance), a functional
    op of its own (torch.logsumexp) and nn.PairwiseDistance."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(6, 8)
        self.dist = nn.PairwiseDistance()
        self.out = nn.Linear(4, 2)

    def forward(self, x):
        h = self.fc(x)
        a = F.glu(F.mish(h), dim=-1)
        b = F.hardswish(h[:, :4])
        d = self.dist(a, b) + F.pairwise_distance(a, b, p=3.0)
        s = torch.logsumexp(h, dim=1, keepdim=True)
        return self.out(a * d.unsqueeze(1)) + s


def model_text(model, extra_lines=(), forward=True):
    """print(model), plus ckpt's additions inserted before the closing parenthesis, plus the pasted forward."""
    text = str(model)
    if extra_lines:
        lines = text.split("\n")
        text = "\n".join(lines[:-1] + ["  " + l for l in extra_lines] + lines[-1:])
    if forward and "forward" in type(model).__dict__:
        text += "\n\n" + textwrap.indent(textwrap.dedent(inspect.getsource(type(model).forward)), "    ")
    return text.rstrip() + "\n"


def save(out, name, model, x, extra_lines=(), info=None, fast_path=True):
    model.eval()
    (out / f"{name}.model").write_text(model_text(model, extra_lines, forward=not isinstance(model, nn.TransformerEncoderLayer)))
    torch.save(model.state_dict(), out / f"{name}.pt")
    np.save(out / f"{name}.input.npy", x.numpy())
    with torch.set_grad_enabled(not fast_path):
        y = model(x).detach()
    np.save(out / f"{name}.expected.npy", y.numpy())
    entry = {"parameters": sum(p.numel() for p in model.parameters()),
             "buffers": sum(b.numel() for b in model.buffers()),
             "keys": [[k, list(v.shape)] for k, v in model.state_dict().items()]}
    entry.update(info or {})
    return entry


def generate(root: pathlib.Path):
    out = root / "models"
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    info = {}
    lenet = Net()
    info["lenet"] = save(out, "lenet", lenet, torch.randn(1, 1, 32, 32))
    info["cnn_tutorial"] = save(out, "cnn_tutorial", CNNTutorial(), torch.randn(2, 1, 28, 28))
    info["lstm_classifier"] = save(out, "lstm_classifier", LSTMClassifier(), torch.randint(0, 20, (3, 7)))
    bn = BNCNN()
    with torch.no_grad():  # non-trivial running statistics, as after training
        for m in bn.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.5, 0.5); m.running_var.uniform_(0.5, 1.5); m.num_batches_tracked.fill_(7)
    info["bn_cnn"] = save(out, "bn_cnn", bn, torch.randn(2, 3, 8, 8))
    mlp = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
    info["mlp"] = save(out, "mlp", mlp, torch.rand(2, 4))
    info["tiny_regression"] = save(out, "tiny_regression", nn.Sequential(nn.Linear(1, 13), nn.Linear(13, 1)), torch.rand(5, 1))
    shared = nn.Linear(8, 8)
    tied = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), shared, nn.ReLU(), shared, nn.ReLU(), nn.Linear(8, 1))
    text = str(tied).split("\n")
    tied_entry = save(out, "tied", tied, torch.rand(2, 4))
    text[5] = "  (4): (2)"
    (out / "tied.model").write_text("# net[2] and net[4] are one Linear (shared weights)\n" + "\n".join(text) + "\n")
    info["tied"] = tied_entry
    attn = AttnNet()
    info["attn"] = save(out, "attn", attn, torch.randn(5, 2, 8))
    # print(model) does not show num_heads: the model file writes it in, as ckpt needs it to run.
    text = (out / "attn.model").read_text().replace("(attn): MultiheadAttention(", "(attn): MultiheadAttention(8, 2")
    (out / "attn.model").write_text(text)
    lm = TiedLM()
    info["tied_lm"] = save(out, "tied_lm", lm, torch.randint(0, 12, (2, 5)), extra_lines=["(head.weight): (embed.weight)"])

    # Checkpoints that do not fit lenet as it is, for load-into's reports.
    sd = lenet.state_dict()
    torch.save({"module." + k: v for k, v in sd.items()}, out / "lenet_module_prefix.pt")
    wide = dict(sd)
    wide["fc3.weight"] = torch.randn(12, 84)
    wide["fc3.bias"] = torch.randn(12)
    torch.save(wide, out / "lenet_wide_fc3.pt")
    torch.save({"model_state_dict": sd, "epoch": 4, "optimizer_state_dict": {"state": {}, "param_groups": [{"lr": 0.01, "params": list(range(10))}]}},
               out / "lenet_training.pt")
    # The same layers as a Sequential (keys 0.weight …): --match shape maps lenet's checkpoint onto it.
    seq = nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    (out / "lenet_sequential.model").write_text(str(seq) + "\n")
    # Two Linear(8, 8) layers: shape matching cannot tell their weights apart.
    twin = nn.Sequential(nn.Linear(4, 8), nn.Linear(8, 8), nn.Linear(8, 8), nn.Linear(8, 1))
    (out / "twin.model").write_text(str(twin) + "\n")
    torch.save({f"layer{i}.{k}": v for i, m in enumerate(twin) for k, v in m.state_dict().items()}, out / "twin_renamed.pt")

    # Transformer encoders. print(model) shows neither nhead nor batch_first/norm_first/activation='gelu': the
    # model files write them in, on the layer or on its self_attn line.
    enc = EncoderNet()
    x = torch.randn(2, 6, 8)
    x[1, 4:] = 0  # the second sequence is two positions shorter (padding at the end)
    info["encoder"] = save(out, "encoder", enc, x)
    text = (out / "encoder.model").read_text().replace("2 x TransformerEncoderLayer(", "2 x TransformerEncoderLayer(nhead=2, batch_first=True")
    (out / "encoder.model").write_text(text)
    layer = nn.TransformerEncoderLayer(8, 4, dim_feedforward=12, dropout=0.0, activation="gelu", norm_first=True)
    info["encoder_layer_gelu"] = save(out, "encoder_layer_gelu", layer, torch.randn(5, 2, 8))
    text = (out / "encoder_layer_gelu.model").read_text().replace(
        "TransformerEncoderLayer(", "TransformerEncoderLayer(nhead=4, activation='gelu', norm_first=True", 1)
    (out / "encoder_layer_gelu.model").write_text(text)
    layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, activation=nn.GELU(approximate="tanh"), batch_first=True)
    # With grad off, torch's inference fast path runs any GELU module as exact gelu, ignoring approximate='tanh';
    # the expected output is the module's own computation (grad on), which ckpt gives.
    info["encoder_layer_module"] = save(out, "encoder_layer_module", layer, torch.randn(3, 4, 8), fast_path=False)
    text = (out / "encoder_layer_module.model").read_text().replace(
        "(self_attn): MultiheadAttention(", "(self_attn): MultiheadAttention(8, 2, batch_first=True")
    (out / "encoder_layer_module.model").write_text(text)

    # A ResNet: print(model), then the two classes pasted whole (BasicBlock's forward adds the residual).
    resnet = ResNet()
    with torch.no_grad():
        for m in resnet.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5); m.bias.uniform_(-0.5, 0.5)
                m.running_mean.uniform_(-0.5, 0.5); m.running_var.uniform_(0.5, 1.5); m.num_batches_tracked.fill_(3)
    info["resnet"] = save(out, "resnet", resnet, torch.randn(2, 3, 16, 16))
    (out / "resnet.model").write_text(str(resnet) + "\n\n\n" + inspect.getsource(BasicBlock) + "\n\n" + inspect.getsource(ResNet))

    info["interp"] = save(out, "interp", InterpNet(), torch.randn(2, 3, 4, 6))

    info["sdpa"] = save(out, "sdpa", SDPANet(), torch.randn(2, 5, 8))

    info["functional"] = save(out, "functional", FunctionalNet(), torch.randn(3, 6))

    (out / "models.json").write_text(json.dumps(info, indent=1) + "\n")
