#!/usr/bin/env python3
"""Regenerates the committed fixtures from the real libraries (torch, h5py, numpy, safetensors, keras).

    python3 Fixtures/generate.py              # every generator in Fixtures/gen/
    python3 Fixtures/generate.py reference    # only some (module names, without .py)
    python3 Fixtures/generate.py --list       # the generators found

Each module `Fixtures/gen/<name>.py` exposes `generate(root)` and writes under `root/<name>/` (root = this
folder). Modules whose name starts with `_` are helpers and are not run. Generators seed every RNG they use,
so re-running gives the same files; see README.md for the few bytes the libraries do not let us pin.
Tests never run this: they read the committed outputs.
"""
import importlib
import os
import pathlib
import random
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent
GEN = ROOT / 'gen'


def generators():
    return sorted(p.stem for p in GEN.glob('*.py') if not p.stem.startswith('_'))


def seed_everything(seed=0):
    random.seed(seed)
    try:
        import numpy
        numpy.random.seed(seed)
    except ImportError:
        pass
    try:
        import torch
        torch.manual_seed(seed)
    except ImportError:
        pass


def main(argv):
    if '--list' in argv:
        print('\n'.join(generators()))
        return 0
    os.environ.setdefault('KERAS_BACKEND', 'torch')
    os.environ.setdefault('PYTHONHASHSEED', '0')
    sys.path.insert(0, str(GEN))
    available = generators()
    wanted = [a.removesuffix('.py') for a in argv if not a.startswith('-')] or available
    unknown = [w for w in wanted if w not in available]
    if unknown:
        print(f'unknown generator(s): {", ".join(unknown)}; available: {", ".join(available)}', file=sys.stderr)
        return 2
    failed = []
    for name in wanted:
        start = time.time()
        try:
            # Each generator starts from the same global RNG state, whatever ran before it.
            seed_everything()
            module = importlib.import_module(name)
            if not hasattr(module, 'generate'):
                print(f'{name}: no generate(root), skipped')
                continue
            module.generate(ROOT)
        except Exception as e:  # report and go on with the others
            failed.append(name)
            print(f'{name}: FAILED: {type(e).__name__}: {e}', file=sys.stderr)
            continue
        size = sum(f.stat().st_size for f in (ROOT / name).rglob('*') if f.is_file()) if (ROOT / name).exists() else 0
        print(f'{name}: ok in {time.time() - start:.1f}s, {size / 1024:.0f} KB under {name}/')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
