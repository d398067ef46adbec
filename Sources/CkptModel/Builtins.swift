import CkptTensor

/// The library functions a forward method may call: Python builtins, `torch.*` / `F.*` functions and tensor
/// methods. `torch.flatten(x, 1)`, `F.relu(x)` and `x.flatten(1)` share one implementation keyed by bare name.
enum Builtins {
    /// The most items `range()` yields, and the most elements a tensor-creating call (`torch.zeros`, `torch.full`)
    /// makes: hostile forwards get an error instead of a hang or an allocation the machine cannot make.
    static let maxRange = 1 << 20
    static let maxCreatedElements = 1 << 28

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

    static let pythonBuiltins: Set<String> = ["len", "range", "int", "float", "bool", "min", "max", "abs", "enumerate", "zip",
                                              "list", "tuple", "print", "sum", "isinstance"]

    static func call(_ qualified: String, _ args: [PyValue], _ kwargs: [String: PyValue], isMethod: Bool = false) throws -> PyValue {
        let name = qualified.split(separator: ".").last.map(String.init) ?? qualified
        if !isMethod, !qualified.contains("."), pythonBuiltins.contains(name) { return try python(name, args) }
        if let v = try tensorFunction(name, args, kwargs) { return v }
        if let v = try spatialFunction(name, args, kwargs) { return v }
        if let v = try maskFunction(name, args, kwargs) { return v }
        if let v = try attentionFunction(name, args, kwargs) { return v }
        throw InterpreterError("\(isMethod ? "Tensor." + name : qualified)() is not a function ckpt implements")
    }

    private static func python(_ name: String, _ args: [PyValue]) throws -> PyValue {
        func one() throws -> PyValue {
            guard args.count == 1 else { throw InterpreterError("\(name)() takes 1 argument, got \(args.count)") }
            return args[0]
        }
        switch name {
        case "len":
            if case .tensor(let t) = try one() { guard t.rank > 0 else { throw InterpreterError("len() of a 0-d tensor") }; return .int(t.shape[0]) }
            return .int(try Operators.iterate(args[0]).count)
        case "range":
            let ints = try args.map(Operators.int)
            let (start, stop, step) = ints.count == 1 ? (0, ints[0], 1) : ints.count == 2 ? (ints[0], ints[1], 1)
                : ints.count == 3 ? (ints[0], ints[1], ints[2]) : (0, 0, 0)
            guard step != 0 else { throw InterpreterError("range() takes 1 to 3 arguments and a nonzero step") }
            let count = step > 0 ? (stop > start ? (Double(stop) - Double(start)) / Double(step) : 0)
                                 : (start > stop ? (Double(start) - Double(stop)) / Double(-step) : 0)
            guard count <= Double(maxRange) else { throw InterpreterError("range() of \(Int(count.rounded(.up))) items is more than a forward runs in ckpt (\(maxRange))") }
            return .list(Swift.stride(from: start, to: stop, by: step).map { .int($0) })
        case "int": return .int(try Operators.exactInt(try Operators.number(try one())))
        case "float":
            if case .string(let s) = try one() {
                guard let v = Double(s.trimmingCharacters(in: .whitespaces)) else { throw InterpreterError("could not convert string to float: '\(s)'") }
                return .float(v)
            }
            return .float(try Operators.number(try one()))
        case "bool": return .bool(try one().truth())
        case "abs": return try Operators.binary("*", try one(), .int(1)).absolute()
        case "min", "max":
            let items = args.count == 1 ? try Operators.iterate(args[0]) : args
            guard var best = items.first else { throw InterpreterError("\(name)() of an empty sequence") }
            for v in items.dropFirst() where try Operators.compare(name == "min" ? "<" : ">", v, best).truth() { best = v }
            return best
        case "sum":
            return try Operators.iterate(try one()).reduce(PyValue.int(0)) { try Operators.binary("+", $0, $1) }
        case "enumerate": return .list(try Operators.iterate(try one()).enumerated().map { .tuple([.int($0.offset), $0.element]) })
        case "zip":
            let lists = try args.map(Operators.iterate)
            let n = lists.map(\.count).min() ?? 0
            return .list((0 ..< n).map { i in .tuple(lists.map { $0[i] }) })
        case "list": return .list(try Operators.iterate(try one()))
        case "tuple": return .tuple(try Operators.iterate(try one()))
        case "print": return .none
        default: throw InterpreterError("\(name)() is not supported")
        }
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    private static func tensorFunction(_ name: String, _ args: [PyValue], _ kw: [String: PyValue]) throws -> PyValue? {
        func bind(_ signature: [String]) throws -> CallArguments { try CallArguments(name, args, kw, signature) }
        func unary(_ f: (Tensor) throws -> Tensor) throws -> PyValue {
            let a = try bind(["input", "inplace=False"])
            return .tensor(try f(try a.tensor("input")))
        }
        switch name {
        case "relu", "relu_": return try unary { $0.relu() }
        case "sigmoid": return try unary { $0.sigmoid() }
        case "tanh": return try unary { $0.tanh() }
        case "silu": return try unary { $0.silu() }
        case "exp": return try unary { $0.exp() }
        case "log": return try unary { $0.log() }
        case "sqrt": return try unary { $0.sqrt() }
        case "abs": return try unary { $0.abs() }
        case "neg": return try unary { $0.negated() }
        case "contiguous", "float", "clone", "cpu", "detach":
            let t = try bind(["input", "*unused"]).tensor("input")
            return .tensor(name == "clone" ? t.clone() : name == "detach" ? t.detach() : name == "float" ? try t.to(.float32) : t)
        case "long", "int": return .tensor(try bind(["input"]).tensor("input").to(.int64))
        case "leaky_relu":
            let a = try bind(["input", "negative_slope=0.01", "inplace=False"])
            return .tensor(try a.tensor("input").leakyRelu(Float(try a.double("negative_slope"))))
        case "elu":
            let a = try bind(["input", "alpha=1.0", "inplace=False"])
            return .tensor(try a.tensor("input").elu(alpha: Float(try a.double("alpha"))))
        case "gelu":
            let a = try bind(["input", "approximate='none'"])
            return .tensor(try a.tensor("input").gelu(approximate: try a.string("approximate") == "tanh" ? .tanh : .none))
        case "softplus":
            let a = try bind(["input", "beta=1.0", "threshold=20.0"])
            return .tensor(try a.tensor("input").softplus(beta: Float(try a.double("beta")), threshold: Float(try a.double("threshold"))))
        case "softmax", "log_softmax":
            let a = try bind(["input", "dim=None", "_stacklevel=3", "dtype=None"])
            let x = try a.tensor("input")
            let dim = try a.optionalInt("dim") ?? (x.rank == 0 || x.rank == 1 || x.rank == 3 ? 0 : 1)
            return .tensor(name == "softmax" ? try x.softmax(dim: dim) : try x.logSoftmax(dim: dim))
        case "dropout":
            let a = try bind(["input", "p=0.5", "training=True", "inplace=False"])
            return .tensor(try a.tensor("input").dropout(p: Float(try a.double("p")), training: try a.bool("training")))
        case "linear":
            let a = try bind(["input", "weight", "bias=None"])
            return .tensor(try a.tensor("input").linear(weight: try a.tensor("weight"), bias: try a.optionalTensor("bias")))
        case "matmul", "mm", "bmm":
            let a = try bind(["input", "other"])
            return .tensor(try a.tensor("input").matmul(try a.tensor("other")))
        case "add", "sub", "mul", "div", "pow":
            let a = try bind(["input", "other"])
            let op = ["add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**"][name] ?? "+"
            return try Operators.binary(op, a.value("input"), a.value("other"))
        case "clamp", "clip":
            let a = try bind(["input", "min=None", "max=None"])
            return .tensor(try a.tensor("input").clamp(min: try a.optionalDouble("min").map(Float.init), max: try a.optionalDouble("max").map(Float.init)))
        case "view", "reshape":
            let a = try bind(["input", "*shape"])
            return .tensor(try a.tensor("input").reshape(try a.sizes(first: nil)))
        case "flatten":
            let a = try bind(["input", "start_dim=0", "end_dim=-1"])
            return .tensor(try a.tensor("input").flatten(startDim: try a.int("start_dim"), endDim: try a.int("end_dim")))
        case "unsqueeze":
            let a = try bind(["input", "dim"])
            return .tensor(try a.tensor("input").unsqueeze(try a.int("dim")))
        case "squeeze":
            let a = try bind(["input", "dim=None"])
            let x = try a.tensor("input")
            return .tensor(try a.optionalInt("dim").map { try x.squeeze($0) } ?? x.squeeze())
        case "permute":
            let a = try bind(["input", "*dims"])
            return .tensor(try a.tensor("input").permute(try a.sizes(first: nil)))
        case "transpose", "swapaxes":
            let a = try bind(["input", "dim0", "dim1"])
            return .tensor(try a.tensor("input").transpose(try a.int("dim0"), try a.int("dim1")))
        case "t": return .tensor(try bind(["input"]).tensor("input").t())
        case "size":
            let a = try bind(["input", "dim=None"])
            let x = try a.tensor("input")
            if let d = try a.optionalInt("dim") { return .int(try x.size(d)) }
            return .tuple(x.shape.map { .int($0) })
        case "dim": return .int(try bind(["input"]).tensor("input").rank)
        case "numel": return .int(try bind(["input"]).tensor("input").numel)
        case "item": return .float(Double(try bind(["input"]).tensor("input").item()))
        case "sum", "mean":
            let a = try bind(["input", "dim=None", "keepdim=False", "dtype=None"])
            let x = try a.tensor("input")
            guard let dims = try a.optionalInts("dim") else { return .tensor(name == "sum" ? x.sum() : x.mean()) }
            let keep = try a.bool("keepdim")
            return .tensor(name == "sum" ? try x.sum(dims: dims, keepdim: keep) : try x.mean(dims: dims, keepdim: keep))
        case "max", "min":
            let a = try bind(["input", "dim=None", "keepdim=False"])
            let x = try a.tensor("input")
            if case .tensor(let other) = a.value("dim") {
                return .tensor(try Tensor.where(try x.gt(other), name == "max" ? x : other, name == "max" ? other : x))
            }
            guard let dim = try a.optionalInt("dim") else { return .tensor(name == "max" ? try x.max() : try x.min()) }
            let r = name == "max" ? try x.max(dim: dim, keepdim: try a.bool("keepdim")) : try x.min(dim: dim, keepdim: try a.bool("keepdim"))
            return .tuple([.tensor(r.values), .tensor(r.indices)])
        case "argmax", "argmin":
            let a = try bind(["input", "dim=None", "keepdim=False"])
            let x = try a.tensor("input")
            return .tensor(name == "argmax" ? try x.argmax(dim: try a.optionalInt("dim"), keepdim: try a.bool("keepdim"))
                                            : try x.argmin(dim: try a.optionalInt("dim"), keepdim: try a.bool("keepdim")))
        case "cat", "concat", "concatenate", "stack":
            let a = try bind(["tensors", "dim=0"])
            let ts = try a.tensors("tensors")
            return .tensor(name == "stack" ? try Tensor.stack(ts, dim: try a.int("dim")) : try Tensor.cat(ts, dim: try a.int("dim")))
        case "chunk":
            let a = try bind(["input", "chunks", "dim=0"])
            return .tuple(try a.tensor("input").chunk(try a.int("chunks"), dim: try a.int("dim")).map { .tensor($0) })
        case "split":
            let a = try bind(["input", "split_size_or_sections", "dim=0"])
            let x = try a.tensor("input")
            if case .int(let size) = a.value("split_size_or_sections") { return .tuple(try x.split(size, dim: try a.int("dim")).map { .tensor($0) }) }
            return .tuple(try x.split(sizes: try a.ints("split_size_or_sections"), dim: try a.int("dim")).map { .tensor($0) })
        case "zeros_like", "ones_like":
            let x = try bind(["input", "dtype=None"]).tensor("input")
            return .tensor(name == "zeros_like" ? Tensor.zeros(like: x) : Tensor.ones(like: x))
        case "zeros", "ones":
            let a = try bind(["*size", "dtype=None", "device=None", "requires_grad=False"])
            let shape = try creationShape(try a.sizes(first: nil), name)
            return .tensor(name == "zeros" ? Tensor.zeros(shape) : Tensor.ones(shape))
        case "cosine_similarity":
            let a = try bind(["x1", "x2", "dim=1", "eps=1e-08"])
            return .tensor(try Tensor.cosineSimilarity(try a.tensor("x1"), try a.tensor("x2"), dim: try a.int("dim"), eps: Float(try a.double("eps"))))
        case "embedding":
            let a = try bind(["input", "weight", "padding_idx=None"])
            return .tensor(try Tensor.embedding(try a.tensor("input"), weight: try a.tensor("weight"), paddingIdx: try a.optionalInt("padding_idx")))
        default:
            return nil
        }
    }
}

extension PyValue {
    /// `abs()` of a number or tensor.
    func absolute() throws -> PyValue {
        switch self {
        case .tensor(let t): return .tensor(t.abs())
        case .int(let i): return .int(Swift.abs(i))
        default: return .float(Swift.abs(try Operators.number(self)))
        }
    }
}
