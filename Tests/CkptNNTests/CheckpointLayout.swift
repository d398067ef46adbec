import CkptCore

/// Compares two checkpoint trees by layout, as `torch.load` would see them: dict or OrderedDict, the same keys
/// in the same order with the same key types (`0`, not `'0'`), list or tuple of the same length, the same Python
/// type at every leaf (None, bool, int, float, str), tensors of the same dtype, shape, `requires_grad` and
/// Parameter-ness. Leaf values are compared too at paths under `valuesUnder` ("" for everywhere); tensor values
/// never. Paths are dotted (`param_groups.0.betas`).
enum CheckpointLayout {
    /// One line per difference; empty when the layouts agree.
    static func differences(_ got: CheckpointValue, _ want: CheckpointValue, valuesUnder: String,
                            ignoringMetadataOf ignored: Set<String> = []) -> [String] {
        var out: [String] = []
        walk(got, want, path: "", valuesUnder: valuesUnder, ignored: ignored, into: &out)
        return out
    }

    private static func walk(_ got: CheckpointValue, _ want: CheckpointValue, path: String, valuesUnder: String,
                             ignored: Set<String>, into out: inout [String]) {
        let at = path.isEmpty ? "<root>" : path
        func join(_ key: String) -> String { path.isEmpty ? key : path + "." + key }
        func recurse(_ g: CheckpointValue, _ w: CheckpointValue, _ key: String) {
            walk(g, w, path: join(key), valuesUnder: valuesUnder, ignored: ignored, into: &out)
        }
        switch (got, want) {
        case (.dict(let a), .dict(let b)):
            if a.isOrdered != b.isOrdered { out.append("\(at): \(got.pythonTypeName), expected \(want.pythonTypeName)") }
            let keysA = Array(a.items.keys), keysB = Array(b.items.keys)
            if keysA != keysB { out.append("\(at): keys \(keys(keysA)), expected \(keys(keysB))") }
            if !ignored.contains(path), (a.state == nil) != (b.state == nil) {
                out.append("\(at): \(a.state == nil ? "no" : "has") attributes (_metadata), expected \(b.state == nil ? "none" : "some")")
            }
            for (key, w) in b.items { if let g = a.items[key] { recurse(g, w, key.description) } }
        case (.list(let xs), .list(let ys)), (.tuple(let xs), .tuple(let ys)), (.set(let xs), .set(let ys)):
            if xs.count != ys.count { out.append("\(at): \(xs.count) items, expected \(ys.count)") }
            for (i, (g, w)) in zip(xs, ys).enumerated() { recurse(g, w, String(i)) }
        case (.tensor(let a), .tensor(let b)):
            if a.dtype != b.dtype { out.append("\(at): dtype \(a.dtype.rawValue), expected \(b.dtype.rawValue)") }
            if a.shape != b.shape { out.append("\(at): shape \(a.shape), expected \(b.shape)") }
            if a.requiresGrad != b.requiresGrad { out.append("\(at): requires_grad \(a.requiresGrad), expected \(b.requiresGrad)") }
            if a.isParameter != b.isParameter { out.append("\(at): Parameter \(a.isParameter), expected \(b.isParameter)") }
        default:
            if got.pythonTypeName != want.pythonTypeName {
                out.append("\(at): \(describe(got)), expected \(describe(want))")
            } else if path.hasPrefix(valuesUnder), repr(got) != repr(want) {
                out.append("\(at): \(describe(got)), expected \(describe(want))")
            }
        }
    }

    private static func keys(_ keys: [CheckpointDict.Key]) -> String {
        "[" + keys.map { key in
            switch key {
            case .string(let s): return "\"\(s)\""
            case .int(let i): return String(i)
            case .other(let s): return s
            }
        }.joined(separator: ", ") + "]"
    }

    /// Scalars by value (`False`, `None`), containers by type.
    private static func describe(_ v: CheckpointValue) -> String { repr(v) ?? v.pythonTypeName }

    /// A leaf's Python repr (nil for containers and tensors).
    private static func repr(_ v: CheckpointValue) -> String? {
        switch v {
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .bigInt(let s): return s
        case .float(let d): return "\(d)"
        case .string(let s): return "'\(s)'"
        case .bytes(let b): return "b<\(b.count) bytes>"
        case .object(let n, let args): return "\(n)(\(args.count) args)"
        default: return nil
        }
    }
}
