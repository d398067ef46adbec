"""Writes a distributed checkpoint of about 2.5 GB, saved by 2 gloo ranks (one process group, two processes on this
machine) the way FSDP-style training saves: 24 float32 weights of 4096x6144 as DTensors sharded on dim 0 (each rank
builds only its own half), 24 bfloat16 norms replicated, an int64 step and a few non-tensor items.

    python3 Benchmarks/dcp/make_big.py Benchmarks/data/big.dcp
"""
import os
import socket
import sys

import torch
import torch.distributed as dist
import torch.distributed.checkpoint as dcp
import torch.multiprocessing as mp

LAYERS, ROWS, COLS = 24, 4096, 6144


def rank_main(rank, world, port, path):
    import warnings
    from torch.distributed.device_mesh import init_device_mesh
    from torch.distributed.tensor import DTensor, Replicate, Shard
    warnings.filterwarnings('ignore')
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    dist.init_process_group('gloo', rank=rank, world_size=world)
    mesh = init_device_mesh('cpu', (world,))
    g = torch.Generator().manual_seed(rank)
    sd = {}
    for i in range(LAYERS):
        local = torch.randn(ROWS // world, COLS, generator=g)
        sd[f'model.layers.{i}.weight'] = DTensor.from_local(local, mesh, [Shard(0)], run_check=False)
        sd[f'model.layers.{i}.norm'] = DTensor.from_local(torch.ones(COLS, dtype=torch.bfloat16), mesh, [Replicate()], run_check=False)
    sd['step'] = torch.tensor(1000)
    sd['lr'] = 3e-4
    sd['run'] = 'bench'
    dcp.save(sd, checkpoint_id=path)
    dist.barrier()
    dist.destroy_process_group()


if __name__ == '__main__':
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    mp.start_processes(rank_main, args=(2, port, sys.argv[1]), nprocs=2, join=True, start_method='spawn')
