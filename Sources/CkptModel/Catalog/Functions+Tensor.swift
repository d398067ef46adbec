import CkptTensor

extension Functions {
    /// Elementwise math, conversions, linear algebra and shape functions (`torch.exp`, `x.view`, `torch.cat`, …).
    static let tensor: [Function] = {
        func unary(_ name: String, _ f: @escaping (Tensor) throws -> Tensor) -> Function {
            Function(name, "input") { a in .tensor(try f(try a.tensor("input"))) }
        }
        let same = Function("contiguous", "input, *unused") { a in .tensor(try a.tensor("input")) }
        let view = Function("view", "input, *shape") { a in .tensor(try a.tensor("input").reshape(try a.sizes(first: nil))) }
        let matmul = Function("matmul", "input, other") { a in .tensor(try a.tensor("input").matmul(try a.tensor("other"))) }
        let clamp = Function("clamp", "input, min=None, max=None") { a in
            .tensor(try a.tensor("input").clamp(min: try a.optionalDouble("min").map(Float.init), max: try a.optionalDouble("max").map(Float.init)))
        }
        let transpose = Function("transpose", "input, dim0, dim1") { a in
            .tensor(try a.tensor("input").transpose(try a.int("dim0"), try a.int("dim1")))
        }
        let long = Function("long", "input") { a in .tensor(try a.tensor("input").to(.int64)) }
        var functions = [
            unary("exp") { $0.exp() }, unary("log") { $0.log() }, unary("sqrt") { $0.sqrt() }, unary("abs") { $0.abs() },
            unary("neg") { $0.negated() }, unary("rsqrt") { $0.rsqrt() }, unary("t") { try $0.t() },
            same, same.named("cpu"),
            Function("float", "input, *unused") { a in .tensor(try a.tensor("input").to(.float32)) },
            Function("clone", "input, *unused") { a in .tensor(try a.tensor("input").clone()) },
            Function("detach", "input, *unused") { a in .tensor(try a.tensor("input").detach()) },
            long, long.named("int"),
            Function("dropout", "input, p=0.5, training=True, inplace=False") { a in
                .tensor(try a.tensor("input").dropout(p: Float(try a.double("p")), training: try a.bool("training")))
            },
            Function("linear", "input, weight, bias=None") { a in
                .tensor(try a.tensor("input").linear(weight: try a.tensor("weight"), bias: try a.optionalTensor("bias")))
            },
            matmul, matmul.named("mm"), matmul.named("bmm"),
            clamp, clamp.named("clip"),
            view, view.named("reshape"),
            Function("flatten", "input, start_dim=0, end_dim=-1") { a in
                .tensor(try a.tensor("input").flatten(startDim: try a.int("start_dim"), endDim: try a.int("end_dim")))
            },
            Function("unsqueeze", "input, dim") { a in .tensor(try a.tensor("input").unsqueeze(try a.int("dim"))) },
            Function("squeeze", "input, dim=None") { a in
                let x = try a.tensor("input")
                return .tensor(try a.optionalInt("dim").map { try x.squeeze($0) } ?? x.squeeze())
            },
            Function("permute", "input, *dims") { a in .tensor(try a.tensor("input").permute(try a.sizes(first: nil))) },
            transpose, transpose.named("swapaxes"),
            Function("size", "input, dim=None") { a in
                let x = try a.tensor("input")
                if let d = try a.optionalInt("dim") { return .int(try x.size(d)) }
                return .tuple(x.shape.map { .int($0) })
            },
            Function("dim", "input") { a in .int(try a.tensor("input").rank) },
            Function("numel", "input") { a in .int(try a.tensor("input").numel) },
            Function("item", "input") { a in .float(Double(try a.tensor("input").item())) },
            Function("zeros_like", "input, dtype=None") { a in .tensor(Tensor.zeros(like: try a.tensor("input"))) },
            Function("ones_like", "input, dtype=None") { a in .tensor(Tensor.ones(like: try a.tensor("input"))) },
            Function("zeros", "*size, dtype=None, device=None, requires_grad=False") { a in
                .tensor(Tensor.zeros(try creationShape(try a.sizes(first: nil), "zeros")))
            },
            Function("ones", "*size, dtype=None, device=None, requires_grad=False") { a in
                .tensor(Tensor.ones(try creationShape(try a.sizes(first: nil), "ones")))
            },
            Function("embedding", "input, weight, padding_idx=None") { a in
                .tensor(try Tensor.embedding(try a.tensor("input"), weight: try a.tensor("weight"), paddingIdx: try a.optionalInt("padding_idx")))
            },
        ]
        for (name, op) in [("add", BinaryOperator.add), ("sub", .subtract), ("mul", .multiply), ("div", .divide), ("pow", .power)] {
            functions.append(Function(name, "input, other") { a in try Operators.binary(op, a.value("input"), a.value("other")) })
        }
        return functions + joins
    }()

    /// Concatenating and splitting.
    static let joins: [Function] = {
        let cat = Function("cat", "tensors, dim=0") { a in .tensor(try Tensor.cat(try a.tensors("tensors"), dim: try a.int("dim"))) }
        return [
            cat, cat.named("concat"), cat.named("concatenate"),
            Function("stack", "tensors, dim=0") { a in .tensor(try Tensor.stack(try a.tensors("tensors"), dim: try a.int("dim"))) },
            Function("chunk", "input, chunks, dim=0") { a in
                .tuple(try a.tensor("input").chunk(try a.int("chunks"), dim: try a.int("dim")).map { .tensor($0) })
            },
            Function("split", "input, split_size_or_sections, dim=0") { a in
                let x = try a.tensor("input")
                if case .int(let size) = a.value("split_size_or_sections") { return .tuple(try x.split(size, dim: try a.int("dim")).map { .tensor($0) }) }
                return .tuple(try x.split(sizes: try a.ints("split_size_or_sections"), dim: try a.int("dim")).map { .tensor($0) })
            },
            Function("unbind", "input, dim=0") { a in .tuple(try a.tensor("input").unbind(dim: try a.int("dim")).map { .tensor($0) }) },
        ]
    }()

    /// Sums, means and extremes, over everything or along dims.
    static let reductions: [Function] = {
        func sumOrMean(_ name: String) -> Function {
            Function(name, "input, dim=None, keepdim=False, dtype=None") { a in
                let x = try a.tensor("input")
                guard let dims = try a.optionalInts("dim") else { return .tensor(name == "sum" ? x.sum() : x.mean()) }
                let keep = try a.bool("keepdim")
                return .tensor(name == "sum" ? try x.sum(dims: dims, keepdim: keep) : try x.mean(dims: dims, keepdim: keep))
            }
        }
        func extreme(_ name: String) -> Function {
            Function(name, "input, dim=None, keepdim=False") { a in
                let x = try a.tensor("input")
                if case .tensor(let other) = a.value("dim") {
                    return .tensor(try Tensor.where(try x.gt(other), name == "max" ? x : other, name == "max" ? other : x))
                }
                guard let dim = try a.optionalInt("dim") else { return .tensor(name == "max" ? try x.max() : try x.min()) }
                let r = name == "max" ? try x.max(dim: dim, keepdim: try a.bool("keepdim")) : try x.min(dim: dim, keepdim: try a.bool("keepdim"))
                return .tuple([.tensor(r.values), .tensor(r.indices)])
            }
        }
        func argExtreme(_ name: String) -> Function {
            Function(name, "input, dim=None, keepdim=False") { a in
                let x = try a.tensor("input"), dim = try a.optionalInt("dim"), keep = try a.bool("keepdim")
                return .tensor(name == "argmax" ? try x.argmax(dim: dim, keepdim: keep) : try x.argmin(dim: dim, keepdim: keep))
            }
        }
        let logsumexp = Function("logsumexp", "input, dim, keepdim=False") { a in
            .tensor(try a.tensor("input").logsumexp(dims: try a.ints("dim"), keepdim: try a.bool("keepdim")))
        }
        return [sumOrMean("sum"), sumOrMean("mean"), extreme("max"), extreme("min"), argExtreme("argmax"), argExtreme("argmin"), logsumexp]
    }()
}
