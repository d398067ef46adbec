import CkptTensor

/// The gate arithmetic shared by the recurrent layers and their cells (PyTorch's gate order: LSTM i, f, g, o;
/// GRU r, z, n).
public enum RecurrentMode: String, Sendable {
    case rnnTanh = "RNN_TANH", rnnRelu = "RNN_RELU", lstm = "LSTM", gru = "GRU"

    var gates: Int { switch self { case .lstm: return 4; case .gru: return 3; default: return 1 } }

    /// The fused inference kernel's cell for this mode.
    var kernelCell: RecurrentKernel.Cell {
        switch self { case .rnnTanh: return .rnnTanh; case .rnnRelu: return .rnnRelu; case .lstm: return .lstm; case .gru: return .gru }
    }

    /// One step: `xProj = x W_ihᵀ + b_ih` (precomputed), hidden `h` (and cell `c` for LSTM).
    func step(xProj: Tensor, h: Tensor, c: Tensor?, wHH: Tensor, bHH: Tensor?) throws -> (h: Tensor, c: Tensor?) {
        let hProj = try h.linear(weight: wHH, bias: bHH)
        switch self {
        // PyTorch adds the input projection onto the hidden one (`linear_hh(h).add_(input)`): the same graph.
        case .rnnTanh: return (try (hProj + xProj).tanh(), nil)
        case .rnnRelu: return (try (hProj + xProj).relu(), nil)
        case .lstm:
            // The gate arithmetic as fused nodes (CkptTensor's lstmCell / gruCell), as the inference kernel fuses it.
            guard let c else { throw NNError.invalidArgument("LSTM step without a cell state") }
            let next = try Tensor.lstmCell(gates: try xProj + hProj, c: c)
            return (next.h, next.c)
        case .gru:
            return (try Tensor.gruCell(inputGates: xProj, hiddenGates: hProj, h: h), nil)
        }
    }
}

/// `nn.RNN`, `nn.LSTM`, `nn.GRU`: `(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
/// bidirectional=False)`, parameters `weight_ih_l{k}[_reverse]`, `weight_hh_l{k}`, `bias_ih_l{k}`, `bias_hh_l{k}`.
public final class RecurrentLayer: Module {
    public static let schemas: [RecurrentMode: LayerSchema] = Dictionary(uniqueKeysWithValues: [RecurrentMode.rnnTanh, .lstm, .gru].map { mode in
        let name = mode == .rnnTanh ? "RNN" : mode.rawValue
        return (mode, LayerSchema(name, "input_size, hidden_size, num_layers=1, " + (mode == .rnnTanh ? "nonlinearity='tanh', " : "")
                                  + "bias=True, batch_first=False, dropout=0.0, bidirectional=False" + (mode == .lstm ? ", proj_size=0" : "")
                                  + ", device=None, dtype=None",
                                  repr: "{input_size}, {hidden_size}[, num_layers={num_layers}][, bias={bias}][, batch_first={batch_first}]"
                                  + "[, dropout={dropout}][, bidirectional={bidirectional}]", attributes: { (m: RecurrentLayer) in
            ["input_size": m.inputSize, "hidden_size": m.hiddenSize, "num_layers": m.numLayers, "bias": m.bias, "batch_first": m.batchFirst,
             "dropout": m.dropout, "bidirectional": m.bidirectional]
        }) { a in
            if mode == .lstm, try a["proj_size"] as Int != 0 { throw NNError.notImplemented("LSTM(proj_size=…) is not implemented") }
            let relu = mode == .rnnTanh ? try a["nonlinearity"] as String == "relu" : false
            return try RecurrentLayer(mode: relu ? .rnnRelu : mode, try a["input_size"], try a["hidden_size"], numLayers: try a["num_layers"],
                                      bias: try a["bias"], batchFirst: try a["batch_first"], dropout: try a["dropout"],
                                      bidirectional: try a["bidirectional"])
        })
    })
    public override var schema: LayerSchema? { RecurrentLayer.schemas[mode == .rnnRelu ? .rnnTanh : mode] }

    public let mode: RecurrentMode
    public let inputSize: Int
    public let hiddenSize: Int
    public let numLayers: Int
    public let bias: Bool
    public let batchFirst: Bool
    public let dropout: Double
    public let bidirectional: Bool

    public init(mode: RecurrentMode, _ inputSize: Int, _ hiddenSize: Int, numLayers: Int = 1, bias: Bool = true,
                batchFirst: Bool = false, dropout: Double = 0, bidirectional: Bool = false) throws {
        guard numLayers >= 1, hiddenSize >= 1 else { throw NNError.invalidArgument("num_layers and hidden_size must be positive") }
        self.mode = mode; self.inputSize = inputSize; self.hiddenSize = hiddenSize; self.numLayers = numLayers
        self.bias = bias; self.batchFirst = batchFirst; self.dropout = dropout; self.bidirectional = bidirectional
        super.init()
        let bound = Float(1 / Double(hiddenSize).squareRoot())
        let g = mode.gates * hiddenSize
        for layer in 0 ..< numLayers {
            for suffix in bidirectional ? ["", "_reverse"] : [""] {
                let inSize = layer == 0 ? inputSize : hiddenSize * (bidirectional ? 2 : 1)
                registerParameter("weight_ih_l\(layer)\(suffix)", Tensor.uniform([g, inSize], low: -bound, high: bound))
                registerParameter("weight_hh_l\(layer)\(suffix)", Tensor.uniform([g, hiddenSize], low: -bound, high: bound))
                if bias {
                    registerParameter("bias_ih_l\(layer)\(suffix)", Tensor.uniform([g], low: -bound, high: bound))
                    registerParameter("bias_hh_l\(layer)\(suffix)", Tensor.uniform([g], low: -bound, high: bound))
                }
            }
        }
    }

    private func weights(_ layer: Int, _ suffix: String) throws -> (Tensor, Tensor, Tensor?, Tensor?) {
        guard let wih = parameter("weight_ih_l\(layer)\(suffix)"), let whh = parameter("weight_hh_l\(layer)\(suffix)") else {
            throw NNError.invalidArgument("\(typeName) is missing weights for layer \(layer)")
        }
        return (wih, whh, parameter("bias_ih_l\(layer)\(suffix)"), parameter("bias_hh_l\(layer)\(suffix)"))
    }

    /// `output, h_n` (RNN, GRU) or `output, (h_n, c_n)` (LSTM), for input `(L, N, H_in)` (`(N, L, H_in)` with
    /// batch_first, `(L, H_in)` unbatched) and optional initial states.
    public override var forwardParameterNames: [String] { ["input", "hx"] }

    public override func forward(_ args: [ModuleValue]) throws -> ModuleValue {
        guard (1 ... 2).contains(args.count) else { throw NNError.invalidArgument("\(typeName).forward() takes an input and an optional state") }
        var x = try args[0].asTensor("\(typeName) input")
        let unbatched = x.rank == 2
        guard x.rank == 3 || unbatched, x.shape.last == inputSize else {
            throw NNError.invalidArgument("\(typeName): input must have shape (L, N, \(inputSize)) or (L, \(inputSize)), got \(x.shape)")
        }
        if unbatched { x = try x.unsqueeze(1) } else if batchFirst { x = try x.transpose(0, 1) }
        let batch = x.shape[1]
        let dirs = bidirectional ? 2 : 1
        var h0: Tensor?, c0: Tensor?
        if args.count == 2, !args[1].isNone {
            if mode == .lstm {
                guard case .tuple(let hc) = args[1], hc.count == 2 else { throw NNError.invalidArgument("LSTM expects the state (h_0, c_0)") }
                h0 = try hc[0].asOptionalTensor("h_0"); c0 = try hc[1].asOptionalTensor("c_0")
            } else {
                h0 = try args[1].asOptionalTensor("h_0")
            }
            if unbatched { h0 = try h0?.unsqueeze(1); c0 = try c0?.unsqueeze(1) }
        }
        let stateShape = [numLayers * dirs, batch, hiddenSize]
        for s in [h0, c0] { if let s, s.shape != stateShape { throw NNError.invalidArgument("Expected hidden size \(stateShape), got \(s.shape)") } }
        var layerInput = x
        var hN: [Tensor] = [], cN: [Tensor] = []
        // Without a graph to record, each layer and direction runs as one fused kernel call; LSTM does with one too,
        // recorded as one node per layer and direction (PyTorch's CPU LSTM). GRU and RNN record their steps and take
        // the states and the input projection apart with `unbind`, as PyTorch's CPU path does.
        let fused = mode == .lstm || !Tensor.isGradEnabled
            || !([x, h0].contains { $0?.requiresGrad == true } || parameters().contains { $0.requiresGrad })
        let h0s = try fused ? nil : h0?.unbind(dim: 0)
        for layer in 0 ..< numLayers {
            var directionOutputs: [Tensor] = []
            for d in 0 ..< dirs {
                let (wih, whh, bih, bhh) = try weights(layer, d == 0 ? "" : "_reverse")
                let index = layer * dirs + d
                let r = fused
                    ? try runFused(layerInput, wih, whh, bih, bhh, h0: try h0?.select(dim: 0, index: index),
                                   c0: try c0?.select(dim: 0, index: index), reverse: d == 1)
                    : try runSteps(layerInput, wih, whh, bih, bhh, h0: h0s?[index], reverse: d == 1)
                directionOutputs.append(r.output)
                hN.append(r.h)
                if let c = r.c { cN.append(c) }
            }
            layerInput = dirs == 1 ? directionOutputs[0] : try Tensor.cat(directionOutputs, dim: 2)
            if layer < numLayers - 1, dropout > 0, training { layerInput = try layerInput.dropout(p: Float(dropout), training: true) }
        }
        var output = layerInput
        var hs = try Tensor.stack(hN, dim: 0), cs = mode == .lstm ? try Tensor.stack(cN, dim: 0) : nil
        if unbatched { output = try output.squeeze(1); hs = try hs.squeeze(1); cs = try cs?.squeeze(1) }
        else if batchFirst { output = try output.transpose(0, 1) }
        if let cs { return .tuple([.tensor(output), .tuple([.tensor(hs), .tensor(cs)])]) }
        return .tuple([.tensor(output), .tensor(hs)])
    }
}

extension RecurrentLayer {
    /// One layer and direction through `RecurrentKernel`: output `[L, N, H]`, last `h` and `c`. Records no graph but
    /// for LSTM (`Tensor.lstmLayer`: one node when an input requires grad).
    func runFused(_ input: Tensor, _ wih: Tensor, _ whh: Tensor, _ bih: Tensor?, _ bhh: Tensor?, h0: Tensor?, c0: Tensor?,
                  reverse: Bool) throws -> (output: Tensor, h: Tensor, c: Tensor?) {
        let inSize = input.shape[2], g = mode.gates * hiddenSize
        // The kernel reads raw buffers, so every shape is checked here (a loaded state dict may not match).
        guard wih.shape == [g, inSize], whh.shape == [g, hiddenSize], bih.map({ $0.shape == [g] }) ?? true,
              bhh.map({ $0.shape == [g] }) ?? true else {
            throw NNError.invalidArgument("\(typeName): weights \(wih.shape), \(whh.shape) do not fit input size \(inSize) and hidden size \(hiddenSize)")
        }
        if mode == .lstm {
            let r = try Tensor.lstmLayer(input: input, weightIH: wih, weightHH: whh, biasIH: bih, biasHH: bhh, h0: h0, c0: c0, reverse: reverse)
            return (r.output, r.h, r.c)
        }
        return try RecurrentKernel.run(mode.kernelCell, input: input, weightIH: wih, weightHH: whh, biasIH: bih, biasHH: bhh,
                                       h0: h0, c0: c0, reverse: reverse)
    }

    /// One layer and direction of GRU or RNN as recorded steps (input projection, `unbind`, then per step the hidden
    /// projection and the cell): output `[L, N, H]` and last `h`.
    func runSteps(_ input: Tensor, _ wih: Tensor, _ whh: Tensor, _ bih: Tensor?, _ bhh: Tensor?, h0: Tensor?,
                  reverse: Bool) throws -> (output: Tensor, h: Tensor, c: Tensor?) {
        let (steps, batch) = (input.shape[0], input.shape[1])
        let proj = try input.linear(weight: wih, bias: bih).unbind(dim: 0)
        var h = h0 ?? Tensor.zeros([batch, hiddenSize])
        var outputs = [Tensor?](repeating: nil, count: steps)
        for t in reverse ? Array((0 ..< steps).reversed()) : Array(0 ..< steps) {
            h = try mode.step(xProj: proj[t], h: h, c: nil, wHH: whh, bHH: bhh).h
            outputs[t] = h
        }
        return (try Tensor.stack(outputs.compactMap { $0 }, dim: 0), h, nil)
    }
}

/// `nn.RNNCell`, `nn.LSTMCell`, `nn.GRUCell`: one step; parameters `weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`.
public final class RecurrentCell: Module {
    public static let schemas: [RecurrentMode: LayerSchema] = Dictionary(uniqueKeysWithValues: [RecurrentMode.rnnTanh, .lstm, .gru].map { mode in
        let name = (mode == .rnnTanh ? "RNN" : mode.rawValue) + "Cell"
        return (mode, LayerSchema(name, "input_size, hidden_size, bias=True" + (mode == .rnnTanh ? ", nonlinearity='tanh'" : "") + ", device=None, dtype=None",
                                  repr: "{input_size}, {hidden_size}[, bias={bias}][, nonlinearity={nonlinearity}]", attributes: { (m: RecurrentCell) in
            ["input_size": m.inputSize, "hidden_size": m.hiddenSize, "bias": m.bias, "nonlinearity": m.mode == .rnnRelu ? "relu" : (m.mode == .rnnTanh ? "tanh" : String?.none)]
        }) { a in
            let relu = mode == .rnnTanh ? try a["nonlinearity"] as String == "relu" : false
            return RecurrentCell(mode: relu ? .rnnRelu : mode, try a["input_size"], try a["hidden_size"], bias: try a["bias"])
        })
    })
    public override var schema: LayerSchema? { RecurrentCell.schemas[mode == .rnnRelu ? .rnnTanh : mode] }

    public let mode: RecurrentMode
    public let inputSize: Int
    public let hiddenSize: Int
    public let bias: Bool

    public init(mode: RecurrentMode, _ inputSize: Int, _ hiddenSize: Int, bias: Bool = true) {
        self.mode = mode; self.inputSize = inputSize; self.hiddenSize = hiddenSize; self.bias = bias
        super.init()
        let bound = Float(1 / Double(hiddenSize).squareRoot())
        let g = mode.gates * hiddenSize
        registerParameter("weight_ih", Tensor.uniform([g, inputSize], low: -bound, high: bound))
        registerParameter("weight_hh", Tensor.uniform([g, hiddenSize], low: -bound, high: bound))
        registerParameter("bias_ih", bias ? Tensor.uniform([g], low: -bound, high: bound) : nil)
        registerParameter("bias_hh", bias ? Tensor.uniform([g], low: -bound, high: bound) : nil)
    }

    /// `h'` (RNNCell, GRUCell) or `(h', c')` (LSTMCell) for input `(N, H_in)` or `(H_in)`.
    public override var forwardParameterNames: [String] { ["input", "hx"] }

    public override func forward(_ args: [ModuleValue]) throws -> ModuleValue {
        guard (1 ... 2).contains(args.count), let wih = parameter("weight_ih"), let whh = parameter("weight_hh") else {
            throw NNError.invalidArgument("\(typeName).forward() takes an input and an optional state")
        }
        var x = try args[0].asTensor("\(typeName) input")
        let unbatched = x.rank == 1
        if unbatched { x = try x.unsqueeze(0) }
        let batch = x.shape[0]
        var h = Tensor.zeros([batch, hiddenSize]), c: Tensor? = mode == .lstm ? Tensor.zeros([batch, hiddenSize]) : nil
        if args.count == 2 {
            if mode == .lstm, case .tuple(let hc) = args[1], hc.count == 2 {
                h = try hc[0].asTensor("h_0"); c = try hc[1].asTensor("c_0")
            } else if let given = try args[1].asOptionalTensor("h_0") { h = given }
            if unbatched { h = try h.unsqueeze(0); c = try c?.unsqueeze(0) }
        }
        var (h2, c2) = try mode.step(xProj: try x.linear(weight: wih, bias: parameter("bias_ih")), h: h, c: c, wHH: whh, bHH: parameter("bias_hh"))
        if unbatched { h2 = try h2.squeeze(0); c2 = try c2?.squeeze(0) }
        if let c2 { return .tuple([.tensor(h2), .tensor(c2)]) }
        return .tensor(h2)
    }
}

extension LayerSchema {
    /// The recurrent layers and cells.
    static let recurrent: [LayerSchema] = RecurrentLayer.schemas.values.sorted { $0.name < $1.name } + RecurrentCell.schemas.values.sorted { $0.name < $1.name }
}
