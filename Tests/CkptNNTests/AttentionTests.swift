import CkptNN
import CkptTensor
import CkptTestSupport
import Foundation
import Testing

/// MultiheadAttention (masks, unbatched, per-head weights), TransformerEncoderLayer (post-norm relu, pre-norm gelu)
/// and BatchNorm1d against PyTorch (`Fixtures/nn_attention/attention.json`, from `Fixtures/gen/nn_attention.py`):
/// repr, outputs, input gradients and every parameter's gradient after the same weighted-sum loss.
@Suite struct AttentionTests {
    static func golden(_ name: String) throws -> [String: Any] {
        let json = try Fixtures.json("nn_attention/attention.json")
        return try #require(json[name] as? [String: Any])
    }

    static func floats(_ v: Any?) throws -> [Float] { try #require(v as? [Double]).map(Float.init) }

    static func mask(_ g: [String: Any], _ key: String, shape: [Int]) throws -> Tensor {
        try Tensor(try floats(g[key]), shape: shape).to(.bool)
    }

    /// Loads the case's parameters into `m`, runs `run` on its inputs (requiring grad), backpropagates PyTorch's
    /// weighted sum of every output, and compares outputs and gradients; returns the inputs.
    @discardableResult
    static func check(_ name: String, _ m: Module, _ run: ([Tensor]) throws -> [Tensor?]) throws -> [Tensor] {
        let g = try golden(name)
        #expect(m.description == g["repr"] as? String, "\(name) repr")
        let params = try #require(g["params"] as? [String: Any])
        let state = m.stateDict()
        #expect(Set(state.keys) == Set(params.keys), "\(name) keys")
        for (key, t) in state {
            let values = try floats(params[key])
            try Tensor.noGrad { try t.copy_(try Tensor(values, shape: t.shape)) }
        }
        let shapes = try #require(g["shapes"] as? [[Int]])
        let inputs = try zip(try #require(g["inputs"] as? [Any]), shapes).map { try Tensor(try floats($0), shape: $1, requiresGrad: true) }
        let outputs = try run(inputs)
        let want = try #require(g["outputs"] as? [Any])
        let wantShapes = try #require(g["output_shapes"] as? [Any])
        #expect(outputs.count == want.count)
        var loss: Tensor?
        for (i, y) in outputs.enumerated() {
            guard let y else { #expect(want[i] is NSNull, "\(name) output \(i) is None only where PyTorch's is"); continue }
            #expect(y.shape == wantShapes[i] as? [Int], "\(name) output \(i) shape")
            expectClose(y.scalars, try floats(want[i]), "\(name) output \(i)")
            let term = try NormalizationParityTests.weighted(y, sin)
            loss = try loss.map { try $0 + term } ?? term
        }
        try #require(loss).backward()
        for (i, x) in inputs.enumerated() {
            expectClose(x.grad?.scalars, try floats((g["input_grads"] as? [Any])?[i]), "\(name) input grad \(i)")
        }
        let grads = try #require(g["grads"] as? [String: Any])
        for (key, p) in m.namedParameters() { expectClose(p.grad?.scalars, try floats(grads[key]), "\(name) grad \(key)") }
        return inputs
    }

    static func pair(_ v: ModuleValue) throws -> [Tensor?] {
        guard case .tuple(let items) = v, items.count == 2 else { throw NNError.invalidArgument("expected a pair") }
        return [try items[0].asTensor(), try items[1].asOptionalTensor()]
    }

    @Test func multiheadAttentionWithPaddingAndFloatMaskMatchesPyTorch() throws {
        let g = try Self.golden("mha_masks")
        let m = try MultiheadAttention(embedDim: 8, numHeads: 2, batchFirst: true)
        let padding = try Self.mask(g, "key_padding_mask", shape: [2, 5])
        let attnMask = try Tensor(try Self.floats(g["attn_mask"]), shape: [3, 5])
        try Self.check("mha_masks", m) { x in
            try Self.pair(try m.forward([.tensor(x[0]), .tensor(x[1]), .tensor(x[1]), .tensor(padding), .none, .tensor(attnMask), .bool(false)]))
        }
    }

    @Test func unbatchedAttentionWithBoolCausalMaskMatchesPyTorch() throws {
        let m = try MultiheadAttention(embedDim: 6, numHeads: 3)
        let causal = try Tensor.ones([4, 4]).triu(diagonal: 1).to(.bool)
        try Self.check("mha_unbatched_causal", m) { x in
            try Self.pair(try m.forward([.tensor(x[0]), .tensor(x[0]), .tensor(x[0]), .none, .none, .tensor(causal)]))
        }
        // need_weights=False gives (output, None); is_causal without a mask is PyTorch's error.
        let x = Tensor.ones([4, 6])
        #expect(try Self.pair(try m.forward([.tensor(x), .tensor(x), .tensor(x), .none, .bool(false)]))[1] == nil)
        #expect(throws: NNError.self) { try m.forward([.tensor(x), .tensor(x), .tensor(x), .none, .none, .none, .none, .bool(true)]) }
    }

    @Test(arguments: [("encoder_post_relu", false, TransformerEncoderLayer.Activation.relu),
                      ("encoder_pre_gelu", true, TransformerEncoderLayer.Activation.gelu)])
    func transformerEncoderLayerMatchesPyTorch(name: String, normFirst: Bool, activation: TransformerEncoderLayer.Activation) throws {
        let g = try Self.golden(name)
        let m = try TransformerEncoderLayer(dModel: 8, nhead: 2, dimFeedforward: 12, dropout: 0, activation: activation,
                                            batchFirst: true, normFirst: normFirst)
        #expect(m.stateDict().keys.joined(separator: " ") == "self_attn.in_proj_weight self_attn.in_proj_bias self_attn.out_proj.weight "
                + "self_attn.out_proj.bias linear1.weight linear1.bias linear2.weight linear2.bias norm1.weight norm1.bias norm2.weight norm2.bias")
        let padding = try Self.mask(g, "key_padding_mask", shape: [2, 4])
        try Self.check(name, m) { x in [try m.forward([.tensor(x[0]), .none, .tensor(padding)]).asTensor()] }
    }

    @Test func transformerEncoderRunsItsLayersThenNorm() throws {
        let encoder = try TransformerEncoder(numLayers: 2, norm: LayerNorm([8])) {
            try TransformerEncoderLayer(dModel: 8, nhead: 2, dimFeedforward: 16, dropout: 0)
        }
        encoder.eval()
        #expect(encoder.stateDict().keys.filter { $0.hasPrefix("layers.1.") }.count == 12)
        #expect(encoder.stateDict().keys.suffix(2).joined(separator: " ") == "norm.weight norm.bias")
        let x = Tensor.uniform([5, 2, 8], low: -1, high: 1)
        let layers = try #require(encoder["layers"])
        var want = x
        for i in 0 ..< 2 { want = try #require(layers[i]).call([.tensor(want)]).asTensor() }
        want = try #require(encoder["norm"]).call([.tensor(want)]).asTensor()
        #expect(try encoder.call([.tensor(x)]).asTensor().scalars == want.scalars)
    }

    @Test(arguments: [("batchnorm1d_2d", [6, 4], 0.1 as Double?), ("batchnorm1d_3d", [3, 4, 5], nil)])
    func batchNorm1dMatchesPyTorch(name: String, shape: [Int], momentum: Double?) throws {
        let g = try Self.golden(name)
        let m = BatchNorm(dims: 1, 4, momentum: momentum)
        let inputs = try Self.check(name, m) { x in [try m.forward(x[0]), try m.forward(x[0] * 2 + 1)] }
        let buffers = try #require(g["buffers"] as? [String: Any])
        for key in ["running_mean", "running_var", "num_batches_tracked"] {
            expectClose(m.buffer(key)?.scalars, try Self.floats(buffers[key]), "\(name) \(key)")
        }
        m.eval()
        expectClose(try m.forward(inputs[0].detach()).scalars, try Self.floats(g["eval_output"]), "\(name) eval output")
    }
}
