import CkptNN
import CkptTensor

/// A library function a forward may call, by bare name: `torch.flatten(x, 1)`, `F.relu(x)` and the tensor method
/// `x.flatten(1)` are one entry. Its signature is PyTorch's, written as Python writes it and parsed once.
struct Function {
    let name: String
    let signature: Signature
    let body: (FunctionArguments) throws -> PyValue

    init(_ name: String, _ signature: String, _ body: @escaping (FunctionArguments) throws -> PyValue) {
        self.init(name, Signature(signature), body)
    }

    init(_ name: String, _ signature: Signature, _ body: @escaping (FunctionArguments) throws -> PyValue) {
        self.name = name; self.signature = signature; self.body = body
    }

    /// The same body under other names (`concat` for `cat`).
    func named(_ other: String) -> Function { Function(other, signature, body) }

    func call(_ args: [PyValue], _ keywords: [(name: String, value: PyValue)]) throws -> PyValue {
        try body(try FunctionArguments(name, signature, args, keywords))
    }
}

/// Every library function, by name: the tensor functions, the spatial ones, masks and attention, and each layer's
/// functional form (`F.leaky_relu` is `nn.LeakyReLU`'s).
enum Functions {
    /// The most items `range()` yields, and the most elements a tensor-creating call (`torch.zeros`, `torch.full`)
    /// makes: hostile forwards get an error instead of a hang or an allocation the machine cannot make.
    static let maxRange = 1 << 20
    static let maxCreatedElements = 1 << 28

    static let table: [String: Function] = {
        var table: [String: Function] = [:]
        for f in tensor + reductions + spatial + masks + attention + layerForms { table[f.name] = f }
        return table
    }()

    /// Calls `qualified` (`F.relu`, `torch.cat`, `len`) or, as a method, `name` on the receiver in `args[0]`.
    static func call(_ qualified: String, _ args: [PyValue], _ keywords: [(name: String, value: PyValue)], isMethod: Bool = false) throws -> PyValue {
        let name = qualified.split(separator: ".").last.map(String.init) ?? qualified
        if !isMethod, !qualified.contains("."), let builtin = PythonBuiltin(rawValue: name) {
            guard keywords.isEmpty else { throw InterpreterError("\(name)() takes no keyword arguments") }
            return try builtin.call(args)
        }
        guard let function = table[name] else {
            throw InterpreterError("\(isMethod ? "Tensor." + name : qualified)() is not a function ckpt implements")
        }
        return try function.call(args, keywords)
    }

    /// `shape` if it is a valid shape for a new tensor within `maxCreatedElements`.
    static func creationShape(_ shape: [Int], _ function: String) throws -> [Int] {
        var count = 1.0
        for d in shape {
            guard d >= 0 else { throw InterpreterError("\(function)(): negative dimension \(d)") }
            count *= Double(d)
        }
        guard count <= Double(maxCreatedElements) else {
            throw InterpreterError("\(function)() of shape \(shape) is more than ckpt creates in a forward (\(maxCreatedElements) elements)")
        }
        return shape
    }

    /// The functional forms of layers: the layer built from the call's arguments runs on its inputs.
    static let layerForms: [Function] = LayerSchema.standard.flatMap { schema -> [Function] in
        guard let functional = schema.functional, let signature = schema.functionalSignature else { return [] }
        let layerParameters = Set(schema.signature.names)
        let form = Function(functional.name, signature) { a in
            let keywords = try a.given.filter { layerParameters.contains($0.key) }.map { (name: $0.key, value: try $0.value.argument(a.function, $0.key)) }
            let layer = try LayerArguments(schema, className: functional.name, keywords: keywords)
            let inputs = try functional.inputs.map { ModuleValue.tensor(try a.tensor($0)) }
            return PyValue(try schema.build(layer).forward(inputs))
        }
        return [form] + functional.aliases.map(form.named)
    }
}
