"""The PyTorch equivalent of `ckpt diff A B`: torch.load both with mmap=True and compute, for every common
key, the same statistics in float64 (max abs diff, mean abs diff, elements with |a-b| > atol + rtol*|b|,
relative L2 = ||a-b|| / ||b||), then print one line per changed tensor and a summary."""
import sys

import torch


def main(a_path, b_path, atol=0.0, rtol=0.0):
    a = torch.load(a_path, mmap=True, weights_only=True, map_location='cpu')
    b = torch.load(b_path, mmap=True, weights_only=True, map_location='cpu')
    changed = unchanged = 0
    for key, ta in a.items():
        tb = b.get(key)
        if tb is None or ta.shape != tb.shape:
            continue
        x, y = ta.double(), tb.double()
        d = (x - y).abs()
        mismatched = int((d > atol + rtol * y.abs()).sum())
        if mismatched == 0 and ta.dtype == tb.dtype:
            unchanged += 1
            continue
        changed += 1
        rel = float(d.norm() / y.norm())
        print(f'{key}  max {float(d.max()):.3e}  mean {float(d.mean()):.3e}  mismatched {mismatched}/{d.numel()}  rel_l2 {rel:.3e}')
    only_a = [k for k in a if k not in b]
    only_b = [k for k in b if k not in a]
    print(f'{changed} changed, {unchanged} unchanged, {len(only_a)} only in A, {len(only_b)} only in B')


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
