import CkptCore
import CkptNN

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
    public var args: [ArgumentValue]
    /// Keyword arguments in printed order.
    public var kwargs: [(name: String, value: ArgumentValue)]
    /// Whether the module printed a body of children (`Net(` … `)`): then it is a container, whatever its name.
    public var isContainer: Bool
    /// 1-based line of the class name.
    public var line: Int
    /// 1-based line of a container's closing `)`; the class name's line for a module printed on one line.
    public var endLine: Int

    /// Children, parameters, buffers and ties, in printed (registration) order.
    public var children: [ChildSpec] { didSet { moduleCount = ModuleSpec.count(children) } }

    /// This module and every module, parameter, buffer and tie line under it, each copy of a folded run counted:
    /// what building it makes (a folded `ParameterList` of a thousand parameters counts a thousand per copy).
    public private(set) var moduleCount = 1

    /// 1 plus the children's counts (saturating): a module child its own count, any other child 1.
    static func count(_ children: [ChildSpec]) -> Int {
        children.reduce(1) { total, child in
            guard case .module(let m) = child.entry else { return total == .max ? total : total + 1 }
            let (sum, overflow) = total.addingReportingOverflow(m.moduleCount)
            return overflow ? .max : sum
        }
    }

    public init(className: String, args: [ArgumentValue] = [], kwargs: [(name: String, value: ArgumentValue)] = [],
                isContainer: Bool = false, children: [ChildSpec] = [], line: Int) {
        self.className = className; self.args = args; self.kwargs = kwargs
        self.isContainer = isContainer; self.children = children; self.line = line; endLine = line
        moduleCount = ModuleSpec.count(children)
    }

    /// The keyword argument `name`, if printed.
    public func kwarg(_ name: String) -> ArgumentValue? { kwargs.first { $0.name == name }?.value }
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

/// A model file that does not parse: the 1-based line and column, and what is wrong.
public struct ModelFileError: Error, CustomStringConvertible, Sendable, Equatable {
    public var line: Int
    public var column: Int
    public var message: String
    public init(line: Int, column: Int = 1, _ message: String) { self.line = line; self.column = column; self.message = message }
    public var description: String { "line \(line), column \(column): \(message)" }
}
