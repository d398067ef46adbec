"""TorchScript archives written by `torch.jit.save` (torch 2.15), with what `torch.jit.load(f).state_dict()` and the
loaded module's `named_parameters()` / `named_buffers()` report about each, for ckpt's TorchScript reader.

    python3 Fixtures/generate.py torchscript_files

Files (under Fixtures/torchscript_files/):
  scripted.pt   torch.jit.script of a module with a Sequential (two Linears of different shapes: a mangled
                class name), BatchNorm1d (int64 0-dim buffer), a bfloat16 parameter, a parameter tied to
                seq.0.weight, a buffer, a non-persistent buffer (TorchScript keeps it), a Linear without bias
                (None parameter), a ModuleList, a ModuleDict, a plain tensor attribute that is neither
                parameter nor buffer (not in the state_dict), an int list attribute (build_intlist), a None
                attribute and `_extra_files`.
  traced.pt     torch.jit.trace of a conv net with a tensor constant (constants.pkl + constants/0), float16
                and float64 parameters, a transposed (non-contiguous) parameter.
  frozen.pt     torch.jit.freeze of a scripted eval module: weights folded into constants, state_dict empty.
  exported.pt2  torch.export.save of a small module (a torch.export archive, not TorchScript): a weight tied
                between two Linears (stored once), a bfloat16 parameter, a bool buffer, a non-persistent buffer
                (a constant, not in the state_dict).
  scripted.state_dict.pt  torch.save(torch.jit.load('scripted.pt').state_dict()), for diff and convert.
  hostile/      archives a checksum does not catch, from a tiny scripted module: its class source missing, the
                class missing from it, an unreadable __parameters__ list, a "parameter" that is a bool, a pickle
                importing os.system, a module that contains itself.
  <file>.json   {format, tensors: [{key, dtype, shape, sha256, shared_with?}], parameters: [key], buffers: [key],
                count: {parameters, buffers}, torch_str: {key: str(tensor)}} from the loaded module.
"""
import hashlib
import json
import pathlib
import zipfile
from typing import Dict, List, Optional

import torch
import torch.nn as nn

from _folders import fresh
from reference import records


class Scripted(nn.Module):
    def __init__(self):
        super().__init__()
        self.seq = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
        self.bn = nn.BatchNorm1d(2)
        self.register_buffer('scale', torch.tensor([2.0]))
        self.register_buffer('transient', torch.ones(2), persistent=False)
        self.tied = self.seq[0].weight
        self.brain = nn.Parameter(torch.randn(3).to(torch.bfloat16))
        self.nobias = nn.Linear(2, 2, bias=False)
        self.layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(2)])
        self.heads = nn.ModuleDict({'b': nn.Linear(2, 1), 'a': nn.Linear(2, 1)})
        self.state = torch.zeros(1, 2)
        self.sizes: List[int] = [3, 1, 4]
        self.maybe: Optional[torch.Tensor] = None
        self.names: Dict[str, int] = {'x': 1}

    def forward(self, x):
        x = self.bn(self.seq(x)) * self.scale + self.transient + self.state
        for layer in self.layers:
            x = layer(x)
        x = self.nobias(x)
        return self.heads['a'](x) + self.heads['b'](x) + float(len(self.sizes))


class Traced(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU())
        self.proj = nn.Sequential(nn.Linear(8, 3))
        self.f16 = nn.Parameter(torch.randn(2, 3).half())
        self.f64 = nn.Parameter(torch.randn(3).double())
        self.wt = nn.Parameter(torch.randn(3, 4).t())
        self.register_buffer('steps', torch.arange(5, dtype=torch.int32))

    def forward(self, x):
        y = self.conv(x).flatten(1)
        y = self.proj(y) + torch.tensor([1.0, 2.0, 3.0])
        return y + self.f16.float().sum() + self.f64.float().sum() + self.wt.sum() + self.steps.sum()


class Small(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 2)
        self.register_buffer('mask', torch.tensor([True, False]))

    def forward(self, x):
        return self.lin(x) * self.mask


class Exported(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 3)
        self.head = nn.Linear(3, 3, bias=False)
        self.head.weight = self.lin.weight
        self.gain = nn.Parameter(torch.randn(3).to(torch.bfloat16))
        self.register_buffer('mask', torch.tensor([True, False, True]))
        self.register_buffer('transient', torch.ones(3), persistent=False)

    def forward(self, x):
        return self.head(self.lin(x)) * self.mask * self.gain.float() + self.transient


def describe_export(path):
    """What torch.export.load reports: its state_dict (parameters, then buffers) and the graph signature's split."""
    ep = torch.export.load(str(path))
    sd = ep.state_dict
    params = [k for k in sd if k in ep.graph_signature.parameters]
    buffers = [k for k in sd if k in ep.graph_signature.buffers]
    return {'format': 'torch-export', 'tensors': records(sd.items()), 'parameters': params, 'buffers': buffers,
            'count': {'parameters': sum(t.numel() for k, t in sd.items() if k in params and not any(
                      sd[p].untyped_storage().data_ptr() == t.untyped_storage().data_ptr() for p in params[:params.index(k)])),
                      'buffers': sum(sd[b].numel() for b in buffers)}}


def describe(path):
    """What torch reports about the archive: state_dict records, parameter and buffer keys (named_parameters
    drops a tied alias, so `parameters` lists each key the archive records as a parameter), counts, and
    str() of a few tensors (what `ckpt show` prints)."""
    m = torch.jit.load(str(path))
    sd = m.state_dict()
    buffers = [k for k, _ in m.named_buffers()]
    return {'format': 'torchscript', 'tensors': records(sd.items()),
            'parameters': [k for k in sd if k not in buffers], 'buffers': buffers,
            'count': {'parameters': sum(p.numel() for p in m.parameters()),
                      'buffers': sum(b.numel() for b in m.buffers())},
            'torch_str': {k: str(sd[k]) for k in list(sd)[:2]}}


def hostile(out):
    """Archives damaged in ways a checksum does not catch, each from a tiny scripted module, rewritten with zipfile."""
    base = out / 'hostile'
    base.mkdir()
    small = base / 'small.pt'
    torch.jit.save(torch.jit.script(Small()), str(small))
    members = {i.filename: zipfile.ZipFile(small).read(i.filename) for i in zipfile.ZipFile(small).infolist()}
    code = 'small/code/__torch__/torchscript_files.py'
    data = 'small/data.pkl'

    def write(name, changes):
        with zipfile.ZipFile(base / name, 'w') as z:
            for k, v in members.items():
                if k in changes and changes[k] is None:
                    continue
                z.writestr(k, changes.get(k, v))
    write('no_source.pt', {code: None})
    write('no_class.pt', {code: members[code].replace(b'class Small(', b'class Other(')})
    write('bad_list.pt', {code: members[code].replace(b'__parameters__ = []', b'__parameters__ = [lin')})
    write('param_not_tensor.pt', {code: members[code].replace(b'__parameters__ = []', b'__parameters__ = ["training", ]')})
    write('unsafe_global.pt', {data: members[data].replace(b'collections\nOrderedDict', b'os\nsystem\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n')[:len(members[data])]})
    # The root module's state names the root itself as a child: a cycle torch would recurse into forever.
    pkl = members[data]
    assert pkl.startswith(b'\x80\x02c__torch__.torchscript_files\nSmall\nq\x00)\x81}(')
    put, get = b'r\xa0\x86\x01\x00', b'j\xa0\x86\x01\x00'  # LONG_BINPUT / LONG_BINGET 100000
    cyc = pkl.replace(b')\x81}(', b')\x81' + put + b'}(X\x04\x00\x00\x00self' + get, 1)
    write('cycle.pt', {data: cyc})
    small.unlink()


def generate(root):
    out = fresh(root, 'torchscript_files')
    torch.manual_seed(13)
    scripted = torch.jit.script(Scripted())
    torch.jit.save(scripted, str(out / 'scripted.pt'), _extra_files={'notes.txt': 'extra file'})
    traced = torch.jit.trace(Traced(), torch.randn(1, 1, 4, 4))
    torch.jit.save(traced, str(out / 'traced.pt'))
    frozen = torch.jit.freeze(torch.jit.script(Small().eval()))
    torch.jit.save(frozen, str(out / 'frozen.pt'))
    for name in ['scripted.pt', 'traced.pt', 'frozen.pt']:
        (out / (name + '.json')).write_text(json.dumps(describe(out / name), indent=1) + '\n')
    torch.save(torch.jit.load(str(out / 'scripted.pt')).state_dict(), str(out / 'scripted.state_dict.pt'))
    hostile(out)
    exported = torch.export.export(Exported(), (torch.randn(1, 3),))
    torch.export.save(exported, str(out / 'exported.pt2'))
    (out / 'exported.pt2.json').write_text(json.dumps(describe_export(out / 'exported.pt2'), indent=1) + '\n')
