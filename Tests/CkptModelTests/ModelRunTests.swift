import CkptCore
import CkptFormats
import CkptNN
import CkptTensor
import CkptTestSupport
import Foundation
import Testing
@testable import CkptModel

/// Model files of `Fixtures/models` against PyTorch: build, load the checkpoint torch saved, run, compare.
@Suite struct ModelRunTests {
    static let names = ["mlp", "tiny_regression", "tied", "tied_lm", "lenet", "cnn_tutorial", "lstm_classifier", "bn_cnn"]

    static func models() throws -> [String: Any] { try Fixtures.json("models/models.json") }

    @Test(arguments: names + ["attn"])
    func runsLikePyTorch(name: String) throws {
        let model = try ModelBuilder.build(text: try Fixtures.text("models/\(name).model"))
        let expected = try #require(try Self.models()[name] as? [String: Any])
        #expect(model.parameters().reduce(0) { $0 + $1.numel } == expected["parameters"] as? Int)
        let keys = (expected["keys"] as? [[Any]] ?? []).compactMap { $0.first as? String }
        #expect(Array(model.stateDict().keys) == keys)
        let report = try model.load(try Fixtures.stateDict("models/\(name).pt").tensors)
        #expect(report.ok, "\(report)")
        model.eval()
        let input = try Tensor(entry: Fixtures.tensor("models/\(name).input.npy"))
        let output = try Tensor.noGrad { try model(input) }
        let want = try Tensor(entry: Fixtures.tensor("models/\(name).expected.npy"))
        #expect(output.shape == want.shape)
        expectClose(output.scalars, want.scalars, floor: Closeness.scale(want.scalars), "\(name) output")
    }

    @Test(arguments: names)
    func printsBackWhatPyTorchPrinted(name: String) throws {
        let text = try Fixtures.text("models/\(name).model")
        guard !text.contains("): (") else { return }  // tie lines are ckpt's additions, not PyTorch's print
        let model = try ModelBuilder.build(text: text)
        let printed = text.components(separatedBy: "\n\n    def forward")[0].trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(model.description == printed)
    }

    /// MultiheadAttention and TransformerEncoderLayer as PyTorch prints them (without embed_dim or num_heads) still
    /// have PyTorch's keys and shapes.
    @Test func printedAttentionHasPyTorchsKeys() throws {
        let text = try Fixtures.text("model_reprs/all_layers.txt")
        let model = try ModelBuilder.build(text: text)
        let torch = try PrintoutCatalogTests.torchModel("all_layers")
        for prefix in ["layers.mha.", "layers.encoder."] {
            let want = torch.state.filter { $0.hasPrefix(prefix) }
            let have = model.stateDict().filter { $0.key.hasPrefix(prefix) }.map { "\($0.key) \($0.value.shape)" }
            #expect(have == want && !want.isEmpty)
        }
    }

    /// A printed TransformerEncoderLayer takes its sizes from its children and runs once nhead is written in; without
    /// it, running names what to write. Modules take keyword arguments by their forward's parameter names.
    @Test func printedEncoderLayerNeedsOnlyNhead() throws {
        let printed = try Fixtures.text("models/encoder_layer_gelu.model")
        let bare = printed.replacingOccurrences(of: "TransformerEncoderLayer(nhead=4, activation='gelu', norm_first=True", with: "TransformerEncoderLayer(")
        #expect(bare != printed)
        let model = try ModelBuilder.build(text: bare)
        #expect(model.stateDict().count == 12)
        do {
            _ = try model(Tensor.ones([5, 2, 8]))
            Issue.record("ran without nhead")
        } catch let error as NNError {
            #expect(error.description.contains("nhead"))
        }
        let written = try ModelBuilder.build(text: bare.replacingOccurrences(of: "TransformerEncoderLayer(", with: "TransformerEncoderLayer(nhead=4"))
        #expect(try written(Tensor.ones([5, 2, 8])).shape == [5, 2, 8])
        #expect(throws: ModelFileError.self) { try ModelBuilder.build(text: bare.replacingOccurrences(of: "TransformerEncoderLayer(", with: "TransformerEncoderLayer(nhead=4, activation='swish'")) }

        let lstm = "Net(\n  (lstm): LSTM(3, 4, batch_first=True)\n)\ndef forward(self, x):\n    out, (h, c) = self.lstm(x, hx=None)\n    return h\n"
        #expect(try ModelBuilder.build(text: lstm)(Tensor.ones([2, 5, 3])).shape == [1, 2, 4])
        let net = "Net(\n  (fc): Linear(in_features=4, out_features=2, bias=True)\n)\ndef forward(self, x):\n    return self.fc(input=x)\n"
        #expect(try ModelBuilder.build(text: net)(Tensor.ones([1, 4])).shape == [1, 2])
        let wrong = net.replacingOccurrences(of: "input=x", with: "inputs=x")
        #expect(throws: ForwardError.self) { try ModelBuilder.build(text: wrong)(Tensor.ones([1, 4])) }
    }

    /// Pasted classes: every module of the class runs its forward; helpers are called as `self._name(…)`; a helper
    /// outside the Python subset fails only when called; a missing submodule is None to `is`; recursion stops.
    @Test func pastedClassesRunTheirForwardInEveryModuleOfTheClass() throws {
        let text = """
        Net(
          (a): Block(
            (fc): Linear(in_features=2, out_features=2, bias=False)
          )
          (b): Block(
            (fc): Linear(in_features=2, out_features=2, bias=False)
            (skip): Identity()
          )
        )

        class Block(nn.Module):
            scale: float = 2.0

            def __init__(self, skip=None):
                super().__init__()
                self.layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])

            def forward(self, x):
                y = self._twice(x)
                if self.skip is not None:
                    y = y + self.skip(x)
                return y

            def _twice(self, x):
                return self.fc(self.fc(x))

            def _unsupported(self):
                with open("f") as f:
                    return f

        class Net(nn.Module):
            def forward(self, x, bad=False):
                if bad:
                    return self.a._unsupported()
                return self.b(self.a(x))

            def loop(self, x):
                return self.loop(x)
        """
        let model = try ModelBuilder.build(text: text)
        for (_, p) in model.namedParameters() { try Tensor.noGrad { try p.copy_(try Tensor([1, 0, 0, 1], shape: [2, 2])) } }
        let x = try Tensor([1, 2], shape: [1, 2])
        #expect(try model(x).scalars == [2, 4])  // a: x; b: x + x
        #expect(throws: ForwardError.self) { try model.call([.tensor(x), .bool(true)]) }
        do { _ = try model.call([.tensor(x), .bool(true)]) } catch let e as ForwardError {
            #expect(e.message.contains("_unsupported()"), "\(e)")
        }
        let looping = text.replacingOccurrences(of: "return self.b(self.a(x))", with: "return self.loop(x)")
        do {
            _ = try ModelBuilder.build(text: looping)(x)
            Issue.record("recursion did not stop")
        } catch let e as ForwardError {
            #expect(e.message.contains("recursion"))
        }
    }

    /// A forward that asks for a huge loop, tensor or integer gets an error naming the line, not a hang, an
    /// allocation failure or an overflow trap; integer arithmetic floors and powers as Python's does.
    @Test func hostileForwardsAreErrors() throws {
        let head = "Net(\n  (fc): Linear(in_features=2, out_features=2, bias=True)\n)\ndef forward(self, x):\n"
        let bodies = ["    for i in range(10**12):\n        x = x + 1\n    return x", "    return torch.zeros(1000000, 1000000)",
                      "    return torch.ones(2**62, 4)", "    return x.expand(100000, 100000, 2)", "    return x + int(1e300)",
                      "    return x * 10**30", "    return torch.full((2**40, 2**40), 1.0)", "    return x + (-(2**63) - 1)"]
        for body in bodies {
            let model = try ModelBuilder.build(text: head + body + "\n")
            #expect(throws: ForwardError.self, "\(body)") { try model(Tensor.ones([1, 2])) }
        }
        let arithmetic = try ModelBuilder.build(text: head + "    return x * (-7 // 2) + (7 // -2) + 2**10 + (-3) % 2 + x.expand(3, -1).sum(0)\n")
        let want: Float = -4 - 4 + 1024 + 1 + 3  // 1·(-4) + (-4) + 1024 + 1 + 3·1
        #expect(try arithmetic(Tensor.ones([1, 2])).scalars == [want, want])
    }

    @Test func forwardErrorsNameTheLine() throws {
        let text = "Net(\n  (fc): Linear(in_features=4, out_features=2, bias=True)\n)\ndef forward(self, x):\n    y = self.fc(x)\n    return self.nope(y)\n"
        let model = try ModelBuilder.build(text: text)
        #expect(throws: ForwardError.self) { try model(Tensor.ones([1, 4])) }
        do { _ = try model(Tensor.ones([1, 4])) } catch let e as ForwardError {
            #expect(e.line == 6 && e.message.contains("no attribute 'nope'"))
        }
        let opaque = try ModelBuilder.build(text: "Sequential(\n  (0): Swish()\n)")
        #expect(throws: NNError.self) { try opaque(Tensor.ones([1])) }
        #expect(throws: ModelFileError.self) { try ModelBuilder.build(text: "Sequential(\n  (0): Swish(3)\n)") }
        #expect(throws: ModelFileError.self) { try ModelBuilder.build(text: "Linear(in_features=4, out_features=2, bias=True, foo=1)") }
    }

    /// A layer with no outputs runs as in PyTorch: `Linear(6, 0)` gives `[3, 0]`, and `F.glu` of it is `[3, 0]`.
    /// Found by the model-forward fuzz target: glu trapped, as chunk of an empty dim gave one piece, not two.
    @Test func emptyFeaturesRunAsInPyTorch() throws {
        let model = try ModelBuilder.build(text: """
            Net(
              (fc): Linear(in_features=6, out_features=0, bias=True)
            )

                def forward(self, x):
                    h = self.fc(x)
                    return F.glu(h, dim=-1), h.chunk(2, dim=1)
            """)
        guard case .tuple(let out) = try model.call([.tensor(Tensor.zeros([3, 6]))]), out.count == 2,
              case .tensor(let glu) = out[0], case .tuple(let chunks) = out[1] else {
            Issue.record("expected (glu, chunks)")
            return
        }
        #expect(glu.shape == [3, 0] && chunks.count == 2)
    }
}
