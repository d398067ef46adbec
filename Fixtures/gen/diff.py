"""Fixtures for `ckpt diff`: one small model saved in several formats and edited copies of it, with the
statistics numpy computes for each difference (golden.json).

Files under Fixtures/diff/:
  base.pt, base.safetensors, base.h5   the same state_dict (torch.save / safetensors / h5py, track_order)
  finetuned.pt                         only the last layer (head.weight, head.bias) changed
  module.pt                            base with every key prefixed by `module.` (DataParallel)
  training.pt                          {'model': base, 'epoch': 3, 'lr': 0.01} (for FILE#ENTRY)
  reshaped_cast.pt                     fc.weight reshaped (transposed shape), layers.1.weight cast to float16
  nan_a.pt, nan_b.safetensors          base with a NaN at the same place in layers.0.weight (different NaN
                                       payloads, so the files differ in bytes but not in values)
  golden.json                          numpy's statistics (float64) of base against finetuned and reshaped_cast
"""
import json
import pathlib

import h5py
import numpy as np
import torch
from safetensors.torch import save_file


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 4, 3)
        self.bn = torch.nn.BatchNorm2d(4)
        self.fc = torch.nn.Linear(16, 12)
        self.layers = torch.nn.ModuleList(torch.nn.Linear(12, 12) for _ in range(3))
        self.head = torch.nn.Linear(12, 5)


def stats(a, b):
    """numpy's figures, as ckpt defines them: float64, exact comparison (atol = rtol = 0)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    d = np.abs(a - b)
    return {
        'max_abs_diff': float(d.max()),
        'mean_abs_diff': float(d.mean()),
        'mismatched': int((d > 0).sum()),
        'rel_l2': float(np.linalg.norm(a - b) / np.linalg.norm(b)),
        'numel': int(d.size),
    }


def save_h5(sd, path):
    with h5py.File(path, 'w', track_order=True) as f:
        for k, v in sd.items():
            f.create_dataset(k, data=v.numpy())


def generate(root: pathlib.Path):
    out = root / 'diff'
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(1234)
    net = Net()
    # A few BatchNorm updates so the buffers are not all zeros and ones.
    net.train()
    with torch.no_grad():
        for _ in range(3):
            net.bn(torch.randn(2, 4, 5, 5))
    base = {k: v.detach().clone().contiguous() for k, v in net.state_dict().items()}
    torch.save(base, out / 'base.pt')
    save_file(base, str(out / 'base.safetensors'))
    save_h5(base, out / 'base.h5')

    gen = torch.Generator().manual_seed(99)
    tuned = {k: v.clone() for k, v in base.items()}
    tuned['head.weight'] = base['head.weight'] + 1e-3 * torch.randn(base['head.weight'].shape, generator=gen)
    tuned['head.bias'] = base['head.bias'] + 0.05 * torch.randn(base['head.bias'].shape, generator=gen)
    torch.save(tuned, out / 'finetuned.pt')

    torch.save({'module.' + k: v for k, v in base.items()}, out / 'module.pt')
    torch.save({'model': base, 'epoch': 3, 'lr': 0.01}, out / 'training.pt')

    edited = {k: v.clone() for k, v in base.items()}
    edited['fc.weight'] = base['fc.weight'].reshape(16, 12).clone()
    edited['layers.1.weight'] = base['layers.1.weight'].to(torch.float16)
    torch.save(edited, out / 'reshaped_cast.pt')

    nan_a = {k: v.clone() for k, v in base.items()}
    nan_a['layers.0.weight'][2, 3] = float('nan')
    nan_b = {k: v.clone() for k, v in nan_a.items()}
    # Another quiet NaN bit pattern: the bytes differ, the values (NaN at the same place) do not.
    nan_b['layers.0.weight'].view(torch.int32)[2, 3] = 0x7FC00001
    torch.save(nan_a, out / 'nan_a.pt')
    save_file(nan_b, str(out / 'nan_b.safetensors'))

    # Each entry: `ckpt diff base.pt OTHER`, so A = base and B = the edited copy (rel_l2 is relative to B).
    golden = {
        'base_vs_finetuned': {k: stats(base[k].numpy(), tuned[k].numpy()) for k in ['head.weight', 'head.bias']},
        'base_vs_reshaped_cast': {'layers.1.weight': stats(base['layers.1.weight'].numpy(),
                                                           edited['layers.1.weight'].float().numpy())},
        'keys': list(base.keys()),
    }
    (out / 'golden.json').write_text(json.dumps(golden, indent=1, sort_keys=True) + '\n')


if __name__ == '__main__':
    generate(pathlib.Path(__file__).resolve().parent.parent)
