#!/usr/bin/env python3
"""By hand, not CI: checks the training checkpoints ckpt writes (model + optimizer state) with real PyTorch.

    python3 Fixtures/check_optim_with_torch.py            # runs the Swift test that writes them, then checks
    python3 Fixtures/check_optim_with_torch.py --dir DIR  # checks files already written to DIR

`swift test --filter OptimStateDictWriteTests` with CKPT_OPTIM_EXPORT_DIR set resumes each of torch's 3-step
checkpoints in `optim_state/` for 2 steps in ckpt and writes `{'epoch': 5, 'model_state_dict',
'optimizer_state_dict', 'loss'}` with ckpt's torch-zip writer. For each file this script:

  - loads it with torch.load(weights_only=True);
  - loads `model_state_dict` into the MLP (strict) and `optimizer_state_dict` into a default-constructed
    optimizer of the case's class (`load_state_dict` succeeds);
  - checks the optimizer's state_dict equals torch's own after 5 steps (from the same 3-step checkpoint):
    the same param group (==, betas a tuple), the same state ids, keys, dtypes and shapes, values within 1e-5;
  - continues 3 more steps in torch from ckpt's state and from torch's own, and compares the parameters.

Prints one line per case and exits 1 if anything differs.
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile

import torch

ROOT = pathlib.Path(__file__).resolve().parent
CASES = ROOT / 'optim_state'
OPTIMIZERS = {'SGD': torch.optim.SGD, 'Adam': torch.optim.Adam, 'AdamW': torch.optim.AdamW}


def resume(checkpoint, golden):
    """Model and optimizer restored from a training checkpoint, as PyTorch's recipe resumes."""
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3))
    model.load_state_dict(checkpoint['model_state_dict'])
    for key in golden['frozen']:
        model.get_parameter(key).requires_grad_(False)
    opt = OPTIMIZERS[golden['optimizer']](model.parameters())
    opt.load_state_dict(checkpoint['optimizer_state_dict'])
    return model, opt


def train(model, opt, golden, steps):
    x = torch.tensor(golden['input']).reshape(5, 4)
    y = torch.tensor(golden['target']).reshape(5, 3)
    for _ in range(steps):
        opt.zero_grad()
        torch.nn.functional.mse_loss(model(x), y).backward()
        opt.step()


def rel(a, b):
    return float(((a - b).abs() / b.abs().clamp(min=1)).max())


def check(name, path):
    golden = json.loads((CASES / f'{name}.json').read_text())
    problems = []
    ours = torch.load(path, weights_only=True)
    if list(ours) != ['epoch', 'model_state_dict', 'optimizer_state_dict', 'loss']:
        problems.append(f'top-level keys {list(ours)}')
    if (ours['epoch'], type(ours['loss'])) != (5, float):
        problems.append(f"epoch {ours['epoch']!r}, loss {type(ours['loss']).__name__}")
    model, opt = resume(ours, golden)

    theirs_model, theirs_opt = resume(torch.load(CASES / f'{name}.pt', weights_only=True), golden)
    train(theirs_model, theirs_opt, golden, 2)
    a, b = opt.state_dict(), theirs_opt.state_dict()
    if a['param_groups'] != b['param_groups'] or type(a['param_groups'][0].get('betas', ())) is not tuple:
        problems.append(f"param_groups {a['param_groups']} != {b['param_groups']}")
    raw = ours['optimizer_state_dict']
    if raw['param_groups'] != b['param_groups']:
        problems.append('param_groups as written differ from torch\'s')
    if list(raw['state']) != list(b['state']):
        problems.append(f"state ids {list(raw['state'])} != {list(b['state'])}")
    worst_state = 0.0
    for i, s in b['state'].items():
        mine = raw['state'].get(i, {})
        if list(mine) != list(s):
            problems.append(f'state[{i}] keys {list(mine)} != {list(s)}')
            continue
        for k, v in s.items():
            if (mine[k].dtype, mine[k].shape) != (v.dtype, v.shape):
                problems.append(f'state[{i}][{k!r}] {mine[k].dtype} {tuple(mine[k].shape)} != {v.dtype} {tuple(v.shape)}')
            else:
                worst_state = max(worst_state, rel(mine[k].float(), v.float()))
    worst_5 = max(rel(p, q) for p, q in zip(model.state_dict().values(), theirs_model.state_dict().values()))

    train(model, opt, golden, 3)
    train(theirs_model, theirs_opt, golden, 3)
    worst_8 = max(rel(p, q) for p, q in zip(model.state_dict().values(), theirs_model.state_dict().values()))
    for label, value in [('state after 5', worst_state), ('params after 5', worst_5), ('params after 8', worst_8)]:
        if value > 1e-5:
            problems.append(f'{label}: relative difference {value:.2e}')
    status = 'ok' if not problems else 'FAIL'
    print(f'{status:4} {name:18} loads; state vs torch {worst_state:.1e}, params after 5 {worst_5:.1e}, '
          f'after 3 more torch steps {worst_8:.1e}' + ''.join(f'\n     {p}' for p in problems))
    return not problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--dir', help='files already written by the Swift test (default: run it into a temporary folder)')
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = pathlib.Path(args.dir or tmp)
        if not args.dir:
            env = dict(os.environ, CKPT_OPTIM_EXPORT_DIR=str(folder))
            subprocess.run(['swift', 'test', '--filter', 'OptimStateDictWriteTests'], cwd=ROOT.parent, env=env,
                           check=True, stdout=subprocess.DEVNULL)
        names = sorted(p.stem for p in CASES.glob('*.json'))
        missing = [n for n in names if not (folder / f'{n}.pt').exists()]
        if missing:
            print(f'not written: {", ".join(missing)}', file=sys.stderr)
            return 1
        results = [check(n, folder / f'{n}.pt') for n in names]
    print(f'{sum(results)}/{len(results)} checkpoints written by ckpt load and continue in torch as torch\'s own')
    return 0 if all(results) else 1


if __name__ == '__main__':
    sys.exit(main())
