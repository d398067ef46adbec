import CkptNN
import CkptTensor
import CkptTestSupport
import Foundation
import Testing

/// Every layer beyond the tutorial ones against PyTorch (`Fixtures/layer_goldens/layers.json`, from
/// `Fixtures/gen/layer_goldens.py`): repr, state_dict keys and shapes, outputs, input gradients and every
/// parameter's gradient after the same weighted-sum loss.
@Suite struct LayerGoldenTests {
    static let goldens: [String: Any] = {
        (try? Fixtures.json("layer_goldens/layers.json")) ?? [:]
    }()

    static func golden(_ name: String) throws -> [String: Any] { try #require(goldens[name] as? [String: Any], "no golden \(name)") }

    static func floats(_ v: Any?) throws -> [Float] { try #require(v as? [Double]).map(Float.init) }

    /// Each golden case and how to build its layer (the arguments `layer_goldens.py` gives torch).
    static let factories: [String: () throws -> Module] = {
        var f: [String: () throws -> Module] = [
        "silu": { SiLU() }, "silu_inplace": { SiLU(inplace: true) }, "mish": { Mish() }, "hardswish": { Hardswish() },
        "hardsigmoid": { Hardsigmoid(inplace: true) }, "relu6": { ReLU6() }, "relu6_inplace": { ReLU6(inplace: true) },
        "hardtanh": { try Hardtanh() }, "hardtanh_ints": { try Hardtanh(minVal: -2, maxVal: 3) }, "selu": { SELU() },
        "celu": { CELU(alpha: 0.7) }, "logsigmoid": { LogSigmoid() }, "softsign": { Softsign() }, "tanhshrink": { Tanhshrink() },
        "threshold": { Threshold(threshold: 0.1, value: 20) }, "threshold_float": { Threshold(threshold: -0.5, value: 2.5, inplace: true) },
        "hardshrink": { Hardshrink() }, "softshrink": { Softshrink(lambd: 0.3) },
        "softmin": { Softmin(dim: 1) }, "softmin_none": { Softmin() }, "softmax2d": { Softmax2d() },
        "prelu": { PReLU() }, "prelu3": { PReLU(numParameters: 3, initialValue: 0.1) }, "glu": { GLU(dim: 1) }, "glu_last": { GLU() },
        "adaptiveavgpool1d": { try AdaptivePool(.avg, dims: 1, outputSize: [3], isScalar: true) },
        "adaptiveavgpool3d": { try AdaptivePool(.avg, dims: 3, outputSize: [2, nil, 3], isScalar: false) },
        "adaptiveavgpool2d_none": { try AdaptivePool(.avg, dims: 2, outputSize: [nil, 2], isScalar: false) },
        "adaptivemaxpool1d": { try AdaptivePool(.max, dims: 1, outputSize: [3], isScalar: true, returnIndices: true) },
        "adaptivemaxpool2d": { try AdaptivePool(.max, dims: 2, outputSize: [2, 3], isScalar: false) },
        "adaptivemaxpool3d": { try AdaptivePool(.max, dims: 3, outputSize: [2], isScalar: true, returnIndices: true) },
        "instancenorm1d": { InstanceNorm(dims: 1, 4) }, "instancenorm1d_unbatched": { InstanceNorm(dims: 1, 3, affine: true) },
        "instancenorm2d_affine": { InstanceNorm(dims: 2, 3, eps: 1e-3, affine: true) },
        "rmsnorm": { RMSNorm([4]) }, "rmsnorm_2d": { RMSNorm([3, 4], eps: 1e-6, elementwiseAffine: false) },
        "rmsnorm_eps": { RMSNorm([4], eps: 1e-5) },
        "lrn_3d": { try LocalResponseNorm(size: 2) }, "lrn_4d": { try LocalResponseNorm(size: 3, alpha: 0.5, beta: 0.5, k: 2) },
        "lrn_5d": { try LocalResponseNorm(size: 4, alpha: 1e-2) },
        "pixelunshuffle": { PixelUnshuffle(2) }, "channelshuffle": { ChannelShuffle(3) },
        "hf_conv1d": { HFConv1D(nf: 5, nx: 4) },
        "hf_llama_rmsnorm": { try HFRMSNorm(className: "LlamaRMSNorm", shape: [4], eps: 1e-5) },
        "hf_gemma_rmsnorm": { try HFRMSNorm(className: "GemmaRMSNorm", shape: [4], scale: HFRMSNorm.scale(forClassName: "GemmaRMSNorm")) },
        "pairwise": { PairwiseDistance() }, "pairwise_p3_keepdim": { PairwiseDistance(p: 3, keepdim: true) },
        "pairwise_inf": { PairwiseDistance(p: .infinity, eps: 0) },
        ]
        // GELUPytorchTanh is an alias with no transformers class of its own to take a golden from.
        for kind in HFActivation.Kind.allCases where kind != .geluPytorchTanh { f["hf_" + kind.rawValue] = { HFActivation(kind) } }
        return f
    }()

    /// Eval-mode cases: dropout (training draws random numbers ckpt does not share with torch).
    static let evalCases: [String: () throws -> Module] = [
        "dropout1d": { try FeatureDropout(.dropout1d, p: 0.3) }, "dropout2d": { try FeatureDropout(.dropout2d, p: 0.2) },
        "dropout3d": { try FeatureDropout(.dropout3d, p: 0.1, inplace: true) },
        "alphadropout": { try FeatureDropout(.alphaDropout, p: 0.2) }, "featurealphadropout": { try FeatureDropout(.featureAlphaDropout) },
    ]

    static let trackedCases: [String: () -> Module] = [
        "instancenorm2d_tracked": { InstanceNorm(dims: 2, 3, affine: true, trackRunningStats: true) },
        "instancenorm3d_tracked_nomomentum": { InstanceNorm(dims: 3, 2, momentum: nil, trackRunningStats: true) },
    ]

    static func tensors(_ v: ModuleValue) throws -> [Tensor] {
        switch v {
        case .tensor(let t): return [t]
        case .tuple(let items): return try items.flatMap(tensors)
        default: throw NNError.invalidArgument("expected tensors, got \(v.kindName)")
        }
    }

    /// Copies the case's parameters and buffers into `m` and returns its inputs (requiring grad).
    static func loadCase(_ name: String, into m: Module) throws -> [Tensor] {
        let g = try golden(name)
        let params = try #require(g["params"] as? [String: Any])
        for (key, t) in m.stateDict() { try Tensor.noGrad { try t.copy_(try Tensor(try floats(params[key]), shape: t.shape)) } }
        let shapes = try #require(g["shapes"] as? [[Int]])
        return try zip(try #require(g["inputs"] as? [Any]), shapes).map { try Tensor(try floats($0), shape: $1, requiresGrad: true) }
    }

    /// Loads the case's parameters and buffers into `m`, runs `run` on its inputs (requiring grad), backpropagates the
    /// weighted sum of every float output, and compares repr, keys, outputs and gradients; returns the inputs.
    @discardableResult
    static func check(_ name: String, _ m: Module, run: (([Tensor]) throws -> [Tensor])? = nil) throws -> [Tensor] {
        let g = try golden(name)
        #expect(m.description == g["repr"] as? String, "\(name) repr")
        let pairs = try #require(g["state"] as? [[Any]])
        let wantState: [String] = pairs.map { pair in "\(pair[0]) \((pair[1] as? [Int]) ?? [])" }
        let haveState = m.stateDict().map { "\($0.key) \($0.value.shape)" }
        #expect(haveState == wantState, "\(name) state_dict")
        let inputs = try loadCase(name, into: m)
        let outputs = try (run ?? { xs in try tensors(try m.call(xs.map { .tensor($0) })) })(inputs)
        let want = try #require(g["outputs"] as? [Any]), wantShapes = try #require(g["output_shapes"] as? [[Int]])
        #expect(outputs.count == want.count, "\(name) output count")
        var loss: Tensor?
        for (i, y) in outputs.enumerated() where i < want.count {
            #expect(y.shape == wantShapes[i], "\(name) output \(i) shape")
            expectClose(y.scalars, try floats(want[i]), "\(name) output \(i)")
            guard y.dtype == .float32, y.requiresGrad else { continue }
            let term = try NormalizationParityTests.weighted(y, sin)
            loss = try loss.map { try $0 + term } ?? term
        }
        try loss?.backward()
        let inputGrads = try #require(g["input_grads"] as? [Any])
        for (i, x) in inputs.enumerated() where !(inputGrads[i] is NSNull) {
            expectClose(x.grad?.scalars, try floats(inputGrads[i]), "\(name) input grad \(i)")
        }
        let grads = try #require(g["grads"] as? [String: Any])
        #expect(Set(m.namedParameters().map(\.0)) == Set(grads.keys), "\(name) parameters with gradients")
        for (key, p) in m.namedParameters() { expectClose(p.grad?.scalars, try floats(grads[key]), "\(name) grad \(key)") }
        return inputs
    }

    @Test func everyGoldenCaseHasATest() {
        let covered = Set(Self.factories.keys).union(Self.evalCases.keys).union(Self.trackedCases.keys)
        #expect(Set(Self.goldens.keys) == covered)
        #expect(Self.goldens.count >= 60)
    }

    @Test(arguments: factories.keys.sorted())
    func layerMatchesPyTorch(name: String) throws {
        let make = try #require(Self.factories[name])
        try Self.check(name, try make())
    }

    @Test(arguments: evalCases.keys.sorted())
    func dropoutInEvalIsIdentity(name: String) throws {
        let make = try #require(Self.evalCases[name])
        let m = try make()
        m.eval()
        let inputs = try Self.check(name, m)
        let x = inputs[0].detach()
        #expect(try m(x) === x, "eval passes the input through, as PyTorch returns it")
    }

    @Test(arguments: trackedCases.keys.sorted())
    func trackedInstanceNormMatchesPyTorchInTrainAndEval(name: String) throws {
        let g = try Self.golden(name)
        let make = try #require(Self.trackedCases[name])
        let m = make()
        let inputs = try Self.check(name, m) { x in [try m(x[0]), try m(x[0] * 2 + 1)] }
        let buffers = try #require(g["buffers"] as? [String: Any])
        for key in ["running_mean", "running_var", "num_batches_tracked"] {
            expectClose(m.buffer(key)?.scalars, try Self.floats(buffers[key]), "\(name) \(key)")
        }
        m.eval()
        expectClose(try m(inputs[0].detach()).scalars, try Self.floats(g["eval_output"]), "\(name) eval output")
    }

    /// Without tracked statistics, eval normalises each instance by its own statistics, as in training.
    @Test func untrackedInstanceNormUsesInstanceStatisticsInEval() throws {
        let m = InstanceNorm(dims: 2, 3, eps: 1e-3, affine: true)
        let inputs = try Self.loadCase("instancenorm2d_affine", into: m)
        m.eval()
        let want = try #require(try Self.golden("instancenorm2d_affine")["outputs"] as? [Any])
        expectClose(try m(inputs[0]).scalars, try Self.floats(want[0]), "eval output")
    }

    @Test func reprsMatchPyTorchForEdgeArguments() throws {
        #expect(ReLU6().description == "ReLU6()" && ReLU6(inplace: true).description == "ReLU6(inplace=True)")
        #expect(Hardswish(inplace: true).description == "Hardswish()")
        #expect(Hardshrink(lambd: 1).description == "Hardshrink(1)" && Softshrink().description == "Softshrink(0.5)")
        #expect(CELU(alpha: 2).description == "CELU(alpha=2)" && CELU().description == "CELU(alpha=1.0)")
        #expect(Softmin().description == "Softmin(dim=None)")
        #expect(try FeatureDropout(.featureAlphaDropout, p: 1).description == "FeatureAlphaDropout(p=1, inplace=False)")
        #expect(InstanceNorm(dims: 3, 3, eps: 1e-3, momentum: nil, trackRunningStats: true).description
                == "InstanceNorm3d(3, eps=0.001, momentum=None, affine=False, bias=False, track_running_stats=True)")
        #expect(InstanceNorm(dims: 2, 8, affine: true, bias: false).stateDict().keys.joined() == "weight")
        #expect(RMSNorm([7], eps: 1e-5).description == "RMSNorm((7,), eps=1e-05, elementwise_affine=True)")
        #expect(try LocalResponseNorm(size: 3, alpha: 1e-3, beta: 0.5, k: 2).description == "LocalResponseNorm(3, alpha=0.001, beta=0.5, k=2)")
        #expect(try AdaptivePool(.avg, dims: 3, outputSize: [2, nil, 3], isScalar: false).description == "AdaptiveAvgPool3d(output_size=(2, None, 3))")
        #expect(try AdaptivePool(.max, dims: 2, outputSize: [2], isScalar: true, returnIndices: true).description == "AdaptiveMaxPool2d(output_size=2)")
        #expect(HFConv1D(nf: 2304, nx: 768).description == "Conv1D(nf=2304, nx=768)")
        #expect(try HFRMSNorm(className: "LlamaRMSNorm", shape: [4096]).description == "LlamaRMSNorm((4096,), eps=1e-06)")
        #expect(try StochasticDepth(p: 0.2, mode: .row).description == "StochasticDepth(p=0.2, mode=row)")
        #expect(HFActivation(.newGELU).description == "NewGELUActivation()")
    }

    @Test func defaultInitialisationIsPyTorchs() throws {
        #expect(PReLU(numParameters: 3).parameter("weight")?.scalars == [0.25, 0.25, 0.25])
        #expect(RMSNorm([2, 3]).parameter("weight")?.scalars == [Float](repeating: 1, count: 6))
        let tracked = InstanceNorm(dims: 1, 2, affine: true, trackRunningStats: true)
        #expect(tracked.stateDict().map { "\($0.key) \($0.value.shape)" }
                == ["weight [2]", "bias [2]", "running_mean [2]", "running_var [2]", "num_batches_tracked []"])
        #expect(tracked.parameter("weight")?.scalars == [1, 1] && tracked.parameter("bias")?.scalars == [0, 0])
        #expect(tracked.buffer("running_var")?.scalars == [1, 1] && tracked.buffer("num_batches_tracked")?.dtype == .int64)
        // Conv1D: weight [nx, nf] ~ N(0, 0.02), bias zeros (transformers' pytorch_utils.py).
        Tensor.manualSeed(7)
        let conv = HFConv1D(nf: 64, nx: 32)
        let w = try #require(conv.parameter("weight"))
        #expect(w.shape == [32, 64] && conv.parameter("bias")?.scalars == [Float](repeating: 0, count: 64))
        let std = try w.std().item()
        let mean = try w.mean().item()
        #expect(abs(std - 0.02) < 0.002 && abs(mean) < 0.002)
        #expect(try HFRMSNorm(className: "GemmaRMSNorm", shape: [3], scale: .offset).parameter("weight")?.scalars == [0, 0, 0])
        #expect(try HFRMSNorm(className: "Gemma3nRMSNorm", shape: [], scale: .weight).stateDict().isEmpty)
    }

    @Test func rmsNormScaleFollowsTheTransformersFamily() {
        for name in ["GemmaRMSNorm", "Gemma2RMSNorm", "Gemma3RMSNorm", "T5GemmaRMSNorm", "Qwen3NextRMSNorm"] {
            #expect(HFRMSNorm.scale(forClassName: name) == .offset, "\(name)")
        }
        for name in ["LlamaRMSNorm", "MistralRMSNorm", "Qwen2RMSNorm", "Gemma3nRMSNorm", "OlmoRMSNorm"] {
            #expect(HFRMSNorm.scale(forClassName: name) == .weight, "\(name)")
        }
    }

    @Test func layersRejectWhatPyTorchRejects() throws {
        #expect(throws: NNError.self) { try Hardtanh(minVal: 1, maxVal: 1) }
        #expect(throws: TensorError.self) { try GLU()(Tensor.ones([2, 3])) }
        #expect(throws: TensorError.self) { try PReLU(numParameters: 3)(Tensor.ones([2, 4])) }
        #expect(throws: NNError.self) { try Softmax2d()(Tensor.ones([2, 3])) }
        #expect(throws: NNError.self) { try ChannelShuffle(4)(Tensor.ones([1, 6, 2])) }
        #expect(throws: NNError.self) { try InstanceNorm(dims: 2, 3, affine: true)(Tensor.ones([2, 4, 2, 2])) }
        #expect(throws: NNError.self) { try InstanceNorm(dims: 2, 3)(Tensor.ones([2, 3])) }
        #expect(throws: NNError.self) { try RMSNorm([4])(Tensor.ones([2, 3])) }
        #expect(throws: NNError.self) { try HFConv1D(nf: 2, nx: 3)(Tensor.ones([2, 4])) }
        #expect(throws: TensorError.self) { try Softshrink(lambd: -1)(Tensor.ones([2])) }
        #expect(throws: NNError.self) { try FeatureDropout(.dropout1d, p: 0.5)(Tensor.ones([2, 2, 2, 2])) }
        #expect(throws: NNError.self) { try FeatureDropout(.dropout2d, p: 1.5) }
        #expect(StochasticDepth.Mode(argument: .string("rows")) == nil)
    }
}
