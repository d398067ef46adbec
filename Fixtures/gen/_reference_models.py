"""The reference models of shared/REFERENCE_MODELS.md, built with real PyTorch.

Each builder returns (model, example_input or None). Seeds are set by the caller (reference.py)
before each build, so weights are reproducible.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def mlp():
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1)), torch.rand(2, 4)


def _block1():
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 4), nn.ReLU())


def _block2():
    net = nn.Sequential()
    for i in range(4):
        net.add_module(f'block {i}', _block1())
    return net


def rgnet():
    return nn.Sequential(_block2(), nn.Linear(4, 1)), torch.rand(2, 4)


class Net(nn.Module):
    """LeNet from the 60-minute blitz."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(-1, 400)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def lenet():
    return Net(), torch.randn(1, 1, 32, 32)


class _CNNTutorialNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, kernel_size=5)
        self.conv2 = nn.Conv2d(32, 64, kernel_size=5)
        self.fc1 = nn.Linear(256, 200)
        self.fc2 = nn.Linear(200, 10)

    def forward(self, x):
        x = F.relu(F.max_pool2d(self.conv1(x), kernel_size=3, stride=3))
        x = F.relu(F.max_pool2d(self.conv2(x), kernel_size=2, stride=2))
        x = x.view(-1, 256)
        x = F.relu(self.fc1(x))
        return self.fc2(x)


# Both tutorials call their class `Net`; print(model) shows the class name.
_CNNTutorialNet.__name__ = 'Net'
_CNNTutorialNet.__qualname__ = 'Net'


def cnn_tutorial():
    return _CNNTutorialNet(), torch.randn(2, 1, 28, 28)


class MyModule(nn.Module):
    """The 'buggy' module: a Linear kept in a plain dict is not registered."""

    def __init__(self, fixed=False):
        super().__init__()
        self.conv = nn.Conv2d(1, 32, 5)
        # torch.Tensor(123, 456) is uninitialised memory; fill it from the seeded RNG instead.
        self.param = nn.Parameter(torch.Tensor(123, 456).normal_())
        self.my_dict = {'ahhh': nn.Linear(542, 21)}
        if fixed:
            self.add_module('ahhh_0', self.my_dict['ahhh'])


def buggy():
    return MyModule(), None


def buggy_fixed():
    return MyModule(fixed=True), None


class MyModuleList(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 32, kernel_size=5)
        self.param = nn.Parameter(torch.Tensor(123, 456).normal_())
        self.module_list = nn.ModuleList()
        self.module_list.append(nn.Linear(50, 75))
        self.module_list.append(nn.Linear(125, 999))


MyModuleList.__name__ = 'MyModule'
MyModuleList.__qualname__ = 'MyModule'


def modulelist():
    return MyModuleList(), None


def tied():
    shared = nn.Linear(8, 8)
    net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), shared, nn.ReLU(), shared, nn.ReLU(), nn.Linear(8, 1))
    return net, torch.rand(2, 4)


def tiny_regression():
    return nn.Sequential(nn.Linear(1, 13), nn.Linear(13, 1)), torch.randn(5, 1)


def tiny_regression_tanh():
    return nn.Sequential(nn.Linear(1, 13), nn.Tanh(), nn.Linear(13, 1)), torch.randn(5, 1)


class SimpleLinear(nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(out_features, in_features))
        self.bias = nn.Parameter(torch.ones(out_features))

    def forward(self, x):
        return x @ self.weight.T + self.bias


def simple_linear():
    return SimpleLinear(4, 3), torch.randn(2, 4)


class SeqNet(nn.Module):
    """Embedding + LSTM + BatchNorm1d + Linear: buffers, int64 counters and LSTM gate weights."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(10, 4)
        self.lstm = nn.LSTM(4, 6, batch_first=True)
        self.bn = nn.BatchNorm1d(6)
        self.head = nn.Linear(6, 3)

    def forward(self, x):
        e = self.embed(x)
        out, (h, c) = self.lstm(e)
        y = self.bn(out[:, -1, :])
        return self.head(y)


def seqnet():
    net = SeqNet()
    # A few training-mode passes so the BatchNorm buffers hold real statistics.
    net.train()
    with torch.no_grad():
        for _ in range(3):
            net(torch.randint(0, 10, (4, 5)))
    net.eval()
    return net, torch.randint(0, 10, (2, 5))


# name -> builder; "small" models get every file format, the others only .pt (size budget).
MODELS = {
    'mlp': (mlp, True),
    'rgnet': (rgnet, True),
    'lenet': (lenet, False),
    'cnn_tutorial': (cnn_tutorial, False),
    'buggy': (buggy, False),
    'buggy_fixed': (buggy_fixed, False),
    'modulelist': (modulelist, False),
    'tied': (tied, True),
    'tiny_regression': (tiny_regression, True),
    'tiny_regression_tanh': (tiny_regression_tanh, True),
    'simple_linear': (simple_linear, True),
    'seqnet': (seqnet, True),
}
