"""Makes two ~1 GB torch.save checkpoints for the diff benchmark under Benchmarks/data/ (git-ignored):
16 float32 tensors of 64 MB each; the second is the first with every tensor perturbed (1e-4 noise on
one element in 16, one tensor left identical)."""
import pathlib
import sys

import torch

TENSORS = 16
NUMEL = 16 * 1024 * 1024  # 64 MB of float32


def main(out: pathlib.Path):
    out.mkdir(parents=True, exist_ok=True)
    a_path, b_path = out / 'diff_a.pt', out / 'diff_b.pt'
    if a_path.exists() and b_path.exists():
        print(f'{a_path} and {b_path} exist')
        return
    g = torch.Generator().manual_seed(0)
    a, b = {}, {}
    for i in range(TENSORS):
        key = f'layers.{i}.weight'
        t = torch.randn(4096, NUMEL // 4096, generator=g)
        a[key] = t
        if i == 5:
            b[key] = t
            continue
        p = t.clone()
        flat = p.view(-1)
        flat[::16] += 1e-4 * torch.randn(flat[::16].shape, generator=g)
        b[key] = p
    torch.save(a, a_path)
    torch.save(b, b_path)
    print(f'wrote {a_path} ({a_path.stat().st_size / 2**30:.2f} GiB) and {b_path}')


if __name__ == '__main__':
    main(pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parents[1] / 'data')
