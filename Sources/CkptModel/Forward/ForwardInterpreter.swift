import CkptNN
import CkptTensor

/// A runtime error in a pasted forward method, naming the line.
public struct ForwardError: Error, CustomStringConvertible {
    public var line: Int
    public var message: String
    public var description: String { "forward, line \(line): \(message)" }
}

/// Runs a pasted `def forward(self, …)` on a module: a small tree-walking interpreter for the Python subset CLI.md
/// lists (assignments, tuple unpacking, `for`, `if`, `return`, calls of submodules, `F.*`/`torch.*` and tensor
/// methods, arithmetic, indexing).
final class ForwardInterpreter {
    private let module: Module
    private let method: ForwardMethod
    private var variables: [String: PyValue] = [:]

    private enum Flow { case normal, returned(PyValue) }

    init(module: Module, method: ForwardMethod) { self.module = module; self.method = method }

    func run(_ args: [ModuleValue]) throws -> ModuleValue {
        let value = try call(args.map(PyValue.init), [:])
        do { return try value.moduleValue() } catch let e as InterpreterError {
            throw ForwardError(line: method.line, message: e.description)
        }
    }

    /// Runs the method on arguments bound as Python binds them (positional, then keywords, then defaults).
    func call(_ args: [PyValue], _ kwargs: [String: PyValue]) throws -> PyValue {
        if let e = method.parseError {
            throw ForwardError(line: e.line, message: "\(method.name)() is outside the Python ckpt runs: \(e.message)")
        }
        let names = method.parameters.map(\.name)
        guard args.count <= names.count else {
            throw ForwardError(line: method.line, message: "\(method.name)() takes \(names.count) inputs but \(args.count) were given")
        }
        for name in kwargs.keys where !names.contains(name) {
            throw ForwardError(line: method.line, message: "\(method.name)() got an unexpected keyword argument '\(name)'")
        }
        // Nested calls of pasted methods travel in the task's context; a forward that calls itself stops.
        let context = EngineContext.current
        guard context.callDepth < context.limits.maxCallDepth else {
            throw ForwardError(line: method.line, message: "maximum recursion depth exceeded calling \(method.name)()")
        }
        return try EngineContext.with(\.callDepth, context.callDepth + 1) { try bindAndRun(args, kwargs) }
    }

    private func bindAndRun(_ args: [PyValue], _ kwargs: [String: PyValue]) throws -> PyValue {
        for (i, parameter) in method.parameters.enumerated() {
            if i < args.count {
                guard kwargs[parameter.name] == nil else {
                    throw ForwardError(line: method.line, message: "\(method.name)() got multiple values for argument '\(parameter.name)'")
                }
                variables[parameter.name] = args[i]
            } else if let v = kwargs[parameter.name] {
                variables[parameter.name] = v
            } else if let d = parameter.defaultValue {
                variables[parameter.name] = try evaluate(d, line: method.line)
            } else {
                throw ForwardError(line: method.line, message: "\(method.name)() missing input '\(parameter.name)'")
            }
        }
        switch try execute(method.body) {
        case .returned(let value): return value
        case .normal: return .none
        }
    }

    private func execute(_ body: [PyStmt]) throws -> Flow {
        for statement in body {
            if case .returned(let v) = try execute(statement) { return .returned(v) }
        }
        return .normal
    }

    private func execute(_ s: PyStmt) throws -> Flow {
        do {
            switch s.kind {
            case .pass: return .normal
            case .expression(let e): _ = try evaluate(e, line: s.line)
            case .assert(let e):
                guard try evaluate(e, line: s.line).truth() else { throw InterpreterError("assertion failed") }
            case .returnValue(let e): return .returned(try e.map { try evaluate($0, line: s.line) } ?? .none)
            case .assign(let targets, let e):
                let value = try evaluate(e, line: s.line)
                for t in targets { try assign(t, value, line: s.line) }
            case .augmentedAssign(let target, let op, let e):
                let current = try evaluate(Self.expression(of: target), line: s.line)
                try assign(target, try Operators.binary(op, current, try evaluate(e, line: s.line)), line: s.line)
            case .forLoop(let target, let iterable, let body):
                for item in try Operators.iterate(try evaluate(iterable, line: s.line)) {
                    try assign(target, item, line: s.line)
                    if case .returned(let v) = try execute(body) { return .returned(v) }
                }
            case .conditional(let branches, let orElse):
                for (condition, body) in branches where try evaluate(condition, line: s.line).truth() {
                    return try execute(body)
                }
                return try execute(orElse)
            }
        } catch let e as InterpreterError {
            throw ForwardError(line: s.line, message: e.description)
        } catch let e as TensorError {
            throw ForwardError(line: s.line, message: "\(e)")
        } catch let e as NNError {
            throw ForwardError(line: s.line, message: e.description)
        } catch let e as ArgumentError {
            throw ForwardError(line: s.line, message: e.description)
        }
        return .normal
    }

    private static func expression(of target: PyTarget) -> PyExpr {
        switch target {
        case .name(let n): return .name(n)
        case .tuple(let items): return .tuple(items.map(expression(of:)))
        case .attribute(let base, let name): return .attribute(base, name)
        case .indexing(let base, let index): return .indexing(base, index)
        }
    }

    private func assign(_ target: PyTarget, _ value: PyValue, line: Int) throws {
        switch target {
        case .name(let n): variables[n] = value
        case .tuple(let targets):
            let items = try Operators.iterate(value)
            guard items.count == targets.count else {
                throw InterpreterError("cannot unpack \(items.count) values into \(targets.count) names")
            }
            for (t, v) in zip(targets, items) { try assign(t, v, line: line) }
        case .attribute:
            throw InterpreterError("assigning to attributes is not supported in a model file's forward")
        case .indexing(let base, let index):
            guard case .tensor(let t) = try evaluate(base, line: line) else { throw InterpreterError("only tensors support item assignment") }
            let indices = try index.map { try tensorIndex($0, line: line) }
            switch value {
            case .tensor(let v): try t.assign(indices, v)
            default: try t.assign(indices, Float(try Operators.number(value)))
            }
        }
    }

    func evaluate(_ e: PyExpr, line: Int) throws -> PyValue {
        switch e {
        case .int(let v): return .int(v)
        case .float(let v): return .float(v)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .none: return .none
        case .ellipsis: throw InterpreterError("'...' is only allowed inside a subscript")
        case .tuple(let items): return .tuple(try items.map { try evaluate($0, line: line) })
        case .list(let items): return .list(try items.map { try evaluate($0, line: line) })
        case .name(let n): return try lookup(n)
        case .attribute(let base, let name): return try Attributes.get(try evaluate(base, line: line), name)
        case .call(let callee, let args, let keywords):
            let f = try evaluate(callee, line: line)
            let a = try args.map { try evaluate($0, line: line) }
            var kw: [String: PyValue] = [:]
            for k in keywords { kw[k.name] = try evaluate(k.value, line: line) }
            return try call(f, a, kw)
        case .indexing(let base, let items): return try subscriptValue(try evaluate(base, line: line), items, line: line)
        case .binary(let op, let a, let b): return try Operators.binary(op, try evaluate(a, line: line), try evaluate(b, line: line))
        case .unary(let op, let a): return try Operators.unary(op, try evaluate(a, line: line))
        case .compare(let op, let a, let b):
            // `self.downsample is not None`: PyTorch prints no line for a submodule set to None, so a module attribute
            // the file does not have is None here.
            let left = op == .identical || op == .notIdentical ? try evaluateOptionalAttribute(a, line: line) : try evaluate(a, line: line)
            return try Operators.compare(op, left, try evaluate(b, line: line))
        case .boolean(let op, let a, let b):
            let left = try evaluate(a, line: line)
            let leftTrue = try left.truth()
            if op == .and { return leftTrue ? try evaluate(b, line: line) : left }
            return leftTrue ? left : try evaluate(b, line: line)
        case .conditional(let body, let condition, let orElse):
            return try evaluate(condition, line: line).truth() ? try evaluate(body, line: line) : try evaluate(orElse, line: line)
        }
    }

    private func evaluateOptionalAttribute(_ e: PyExpr, line: Int) throws -> PyValue {
        guard case .attribute(let baseExpr, let name) = e, case .module(let m) = try evaluate(baseExpr, line: line) else {
            return try evaluate(e, line: line)
        }
        do { return try Attributes.get(.module(m), name) } catch is InterpreterError { return .none }
    }

    private func lookup(_ name: String) throws -> PyValue {
        if let v = variables[name] { return v }
        switch name {
        case "self": return .module(module)
        case "F", "torch", "nn": return .namespace(name)
        default:
            if PythonBuiltin(rawValue: name) != nil { return .function(name) }
            throw InterpreterError("name '\(name)' is not defined")
        }
    }

    private func call(_ f: PyValue, _ args: [PyValue], _ kwargs: [String: PyValue]) throws -> PyValue {
        switch f {
        case .module(let m):
            if let custom = m as? CustomModule, let forward = custom.methods["forward"], !kwargs.isEmpty {
                let output = try ForwardInterpreter(module: custom, method: forward).call(args, kwargs)
                try m.runForwardHooks(try output.moduleValue())
                return output
            }
            return PyValue(try m.call(try ForwardInterpreter.bind(m, args, kwargs)))
        case .function(let name): return try Functions.call(name, args, Self.ordered(kwargs))
        case .method(let receiver, let name):
            if case .module(let m) = receiver {
                if let custom = m as? CustomModule, let method = custom.methods[name] {
                    return try ForwardInterpreter(module: custom, method: method).call(args, kwargs)
                }
                return try Attributes.callModuleMethod(m, name, args)
            }
            return try Functions.call(name, [receiver] + args, Self.ordered(kwargs), isMethod: true)
        default: throw InterpreterError("'\(f.typeName)' object is not callable")
        }
    }

    /// Keyword arguments in a fixed order, for the library functions' binding.
    private static func ordered(_ kwargs: [String: PyValue]) -> [(name: String, value: PyValue)] {
        kwargs.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
    }

    /// A module call's arguments by position: keywords go to their place in `forwardParameterNames`, and the
    /// places skipped before them are None (each module's forward treats None as its default).
    static func bind(_ m: Module, _ args: [PyValue], _ kwargs: [String: PyValue]) throws -> [ModuleValue] {
        var values = try args.map { try $0.moduleValue() }
        guard !kwargs.isEmpty else { return values }
        let names = m.forwardParameterNames
        guard !names.isEmpty else { throw InterpreterError("\(m.typeName) is called with keyword arguments; pass them by position") }
        for (name, value) in kwargs.sorted(by: { $0.key < $1.key }) {
            guard let i = names.firstIndex(of: name) else {
                throw InterpreterError("\(m.typeName).forward() got an unexpected keyword argument '\(name)'")
            }
            guard i >= args.count else { throw InterpreterError("\(m.typeName).forward() got multiple values for argument '\(name)'") }
            while values.count <= i { values.append(.none) }
            values[i] = try value.moduleValue()
        }
        return values
    }

    private func tensorIndex(_ s: PySubscript, line: Int) throws -> TensorIndex {
        func optionalInt(_ e: PyExpr?) throws -> Int? {
            guard let e else { return nil }
            let v = try evaluate(e, line: line)
            if case .none = v { return nil }
            return try Operators.int(v)
        }
        switch s {
        case .index(.ellipsis): return .ellipsis
        case .index(.none): return .newAxis
        case .index(let e): return .at(try Operators.int(try evaluate(e, line: line)))
        case .slice(let a, let b, let c): return .range(start: try optionalInt(a), end: try optionalInt(b), step: try optionalInt(c) ?? 1)
        }
    }

    private func subscriptValue(_ base: PyValue, _ items: [PySubscript], line: Int) throws -> PyValue {
        switch base {
        case .tensor(let t): return .tensor(try t.index(try items.map { try tensorIndex($0, line: line) }))
        case .tuple, .list, .module:
            let sequence = try Operators.iterate(base)
            guard items.count == 1 else { throw InterpreterError("\(base.typeName) indices must be a single int or slice") }
            let index = try tensorIndex(items[0], line: line)
            switch index {
            case .at(let i):
                let k = i < 0 ? i + sequence.count : i
                guard k >= 0, k < sequence.count else { throw InterpreterError("index \(i) is out of range") }
                return sequence[k]
            case .range(let start, let end, let step):
                guard step > 0 else { throw InterpreterError("slice step must be positive") }
                let r = TensorIndex.resolve(start: start, end: end, step: step, size: sequence.count)
                return .list((0 ..< r.count).map { sequence[r.start + $0 * step] })
            default: throw InterpreterError("\(base.typeName) indices must be integers or slices")
            }
        default:
            throw InterpreterError("'\(base.typeName)' object is not subscriptable")
        }
    }
}
