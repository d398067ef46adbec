import CkptNN
import CkptTensor

/// Python operators over interpreter values: numbers with numbers, tensors with tensors or numbers.
enum Operators {
    static func number(_ v: PyValue) throws -> Double {
        switch v {
        case .int(let i): return Double(i)
        case .float(let f): return f
        case .bool(let b): return b ? 1 : 0
        case .tensor(let t) where t.numel == 1: return Double(try t.item())
        default: throw InterpreterError("expected a number, got \(v.typeName)")
        }
    }

    /// A 64-bit integer result, or the error Python would not give (its ints are unbounded) but ckpt must.
    static func checked(_ r: (partialValue: Int, overflow: Bool)) throws -> Int {
        guard !r.overflow else { throw InterpreterError("integer arithmetic overflows ckpt's 64-bit range") }
        return r.partialValue
    }

    /// `int(v)` of a float: truncated, and an error (not a trap) for inf, NaN and values beyond 64 bits.
    static func exactInt(_ d: Double) throws -> Int {
        guard d.isFinite, d > -9.2e18, d < 9.2e18 else { throw InterpreterError("cannot convert \(d) to an integer") }
        return Int(d)
    }

    static func int(_ v: PyValue) throws -> Int {
        switch v {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        case .tensor(let t) where t.numel == 1 && t.dtype != .float32: return try exactInt(Double(try t.item()))
        default: throw InterpreterError("expected an integer, got \(v.typeName)")
        }
    }

    /// The items of a tuple, list, module container (its children) or 1-d-or-more tensor (its rows).
    static func iterate(_ v: PyValue) throws -> [PyValue] {
        switch v {
        case .tuple(let items), .list(let items): return items
        case .module(let m): return m.namedChildren().map { .module($0.1) }
        case .tensor(let t):
            guard t.rank > 0 else { throw InterpreterError("iteration over a 0-d tensor") }
            return try (0 ..< t.shape[0]).map { .tensor(try t.select(dim: 0, index: $0)) }
        default: throw InterpreterError("'\(v.typeName)' object is not iterable")
        }
    }

    static func binary(_ op: BinaryOperator, _ a: PyValue, _ b: PyValue) throws -> PyValue {
        switch (a, b) {
        case (.tensor(let x), .tensor(let y)): return .tensor(try tensorOp(op, x, y))
        case (.tensor(let x), _): return .tensor(try tensorOp(op, x, scalar(b, like: x)))
        case (_, .tensor(let y)): return .tensor(try tensorOp(op, scalar(a, like: y), y))
        case (.tuple(let x), .tuple(let y)) where op == .add: return .tuple(x + y)
        case (.list(let x), .list(let y)) where op == .add: return .list(x + y)
        case (.string(let x), .string(let y)) where op == .add: return .string(x + y)
        default: break
        }
        if case .int(let x) = a, case .int(let y) = b {
            switch op {
            case .add: return .int(try checked(x.addingReportingOverflow(y)))
            case .subtract: return .int(try checked(x.subtractingReportingOverflow(y)))
            case .multiply: return .int(try checked(x.multipliedReportingOverflow(by: y)))
            case .floorDivide:
                guard y != 0 else { throw InterpreterError("integer division by zero") }
                let q = try checked(x.dividedReportingOverflow(by: y))  // truncated; Python floors
                return .int(x % y != 0 && (x < 0) != (y < 0) ? q - 1 : q)
            case .modulo: guard y != 0 else { throw InterpreterError("integer modulo by zero") }; return .int(((x % y) + y) % y)
            case .power where y >= 0:
                var result = 1
                for _ in 0 ..< min(y, 64) { result = try checked(result.multipliedReportingOverflow(by: x)) }
                if y > 64, abs(x) > 1 { throw InterpreterError("integer \(x) ** \(y) is out of ckpt's 64-bit range") }
                return .int(y > 64 && x == -1 && y % 2 == 0 ? 1 : result)
            default: break
            }
        }
        let x = try number(a), y = try number(b)
        switch op {
        case .add: return .float(x + y)
        case .subtract: return .float(x - y)
        case .multiply: return .float(x * y)
        case .divide: return .float(x / y)
        case .floorDivide: return .float((x / y).rounded(.down))
        case .modulo: return .float(x - y * (x / y).rounded(.down))
        case .power: return .float(pow(x, y))
        default: throw InterpreterError("unsupported operand types for \(op.rawValue): '\(a.typeName)' and '\(b.typeName)'")
        }
    }

    private static func scalar(_ v: PyValue, like t: Tensor) throws -> Tensor {
        Tensor(scalar: Float(try number(v)))
    }

    private static func tensorOp(_ op: BinaryOperator, _ x: Tensor, _ y: Tensor) throws -> Tensor {
        switch op {
        case .add: return try x + y
        case .subtract: return try x - y
        case .multiply: return try x * y
        case .divide: return try x / y
        case .matmul: return try x.matmul(y)
        case .power: return try x.pow(y)
        default: throw InterpreterError("operator \(op.rawValue) is not supported on tensors")
        }
    }

    static func unary(_ op: UnaryOperator, _ a: PyValue) throws -> PyValue {
        switch (op, a) {
        case (.not, _): return .bool(!(try a.truth()))
        case (.negate, .tensor(let t)): return .tensor(t.negated())
        case (.plus, .tensor): return a
        case (.negate, .int(let i)): return .int(try checked((0).subtractingReportingOverflow(i)))
        case (.plus, .int), (.plus, .float): return a
        case (.negate, _): return .float(-(try number(a)))
        default: throw InterpreterError("bad operand type for unary \(op.rawValue): '\(a.typeName)'")
        }
    }

    static func compare(_ op: ComparisonOperator, _ a: PyValue, _ b: PyValue) throws -> PyValue {
        if op == .identical || op == .notIdentical {
            let same: Bool
            switch (a, b) {
            case (.none, .none): same = true
            case (.none, _), (_, .none): same = false
            case (.tensor(let x), .tensor(let y)): same = x === y
            case (.module(let x), .module(let y)): same = x === y
            case (.bool(let x), .bool(let y)): same = x == y
            default: same = false
            }
            return .bool(op == .identical ? same : !same)
        }
        if op == .contained || op == .notContained {
            let items = try iterate(b)
            let found = try items.contains { try compare(.equal, a, $0).truth() }
            return .bool(op == .contained ? found : !found)
        }
        if case .tensor(let x) = a {
            let y: Tensor
            if case .tensor(let t) = b { y = t } else { y = Tensor(scalar: Float(try number(b))) }
            switch op {
            case .less: return .tensor(try x.lt(y))
            case .lessOrEqual: return .tensor(try x.le(y))
            case .greater: return .tensor(try x.gt(y))
            case .greaterOrEqual: return .tensor(try x.ge(y))
            case .equal: return .tensor(try x.eq(y))
            case .notEqual: return .tensor(try x.ne(y))
            default: break
            }
        }
        if case .string(let x) = a, case .string(let y) = b {
            return .bool(op == .equal ? x == y : op == .notEqual ? x != y : false)
        }
        if op == .equal || op == .notEqual {
            switch (a, b) {
            case (.tuple(let x), .tuple(let y)), (.list(let x), .list(let y)):
                let equal = try x.count == y.count && zip(x, y).allSatisfy { try compare(.equal, $0, $1).truth() }
                return .bool(op == .equal ? equal : !equal)
            default: break
            }
        }
        let x = try number(a), y = try number(b)
        switch op {
        case .less: return .bool(x < y)
        case .lessOrEqual: return .bool(x <= y)
        case .greater: return .bool(x > y)
        case .greaterOrEqual: return .bool(x >= y)
        case .equal: return .bool(x == y)
        case .notEqual: return .bool(x != y)
        default: throw InterpreterError("unsupported comparison \(op.rawValue)")
        }
    }
}

import Foundation
