import CkptCore

/// A parsed model file: the module tree `print(model)` shows, with ckpt's additions, and an optional forward method.
public struct ModelFile: Sendable {
    /// The root module.
    public var root: ModuleSpec
    /// The root's pasted `def forward(self, ...)`, if any.
    public var forward: ForwardMethod?
    /// Every pasted method of the root (`forward` and the helpers it calls, such as `_forward_impl`), by name.
    public var rootMethods: [String: ForwardMethod] = [:]
    /// Methods of pasted `class Name(…):` blocks, by class name then method name: each module of that class runs
    /// its `forward`.
    public var classMethods: [String: [String: ForwardMethod]] = [:]

    public init(root: ModuleSpec, forward: ForwardMethod?) { self.root = root; self.forward = forward }

    /// Parses model-file text. Errors are `ModelFileError`s naming the line and column.
    public static func parse(_ text: String) throws -> ModelFile { var parser = ModelFileParser(text: text); return try parser.parse() }
}

/// One module line: `Conv2d(1, 6, kernel_size=(5, 5))` or a container `Net(` … `)`.
public struct ModuleSpec: Sendable {
    /// The class name as printed (`Linear`, `Net`, `BertLayer`).
    public var className: String
    /// Positional constructor arguments as printed.
    public var args: [ArgValue]
    /// Keyword arguments in printed order.
    public var kwargs: [(name: String, value: ArgValue)]
    /// Whether the module printed a body of children (`Net(` … `)`): then it is a container, whatever its name.
    public var isContainer: Bool
    /// Children, parameters, buffers and ties, in printed (registration) order.
    public var children: [ChildSpec]
    /// 1-based line of the class name.
    public var line: Int

    public init(className: String, args: [ArgValue] = [], kwargs: [(name: String, value: ArgValue)] = [],
                isContainer: Bool = false, children: [ChildSpec] = [], line: Int) {
        self.className = className; self.args = args; self.kwargs = kwargs
        self.isContainer = isContainer; self.children = children; self.line = line
    }

    /// The keyword argument `name`, if printed.
    public func kwarg(_ name: String) -> ArgValue? { kwargs.first { $0.name == name }?.value }
}

/// A `(name): …` line inside a module.
public struct ChildSpec: Sendable {
    public enum Entry: Sendable {
        /// A submodule.
        case module(ModuleSpec)
        /// `Parameter containing: [torch.float32 of size 3x4]` or `Parameter(3, 4)`.
        case parameter(shape: [Int], dtype: DType)
        /// `Buffer(3, 4)` or `Buffer(3, 4, dtype=torch.int64)`.
        case buffer(shape: [Int], dtype: DType)
        /// `(4): (2)` or `(head.weight): (embed.weight)`: the same object as the one at a dotted path relative to the
        /// enclosing module.
        case tie(String)
    }
    /// The child's name (`0`, `fc1`, `block 0`, or a dotted path for parameter ties).
    public var name: String
    public var entry: Entry
    /// 1-based line.
    public var line: Int

    public init(name: String, entry: Entry, line: Int) { self.name = name; self.entry = entry; self.line = line }
}

/// A constructor argument value as `repr` prints it.
public indirect enum ArgValue: Sendable, Equatable, CustomStringConvertible {
    case int(Int)
    case float(Double)
    case bool(Bool)
    case none
    case string(String)
    /// A dotted name such as `torch.float32`.
    case name(String)
    case tuple([ArgValue])

    public var description: String {
        switch self {
        case .int(let v): return String(v)
        case .float(let v): return String(v)
        case .bool(let v): return v ? "True" : "False"
        case .none: return "None"
        case .string(let s): return "'\(s)'"
        case .name(let n): return n
        case .tuple(let items): return "(" + items.map(\.description).joined(separator: ", ") + (items.count == 1 ? ",)" : ")")
        }
    }

    /// The value as an Int (ints only; `True`/`False` are not ints here).
    public var intValue: Int? { if case .int(let v) = self { return v } else { return nil } }
    /// The value as a Double (ints and floats).
    public var doubleValue: Double? {
        switch self { case .int(let v): return Double(v); case .float(let v): return v; default: return nil }
    }
    /// The value as a Bool.
    public var boolValue: Bool? { if case .bool(let v) = self { return v } else { return nil } }
    /// An int or a tuple of ints as a list (`5` → `[5]`, `(5, 5)` → `[5, 5]`).
    public var intList: [Int]? {
        switch self {
        case .int(let v): return [v]
        case .tuple(let items): let ints = items.compactMap(\.intValue); return ints.count == items.count ? ints : nil
        default: return nil
        }
    }
}

/// A model file that does not parse: the 1-based line and column, and what is wrong.
public struct ModelFileError: Error, CustomStringConvertible, Sendable, Equatable {
    public var line: Int
    public var column: Int
    public var message: String
    public init(line: Int, column: Int = 1, _ message: String) { self.line = line; self.column = column; self.message = message }
    public var description: String { "line \(line), column \(column): \(message)" }
}
