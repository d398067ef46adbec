import CkptCore
import CkptTensor

extension Functions {
    /// The functions attention masks are built with: `torch.triu`/`tril`, `torch.full`, `masked_fill`, `expand`, `.bool()`.
    static let masks: [Function] = [
        ["triu", "tril"].map { name in Function(name, "input, diagonal=0") { a in
            let x = try a.tensor("input"), d = try a.int("diagonal")
            return .tensor(name == "triu" ? try x.triu(diagonal: d) : try x.tril(diagonal: d))
        } },
        [Function("full", "size, fill_value, dtype=None, device=None, requires_grad=False") { a in
            let value = a.value("fill_value")
            let shape = try creationShape(try a.ints("size"), "full")
            if case .bool(let b) = value { return .tensor(Tensor.full(shape, b ? 1 : 0, dtype: .bool)) }
            return .tensor(Tensor.full(shape, Float(try Operators.number(value))))
        }],
        [Function("masked_fill", "input, mask, value") { a in
            return .tensor(try a.tensor("input").maskedFill(try a.tensor("mask"), Float(try a.double("value"))))
        }],
        ["expand", "expand_as"].map { name in Function(name, name == "expand" ? "input, *size" : "input, other") { a in
            let x = try a.tensor("input")
            let sizes = name == "expand" ? try a.sizes(first: nil) : try a.tensor("other").shape
            let target = zip(sizes.reversed(), (x.shape.reversed() + Array(repeating: 1, count: max(0, sizes.count - x.rank))))
                .map { $0 == -1 ? $1 : $0 }.reversed()
            return .tensor(try x.expand(try creationShape(Array(target), name)))
        } },
        [Function("bool", "input") { a in
            .tensor(try a.tensor("input").to(.bool))
        }],
    ].flatMap { $0 }
}
