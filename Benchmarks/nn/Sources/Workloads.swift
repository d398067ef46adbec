import CkptNN
import CkptTensor

/// LeNet `Net` from the 60-minute blitz (`Fixtures/gen/_reference_models.py`), written as a Module subclass. The same
/// class is the README's example in `Tests/CkptNNTests/CustomModuleTests.swift`; one copy for both would have to be a
/// product of ckpt's package (this package cannot reach a test target), so each keeps its own.
final class LeNet: Module {
    let conv1: Conv, conv2: Conv
    let fc1 = Linear(400, 120), fc2 = Linear(120, 84), fc3: Linear

    init(classes: Int) throws {
        fc3 = Linear(84, classes)
        conv1 = try Conv(dims: 2, 1, 6, kernelSize: SizeArgument(5))
        conv2 = try Conv(dims: 2, 6, 16, kernelSize: SizeArgument(5))
        super.init()
        for (name, m) in [("conv1", conv1), ("conv2", conv2), ("fc1", fc1), ("fc2", fc2), ("fc3", fc3)] as [(String, Module)] {
            addModule(name, m)
        }
    }

    override var typeName: String { "Net" }

    override func forward(_ args: [ModuleValue]) throws -> ModuleValue {
        var x = try args[0].asTensor()
        x = try conv1(x).relu().maxPool2d(kernelSize: [2, 2])
        x = try conv2(x).relu().maxPool2d(kernelSize: [2])
        x = try x.view([-1, 400])
        return .tensor(try fc3(fc2(fc1(x).relu()).relu()))
    }
}

/// The four workloads of issue 5, each a closure doing one iteration, with the same shapes as `torch_compute.py`.
enum Workloads {
    static let names = ["lenet_forward", "mlp_forward", "lstm_forward", "gru_forward", "rnn_forward", "mlp_train_step",
                        "lstm_train_step"]

    /// The 784-1024-1024-10 MLP with ReLU.
    static func mlp() -> Sequential {
        Sequential([Linear(784, 1024), ReLU(), Linear(1024, 1024), ReLU(), Linear(1024, 10)])
    }

    /// One iteration of workload `name`: forwards run under `noGrad` (PyTorch: `torch.no_grad()`).
    static func make(_ name: String) throws -> () throws -> Void {
        let generator = Generator(seed: 0)
        switch name {
        case "lenet_forward":
            let net = try LeNet(classes: 10)
            let x = Tensor.randn([64, 1, 32, 32], generator: generator)
            return { _ = try Tensor.noGrad { try net(x) } }
        case "mlp_forward":
            let net = mlp()
            let x = Tensor.randn([256, 784], generator: generator)
            return { _ = try Tensor.noGrad { try net(x) } }
        case "lstm_forward":
            let lstm = try RecurrentLayer(mode: .lstm, 128, 256, numLayers: 2)
            let x = Tensor.randn([50, 16, 128], generator: generator)
            return { _ = try Tensor.noGrad { try lstm(.tensor(x)) } }
        case "gru_forward", "rnn_forward":
            let gru = try RecurrentLayer(mode: name == "gru_forward" ? .gru : .rnnTanh, 128, 256, numLayers: 2)
            let x = Tensor.randn([50, 16, 128], generator: generator)
            return { _ = try Tensor.noGrad { try gru(.tensor(x)) } }
        case "lstm_train_step":
            // Forward through the recorded graph, the mean as loss, backward, SGD (PyTorch: the same in train mode).
            let lstm = try RecurrentLayer(mode: .lstm, 128, 256, numLayers: 2)
            let x = Tensor.randn([50, 16, 128], generator: generator)
            let optimizer = try SGD(lstm.parameters(), lr: 0.01)
            return {
                optimizer.zeroGrad()
                guard case .tuple(let out) = try lstm(.tensor(x)), let y = try out.first?.asTensor("output") else {
                    throw NNError.invalidArgument("LSTM returned no output")
                }
                try y.mean().backward()
                try optimizer.step()
            }
        case "mlp_train_step":
            let net = mlp()
            let x = Tensor.randn([256, 784], generator: generator)
            let target = try Tensor.randint(0, 10, [256], generator: generator)
            let optimizer = try SGD(net.parameters(), lr: 0.01)
            let loss = CrossEntropyLoss()
            return {
                optimizer.zeroGrad()
                try loss(net(x), target).backward()
                try optimizer.step()
            }
        default:
            throw NNError.invalidArgument("unknown workload \(name); expected one of \(names)")
        }
    }
}
