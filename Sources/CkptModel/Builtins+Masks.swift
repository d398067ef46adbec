import CkptCore
import CkptTensor

extension Builtins {
    /// The functions attention masks are built with: `torch.triu`/`tril`, `torch.full`, `masked_fill`, `expand`, `.bool()`.
    static func maskFunction(_ name: String, _ args: [PyValue], _ kw: [String: PyValue]) throws -> PyValue? {
        func bind(_ signature: [String]) throws -> CallArguments { try CallArguments(name, args, kw, signature) }
        switch name {
        case "triu", "tril":
            let a = try bind(["input", "diagonal=0"])
            let x = try a.tensor("input"), d = try a.int("diagonal")
            return .tensor(name == "triu" ? try x.triu(diagonal: d) : try x.tril(diagonal: d))
        case "full":
            let a = try bind(["size", "fill_value", "dtype=None", "device=None", "requires_grad=False"])
            let value = a.value("fill_value")
            let shape = try creationShape(try a.ints("size"), name)
            if case .bool(let b) = value { return .tensor(Tensor.full(shape, b ? 1 : 0, dtype: .bool)) }
            return .tensor(Tensor.full(shape, Float(try Operators.number(value))))
        case "masked_fill":
            let a = try bind(["input", "mask", "value"])
            return .tensor(try a.tensor("input").maskedFill(try a.tensor("mask"), Float(try a.double("value"))))
        case "expand", "expand_as":
            let a = try bind(name == "expand" ? ["input", "*size"] : ["input", "other"])
            let x = try a.tensor("input")
            let sizes = name == "expand" ? try a.sizes(first: nil) : try a.tensor("other").shape
            let target = zip(sizes.reversed(), (x.shape.reversed() + Array(repeating: 1, count: max(0, sizes.count - x.rank))))
                .map { $0 == -1 ? $1 : $0 }.reversed()
            return .tensor(try x.expand(try creationShape(Array(target), name)))
        case "bool":
            return .tensor(try bind(["input"]).tensor("input").to(.bool))
        default:
            return nil
        }
    }
}
