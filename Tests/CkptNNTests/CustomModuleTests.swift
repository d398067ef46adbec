import CkptCore
import CkptFormats
import CkptTensor
import CkptTestSupport
import Testing
@testable import CkptNN

/// The README's example: PyTorch's LeNet written as a Swift `Module` subclass, loading the checkpoint PyTorch saved.
final class LeNet: Module {
    let conv1: Conv, conv2: Conv
    let fc1 = Linear(400, 120), fc2 = Linear(120, 84), fc3: Linear

    init(classes: Int = 10) throws {
        fc3 = Linear(84, classes)
        conv1 = try Conv(dims: 2, 1, 6, kernelSize: SizeArgument(5))
        conv2 = try Conv(dims: 2, 6, 16, kernelSize: SizeArgument(5))
        super.init()
        // Registration order is the state_dict's key order, as attribute assignment in __init__ is in PyTorch.
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

@Suite struct CustomModuleTests {
    @Test func swiftSubclassLoadsPyTorchsCheckpointAndComputesItsOutput() throws {
        let net = try LeNet()
        let report = try net.load(try Fixtures.stateDict("models/lenet.pt").tensors)
        #expect(report.ok && report.loaded.count == 10)
        let input = try Tensor(entry: Fixtures.tensor("models/lenet.input.npy"))
        let expected = try Fixtures.tensor("models/lenet.expected.npy")
        let output = try net(input)
        let diff = zip(output.scalars, try expected.floatValues()).map { abs($0 - $1) }.max() ?? 1
        #expect(output.shape == [1, 10] && diff < 1e-5)
        #expect(net.description.hasPrefix("Net(\n  (conv1): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))"))
    }
}
