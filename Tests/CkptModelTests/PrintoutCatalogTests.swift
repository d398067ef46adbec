import CkptModel
import CkptNN
import CkptTensor
import CkptTestSupport
import Foundation
import Testing

/// Printouts from torch 2.15 (`Fixtures/gen/model_reprs.py`): a module holding every layer ckpt implements, and toy
/// models laid out as transformers' GPT2LMHeadModel and LlamaForCausalLM and torchvision's EfficientNet print them.
/// Each builds to PyTorch's state_dict keys and shapes and parameter and buffer counts, and prints back as torch did.
@Suite struct PrintoutCatalogTests {
    struct TorchModel {
        var state: [String]
        var parameters: Int
        var buffers: Int
    }

    static func torchModel(_ name: String) throws -> TorchModel {
        let data = try Data(contentsOf: Fixtures.root.appendingPathComponent("model_reprs/\(name).keys.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let pairs = try #require(json["state"] as? [[Any]])
        return TorchModel(state: pairs.map { "\($0[0]) \(($0[1] as? [Int]) ?? [])" },
                          parameters: try #require(json["parameters"] as? Int), buffers: try #require(json["buffers"] as? Int))
    }

    static func state(_ m: Module) -> [String] { m.stateDict().map { "\($0.key) \($0.value.shape)" } }

    /// Builds `text` and compares its state_dict and counts with torch's record of `name`; returns the model.
    @discardableResult
    static func check(_ name: String, text: String) throws -> Module {
        let model = try ModelBuilder.build(text: text)
        let torch = try torchModel(name)
        #expect(state(model) == torch.state, "\(name) state_dict")
        #expect(model.parameters().reduce(0) { $0 + $1.numel } == torch.parameters, "\(name) parameters")
        #expect(model.namedBuffers().reduce(0) { $0 + $1.1.numel } == torch.buffers, "\(name) buffers")
        return model
    }

    /// Every layer line of a print(model) holding all the layers ckpt implements builds to PyTorch's keys, shapes and
    /// repr, and the whole printout round-trips.
    @Test func everyLayerBuildsWithPyTorchsKeysShapesAndRepr() throws {
        let text = try Fixtures.text("model_reprs/all_layers.txt")
        let file = try ModelFile.parse(text)
        let lines = text.components(separatedBy: "\n")
        let torch = try Self.torchModel("all_layers")
        guard case .module(let layers)? = file.root.children.first?.entry else { Issue.record("no layers"); return }
        var built = 0
        for child in layers.children {
            guard case .module(let spec) = child.entry else { Issue.record("\(child.name) is not a layer"); continue }
            let module = try #require(try LayerCatalog.standard.build(spec), "\(spec.className) is not in the catalog")
            let prefix = "layers.\(child.name)."
            let want = torch.state.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
            #expect(Self.state(module) == want, "\(child.name)")
            if !spec.isContainer {  // MultiheadAttention and the encoder layer print their children on lines of their own
                #expect("(\(child.name)): " + module.description == lines[child.line - 1].trimmingCharacters(in: .whitespaces))
            }
            built += 1
        }
        #expect(built == layers.children.count && built == 131)
        // `self.param` is registered on AllLayers itself: print() does not show it, so the model file declares it.
        let declared = text.replacingOccurrences(of: "AllLayers(\n", with: "AllLayers(\n  (param): Parameter containing: [torch.float32 of size 3x4]\n")
        let model = try Self.check("all_layers", text: declared)
        // The engine holds a declared float16 parameter as float32 (stored dtypes are not kept yet), and prints it so.
        let float32 = text.replacingOccurrences(of: "[torch.float16 of size 2]", with: "[torch.float32 of size 2]")
        #expect(model.description + "\n" == float32, "the whole printout round-trips")
    }

    @Test func gpt2PrintoutBuildsWithConv1DAndATiedHead() throws {
        var text = try Fixtures.text("model_reprs/gpt2_toy.txt")
        // print() does not show transformers' tied lm_head; the model file says it.
        text = String(text.dropLast(2)) + "  (lm_head.weight): (transformer.wte.weight)\n)\n"
        let model = try Self.check("gpt2_toy", text: text)
        #expect(model.tensor(at: "lm_head.weight") === model.tensor(at: "transformer.wte.weight"))
        let mlp = try #require(model.submodule("transformer.h.1.mlp"))
        #expect(mlp["c_fc"] is HFConv1D && mlp["act"]?.typeName == "NewGELUActivation")
        var x = Tensor.uniform([2, 3, 8], low: -1, high: 1)
        for name in ["c_fc", "act", "c_proj", "dropout"] {
            let layer = try #require(mlp[name])
            x = try layer(x)
        }
        #expect(x.shape == [2, 3, 8])
    }

    @Test func llamaPrintoutBuildsWithRMSNorms() throws {
        let model = try Self.check("llama_toy", text: try Fixtures.text("model_reprs/llama_toy.txt"))
        let norm = try #require(model.submodule("model.norm") as? HFRMSNorm)
        #expect(norm.scale == .weight && norm.eps.value == 1e-5 && norm.description == "LlamaRMSNorm((16,), eps=1e-05)")
        let x = Tensor.uniform([2, 16], low: -1, high: 1)
        // weight · x/√(mean(x²) + eps) with the weight at ones: each row's mean square becomes 1/(1 + eps/ms).
        let y = try norm(x)
        for row in 0 ..< 2 {
            let xs = Array(x.scalars[row * 16 ..< row * 16 + 16]), ys = Array(y.scalars[row * 16 ..< row * 16 + 16])
            let ms = xs.reduce(0) { $0 + $1 * $1 } / 16
            #expect(abs(ys.reduce(0) { $0 + $1 * $1 } / 16 - ms / (ms + 1e-5)) < 1e-5)
        }
        #expect(model.submodule("model.rotary_emb") is OpaqueModule, "inv_freq is not persistent: nothing to load")
    }

    @Test func efficientNetPrintoutBuildsWithSiLUAndStochasticDepth() throws {
        let model = try Self.check("efficientnet_toy", text: try Fixtures.text("model_reprs/efficientnet_toy.txt"))
        #expect(model.submodule("features.1.1.stochastic_depth")?.description == "StochasticDepth(p=0.0125, mode=row)")
        model.eval()
        let se = try #require(model.submodule("features.1.0.block.2"))
        let x = Tensor.uniform([1, 8, 3, 3], low: -1, high: 1)
        var y = x
        for name in ["avgpool", "fc1", "activation", "fc2", "scale_activation"] {
            let layer = try #require(se[name])
            y = try layer(y)
        }
        #expect(y.shape == [1, 8, 1, 1])
    }

    @Test func argumentFormsAndWhatStaysOpaque() throws {
        // Older transformers printed no sizes: those load as parameter-free modules, as before.
        let old = try ModelBuilder.build(text: "Block(\n  (c_attn): Conv1D()\n  (ln): LlamaRMSNorm()\n)")
        #expect(old["c_attn"] is OpaqueModule && old["ln"] is OpaqueModule && old.stateDict().isEmpty)
        let forms = try ModelBuilder.build(text: "Block(\n  (a): LlamaRMSNorm(8, eps=1e-06)\n  (b): Qwen2RMSNorm((8,))\n"
                                           + "  (c): GemmaRMSNorm((8,), eps=1e-06)\n  (d): Conv1D(6, 4)\n  (e): GELUPytorchTanh()\n)")
        #expect(Self.state(forms) == ["a.weight [8]", "b.weight [8]", "c.weight [8]", "d.weight [4, 6]", "d.bias [6]"])
        #expect((forms["c"] as? HFRMSNorm)?.scale == .offset && forms["b"]?.description == "Qwen2RMSNorm((8,), eps=1e-06)")
        for bad in ["MyRMSNorm(dim=4)", "Threshold(0.1)", "Hardtanh(1, 1)", "Dropout2d(p=2)", "AdaptiveMaxPool2d((2, 'a'))",
                    "StochasticDepth(p=0.1, mode=col)", "InstanceNorm2d(4, affine=1)", "Conv1D(nf=-1, nx=3)", "PixelUnshuffle(0)"] {
            #expect(throws: ModelFileError.self, "\(bad)") { try ModelBuilder.build(text: "Net(\n  (x): \(bad)\n)") }
        }
        do { _ = try ModelBuilder.build(text: "Net(\n  (x): Hardtanh(1, 1)\n)") } catch let e as ModelFileError {
            #expect(e.line == 2 && e.description.contains("max_val must be greater than min_val"))
        }
    }

    @Test func printedLayersRunFromTheModelFile() throws {
        let text = "Sequential(\n  (0): Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n  (1): InstanceNorm2d(8, eps=1e-05, "
            + "momentum=0.1, affine=True, bias=True, track_running_stats=False)\n  (2): ReLU6(inplace=True)\n  (3): Hardswish()\n"
            + "  (4): PixelUnshuffle(downscale_factor=2)\n  (5): ChannelShuffle(groups=4)\n  (6): AdaptiveMaxPool2d(output_size=(1, None))\n"
            + "  (7): Flatten(start_dim=1, end_dim=-1)\n  (8): Dropout1d(p=0.2, inplace=False)\n  (9): PReLU(num_parameters=1)\n)"
        let model = try ModelBuilder.build(text: text)
        model.eval()
        let y = try model(Tensor.uniform([2, 3, 4, 6], low: -1, high: 1))
        #expect(y.shape == [2, 32 * 3])
        let count = model.parameters().reduce(0) { $0 + $1.numel }
        let conv = 3 * 8 * 9 + 8, instanceNorm = 2 * 8, prelu = 1
        #expect(count == conv + instanceNorm + prelu)
    }
}
