import CkptTensor
import Foundation

/// The Python builtins a forward may call (`len(x)`, `range(n)`, `min(a, b)`).
enum PythonBuiltin: String, CaseIterable {
    case len, range, int, float, bool, min, max, abs, enumerate, zip, list, tuple, print, sum, isinstance

    func call(_ args: [PyValue]) throws -> PyValue {
        func one() throws -> PyValue {
            guard args.count == 1 else { throw InterpreterError("\(rawValue)() takes 1 argument, got \(args.count)") }
            return args[0]
        }
        switch self {
        case .len:
            if case .tensor(let t) = try one() { guard t.rank > 0 else { throw InterpreterError("len() of a 0-d tensor") }; return .int(t.shape[0]) }
            return .int(try Operators.iterate(args[0]).count)
        case .range:
            let ints = try args.map(Operators.int)
            let (start, stop, step) = ints.count == 1 ? (0, ints[0], 1) : ints.count == 2 ? (ints[0], ints[1], 1)
                : ints.count == 3 ? (ints[0], ints[1], ints[2]) : (0, 0, 0)
            guard step != 0 else { throw InterpreterError("range() takes 1 to 3 arguments and a nonzero step") }
            let count = step > 0 ? (stop > start ? (Double(stop) - Double(start)) / Double(step) : 0)
                                 : (start > stop ? (Double(start) - Double(stop)) / Double(-step) : 0)
            guard count <= Double(Functions.maxRange) else {
                throw InterpreterError("range() of \(Int(count.rounded(.up))) items is more than a forward runs in ckpt (\(Functions.maxRange))")
            }
            return .list(Swift.stride(from: start, to: stop, by: step).map { .int($0) })
        case .int: return .int(try Operators.exactInt(try Operators.number(try one())))
        case .float:
            if case .string(let s) = try one() {
                guard let v = Double(s.trimmingCharacters(in: .whitespaces)) else { throw InterpreterError("could not convert string to float: '\(s)'") }
                return .float(v)
            }
            return .float(try Operators.number(try one()))
        case .bool: return .bool(try one().truth())
        case .abs: return try Operators.binary(.multiply, try one(), .int(1)).absolute()
        case .min, .max:
            let items = args.count == 1 ? try Operators.iterate(args[0]) : args
            guard var best = items.first else { throw InterpreterError("\(rawValue)() of an empty sequence") }
            for v in items.dropFirst() where try Operators.compare(self == .min ? .less : .greater, v, best).truth() { best = v }
            return best
        case .sum:
            return try Operators.iterate(try one()).reduce(PyValue.int(0)) { try Operators.binary(.add, $0, $1) }
        case .enumerate: return .list(try Operators.iterate(try one()).enumerated().map { .tuple([.int($0.offset), $0.element]) })
        case .zip:
            let lists = try args.map(Operators.iterate)
            let n = lists.map(\.count).min() ?? 0
            return .list((0 ..< n).map { i in .tuple(lists.map { $0[i] }) })
        case .list: return .list(try Operators.iterate(try one()))
        case .tuple: return .tuple(try Operators.iterate(try one()))
        case .print: return .none
        case .isinstance: throw InterpreterError("isinstance() is not supported")
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
