import CkptTensor

/// A layer that maps one tensor to one tensor (Linear, ReLU, Conv2d, …): override `forward(_ x:)`.
open class UnaryModule: Module {
    /// The layer's computation.
    open func forward(_ x: Tensor) throws -> Tensor {
        throw NNError.notImplemented("\(typeName) has no forward pass in ckpt")
    }

    open override var forwardParameterNames: [String] { ["input"] }

    open override func forward(_ args: [ModuleValue]) throws -> ModuleValue {
        guard args.count == 1 else {
            throw NNError.invalidArgument("\(typeName).forward() takes 1 input, got \(args.count)")
        }
        return .tensor(try forward(try args[0].asTensor("\(typeName) input")))
    }
}
