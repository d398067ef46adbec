"""Distributed checkpoints written by `torch.distributed.checkpoint.save` (torch 2.15), with what
`torch.distributed.checkpoint.format_utils.dcp_to_torch_save` makes of each, for ckpt's DCP reader.

    python3 Fixtures/generate.py dcp_files

Folders (under Fixtures/dcp_files/):
  single/    dcp.save in one process without a process group of {'model': a Linear + BatchNorm1d state_dict,
             'optim': Adam's state_dict after one step, 'epoch': 3, 'name': 'hello', 'bf': bfloat16,
             'tt': a transposed view}: one chunk per tensor, optimizer state, non-tensor items.
  sharded/   dcp.save from 2 gloo ranks (one process group, two processes on this machine) of DTensors on a
             1-D mesh: Shard(0) (5, 4), Shard(1) (3, 6) float16, Shard(0) of an uneven (7,) int64, Replicate,
             a plain tensor that differs per rank (DCP keeps one rank's), a 0-dim tensor and an int.
  hostile/<case>/  a tiny checkpoint {'w': (4, 3), 'n': 1} with its .metadata rewritten: a chunk left out of the
             tiling (gap), chunks that overlap, a storage path leaving the folder, a storage region past the end
             of its file, a transform descriptor (compression), a .distcp file missing, a pickle importing
             os.system.
  <folder>.json          {format: dcp, tensors: [{key, dtype, shape, sha256}], metadata: [{key, repr}]} of
                         torch.load(dcp_to_torch_save(folder)), flattened as ckpt flattens nested dicts.
  <folder>.torch_save.pt what dcp_to_torch_save wrote (for diff and convert tests).
"""
import json
import os
import pathlib
import pickle
import shutil
import socket
import warnings

import torch
import torch.distributed as dist
import torch.distributed.checkpoint as dcp
import torch.multiprocessing as mp
import torch.nn as nn
from torch.distributed.checkpoint.format_utils import dcp_to_torch_save

from _folders import fresh
from reference import flatten, records


def single(out):
    torch.manual_seed(3)
    m = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    opt = torch.optim.Adam(m.parameters(), lr=1e-3)
    m(torch.randn(2, 3)).sum().backward()
    opt.step()
    sd = {'model': m.state_dict(), 'optim': opt.state_dict(), 'epoch': 3, 'name': 'hello',
          'bf': torch.randn(2, 2).bfloat16(), 'tt': torch.randn(3, 2).t()}
    dcp.save(sd, checkpoint_id=str(out / 'single'))


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def rank_main(rank, world, port, path):
    from torch.distributed.device_mesh import init_device_mesh
    from torch.distributed.tensor import distribute_tensor, Replicate, Shard
    warnings.filterwarnings('ignore')
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    dist.init_process_group('gloo', rank=rank, world_size=world)
    mesh = init_device_mesh('cpu', (world,))
    g = torch.Generator().manual_seed(7)  # the same full tensors on both ranks
    rows = torch.randn(5, 4, generator=g)
    cols = torch.randn(3, 6, generator=g).half()
    uneven = torch.arange(7, dtype=torch.int64) * 11
    rep = torch.randn(2, 2, generator=g)
    sd = {'rows': distribute_tensor(rows, mesh, [Shard(0)]), 'cols': distribute_tensor(cols, mesh, [Shard(1)]),
          'uneven': distribute_tensor(uneven, mesh, [Shard(0)]), 'rep': distribute_tensor(rep, mesh, [Replicate()]),
          'plain': torch.full((3,), float(rank)), 'scalar': torch.tensor(2.5), 'step': 10}
    dcp.save(sd, checkpoint_id=path)
    dist.barrier()
    dist.destroy_process_group()


def sharded(out):
    mp.start_processes(rank_main, args=(2, free_port(), str(out / 'sharded')), nprocs=2, join=True, start_method='spawn')


def rewrite(src, dst, edit):
    shutil.copytree(src, dst)
    with open(dst / '.metadata', 'rb') as f:
        meta = pickle.load(f)
    edit(meta, dst)
    with open(dst / '.metadata', 'wb') as f:
        pickle.dump(meta, f)


class System:
    def __reduce__(self):
        return (os.system, ('true',))


def hostile(out):
    from torch.distributed.checkpoint.metadata import ChunkStorageMetadata, MetadataIndex
    base = out / 'hostile'
    base.mkdir()
    tiny = base / 'tiny'
    dcp.save({'w': torch.arange(12, dtype=torch.float32).reshape(4, 3), 'n': 1}, checkpoint_id=str(tiny))

    def storage(meta, fqn):
        return next((k, v) for k, v in meta.storage_data.items() if k.fqn == fqn)

    def gap(meta, _):
        meta.state_dict_metadata['w'].size = torch.Size([6, 3])

    def overlap(meta, _):
        key, info = storage(meta, 'w')
        meta.state_dict_metadata['w'].size = torch.Size([5, 3])
        meta.state_dict_metadata['w'].chunks.append(ChunkStorageMetadata(offsets=torch.Size([1, 0]), sizes=torch.Size([4, 3])))
        meta.storage_data[MetadataIndex('w', torch.Size([1, 0]))] = info

    def escape(meta, _):
        storage(meta, 'w')[1].relative_path = '../tiny/' + storage(meta, 'w')[1].relative_path

    def past_end(meta, folder):
        info = storage(meta, 'w')[1]
        info.offset = os.path.getsize(folder / info.relative_path) - 10

    def transform(meta, _):
        storage(meta, 'w')[1].transform_descriptors = ['zstd']

    def missing(meta, folder):
        info = storage(meta, 'w')[1]
        os.rename(folder / info.relative_path, folder / ('moved_' + info.relative_path))

    def unsafe(meta, _):
        meta.version = System()

    for name, edit in [('gap', gap), ('overlap', overlap), ('escape', escape), ('past_end', past_end),
                       ('transform', transform), ('missing', missing), ('unsafe', unsafe)]:
        rewrite(tiny, base / name, edit)


def describe(folder, saved):
    dcp_to_torch_save(str(folder), str(saved))
    tensors, meta = flatten(torch.load(str(saved), weights_only=False))
    return {'format': 'dcp', 'tensors': records(tensors, sharing=False), 'metadata': [{'key': k, 'repr': r} for k, r in meta]}


def generate(root):
    out = fresh(root, 'dcp_files')
    cwd = os.getcwd()
    os.chdir(out)  # .metadata records the checkpoint_id it was saved under: keep it relative
    try:
        here = pathlib.Path('.')
        single(here)
        sharded(here)
        hostile(here)
        for name in ['single', 'sharded', 'hostile/tiny']:
            record = describe(here / name, here / (name + '.torch_save.pt'))
            (here / (name + '.json')).write_text(json.dumps(record, indent=1) + '\n')
    finally:
        os.chdir(cwd)
