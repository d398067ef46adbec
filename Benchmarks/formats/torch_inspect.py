"""What a PyTorch user runs to list a checkpoint's keys, dtypes and shapes (mmap, no copy)."""
import sys, torch
sd = torch.load(sys.argv[1], mmap=True, weights_only=True)
for k, v in sd.items():
    print(k, v.dtype, tuple(v.shape))
