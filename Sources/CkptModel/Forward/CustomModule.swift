import CkptNN
import CkptTensor

/// A module of a class ckpt knows only from its printout (`Net(`, `BertEncoder(`): it holds what the model file
/// registers on it and runs its class's pasted `forward`, or its children in order when there is none.
public final class CustomModule: Module {
    /// The pasted methods of its class by name: `forward` and the helpers it calls (`self._forward_impl(x)`).
    public var methods: [String: ForwardMethod] = [:]

    public init(className: String, methods: [String: ForwardMethod] = [:]) {
        self.methods = methods
        super.init()
        printedName = className
    }

    public override var forwardParameterNames: [String] { methods["forward"]?.parameters.map(\.name) ?? [] }

    public override func forward(_ args: [ModuleValue]) throws -> ModuleValue {
        if let method = methods["forward"] { return try ForwardInterpreter(module: self, method: method).run(args) }
        var value = args.count == 1 ? args[0] : .tuple(args)
        for (_, child) in namedChildren() { value = try child.call([value]) }
        return value
    }
}

/// A leaf whose class ckpt does not implement but which prints no arguments (`Swish()`): accepted so
/// any `print(model)` loads; running it is an error naming it.
public final class OpaqueModule: Module {
    /// 1-based line in the model file.
    public let line: Int

    public init(className: String, line: Int) {
        self.line = line
        super.init()
        printedName = className
    }

    public override func forward(_ args: [ModuleValue]) throws -> ModuleValue {
        throw NNError.notImplemented("\(typeName) (model file line \(line)) is not a layer ckpt implements, so it cannot run")
    }
}
