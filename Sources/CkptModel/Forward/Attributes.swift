import CkptNN
import CkptTensor

/// Attribute lookup (`self.fc1`, `x.shape`, `F.relu`) and the module methods a forward may call.
enum Attributes {
    static func get(_ base: PyValue, _ name: String) throws -> PyValue {
        switch base {
        case .namespace(let ns):
            let qualified = ns + "." + name
            switch qualified {
            case "torch.nn", "nn.functional", "torch.nn.functional": return .namespace(qualified == "torch.nn" ? "nn" : "F")
            default: return .function(qualified)
            }
        case .module(let m):
            if let child = m[name] { return .module(child) }
            if let t = m.parameter(name) ?? m.buffer(name) { return .tensor(t) }
            if m.childSlots.keys.contains(name) || m.parameterSlots.keys.contains(name) || m.bufferSlots.keys.contains(name) { return .none }
            switch name {
            case "training": return .bool(m.training)
            case "children", "modules", "parameters", "named_children", "forward": return .method(base, name)
            case _ where (m as? CustomModule)?.methods[name] != nil: return .method(base, name)
            default:
                // The layer's own attributes, as its schema names them (`self.conv1.kernel_size`, `self.attn.num_heads`).
                if let value = m.attribute(name) { return PyValue(value) }
                throw InterpreterError("'\(m.typeName)' object has no attribute '\(name)'")
            }
        case .tensor(let t):
            switch name {
            case "shape": return .tuple(t.shape.map { .int($0) })
            case "T": return .tensor(t.T)
            case "mT": return .tensor(try t.transpose(-2, -1))
            case "ndim": return .int(t.rank)
            case "data": return .tensor(t.detach())
            case "device": return .string("cpu")
            case "dtype": return .string("torch." + t.dtype.rawValue)
            case "requires_grad": return .bool(t.requiresGrad)
            case "grad": return t.grad.map { .tensor($0) } ?? .none
            default: return .method(base, name)
            }
        case .tuple, .list:
            if name == "index" || name == "count" { return .method(base, name) }
            throw InterpreterError("'\(base.typeName)' object has no attribute '\(name)'")
        default:
            throw InterpreterError("'\(base.typeName)' object has no attribute '\(name)'")
        }
    }

    static func callModuleMethod(_ m: Module, _ name: String, _ args: [PyValue]) throws -> PyValue {
        switch name {
        case "children": return .list(m.namedChildren().map { .module($0.1) })
        case "named_children": return .list(m.namedChildren().map { .tuple([.string($0.0), .module($0.1)]) })
        case "modules": return .list(m.namedModules().map { .module($0.1) })
        case "parameters": return .list(m.parameters().map { .tensor($0) })
        case "forward": return PyValue(try m.call(try args.map { try $0.moduleValue() }))
        default: throw InterpreterError("'\(m.typeName)' object has no method '\(name)'")
        }
    }
}
