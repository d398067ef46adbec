"""Writes a ~1 GB torch.save checkpoint (16 float32 tensors of 64 MB) for the format benchmarks."""
import sys, torch
out = sys.argv[1]
torch.manual_seed(0)
sd = {f"layers.{i}.weight": torch.randn(4096, 4096) for i in range(16)}
torch.save(sd, out)
