"""The PyTorch way to convert a .pt checkpoint to safetensors."""
import sys, torch
from safetensors.torch import save_file
sd = torch.load(sys.argv[1], mmap=True, weights_only=True)
save_file({k: v.contiguous() for k, v in sd.items()}, sys.argv[2])
