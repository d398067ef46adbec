/// A pasted method, `def forward(self, …)` or a helper it calls: parameter names (after `self`) with defaults, and
/// the body.
public struct ForwardMethod: Sendable {
    public var name: String = "forward"
    /// Parameters after `self`, with their default values when given (`h=None`).
    public var parameters: [(name: String, defaultValue: PyExpr?)]
    public var body: [PyStmt]
    /// 1-based line of `def`.
    public var line: Int
    /// Why a helper method outside ckpt's Python subset could not be parsed (raised if it is called).
    public var parseError: ModelFileError?
}

/// An expression of the forward-method subset of Python.
public indirect enum PyExpr: Sendable, Equatable {
    case name(String)
    case int(Int)
    case float(Double)
    case string(String)
    case bool(Bool)
    case none
    case ellipsis
    case tuple([PyExpr])
    case list([PyExpr])
    case attribute(PyExpr, String)
    /// A call with positional and keyword arguments.
    case call(PyExpr, [PyExpr], [PyKeyword])
    case indexing(PyExpr, [PySubscript])
    case binary(BinaryOperator, PyExpr, PyExpr)
    case unary(UnaryOperator, PyExpr)
    case compare(ComparisonOperator, PyExpr, PyExpr)
    /// `and` / `or`, which evaluate their right side only when needed.
    case boolean(BooleanOperator, PyExpr, PyExpr)
    /// `body if condition else orElse`
    case conditional(body: PyExpr, condition: PyExpr, orElse: PyExpr)
}

/// Python's arithmetic and bitwise operators, by their spelling.
public enum BinaryOperator: String, Sendable, CaseIterable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", floorDivide = "//", modulo = "%", matmul = "@", power = "**"
    case bitOr = "|", bitXor = "^", bitAnd = "&", leftShift = "<<", rightShift = ">>"
}

/// `-x`, `+x`, `~x`, `not x`.
public enum UnaryOperator: String, Sendable {
    case negate = "-", plus = "+", invert = "~", not
}

/// Python's comparisons.
public enum ComparisonOperator: String, Sendable {
    case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">=", equal = "==", notEqual = "!="
    case identical = "is", notIdentical = "is not", contained = "in", notContained = "not in"
}

/// `and`, `or`.
public enum BooleanOperator: String, Sendable {
    case and, or
}

/// A keyword argument `name=value`.
public struct PyKeyword: Sendable, Equatable {
    public var name: String
    public var value: PyExpr
}

/// One index of a subscript: `i`, `a:b:c`, `...`, or `None` (a new axis).
public enum PySubscript: Sendable, Equatable {
    case index(PyExpr)
    case slice(PyExpr?, PyExpr?, PyExpr?)
}

/// An assignment target: a name, a tuple of targets (`out, (h, c)`), an attribute or a subscript.
public indirect enum PyTarget: Sendable, Equatable {
    case name(String)
    case tuple([PyTarget])
    case attribute(PyExpr, String)
    case indexing(PyExpr, [PySubscript])
}

/// A statement, with its 1-based line.
public struct PyStmt: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case assign([PyTarget], PyExpr)
        case augmentedAssign(PyTarget, BinaryOperator, PyExpr)
        case expression(PyExpr)
        case returnValue(PyExpr?)
        case forLoop(PyTarget, PyExpr, [PyStmt])
        /// `if`/`elif` branches in order, then the `else` body (empty when absent).
        case conditional([(PyExpr, [PyStmt])], [PyStmt])
        case assert(PyExpr)
        case pass

        public static func == (a: Kind, b: Kind) -> Bool {
            switch (a, b) {
            case let (.assign(t1, e1), .assign(t2, e2)): return t1 == t2 && e1 == e2
            case let (.augmentedAssign(t1, o1, e1), .augmentedAssign(t2, o2, e2)): return t1 == t2 && o1 == o2 && e1 == e2
            case let (.expression(e1), .expression(e2)): return e1 == e2
            case let (.returnValue(e1), .returnValue(e2)): return e1 == e2
            case let (.forLoop(t1, e1, b1), .forLoop(t2, e2, b2)): return t1 == t2 && e1 == e2 && b1 == b2
            case let (.conditional(c1, e1), .conditional(c2, e2)):
                return e1 == e2 && c1.count == c2.count && zip(c1, c2).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
            case let (.assert(e1), .assert(e2)): return e1 == e2
            case (.pass, .pass): return true
            default: return false
            }
        }
    }
    public var kind: Kind
    public var line: Int
}
