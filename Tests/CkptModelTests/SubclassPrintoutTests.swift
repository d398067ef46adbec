import CkptNN
import CkptTestSupport
import Foundation
import Testing
@testable import CkptModel

/// transformers' layers that subclass torch's and print as they do (`BartScaledWordEmbedding(100, 32,
/// padding_idx=1)`), read from `print(model)` of tiny Bart, Whisper and ConvNext models (Fixtures/gen/hf_printouts.py):
/// each builds as its torch layer under its printed name, with PyTorch's keys and counts.
@Suite struct SubclassPrintoutTests {
    struct Layer: Decodable {
        let repr: String
        let `class`: String
        let torch_class: String
        let keys: [[Shape]]
        let parameters: Int
    }
    /// `["weight", [100, 32]]`: a key or a shape.
    enum Shape: Decodable, Equatable {
        case key(String), dims([Int])
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let s = try? c.decode(String.self) { self = .key(s) } else { self = .dims(try c.decode([Int].self)) }
        }
    }
    struct Manifest: Decodable {
        let keys: [[Shape]]
        let parameters: Int
        let state_dict_numel: Int
        let subclasses: [String: Layer]
    }

    static func manifest(_ name: String) throws -> Manifest {
        try Fixtures.decode(Manifest.self, "hf_printouts/\(name).json")
    }

    static func keys(_ m: Module) -> [[Shape]] { m.stateDict().map { [.key($0.key), .dims($0.value.shape)] } }

    static func count(_ m: Module) -> Int { m.parameters().reduce(0) { $0 + $1.numel } }

    @Test(arguments: ["bart", "whisper", "convnext"])
    func subclassLinesBuildAsTheirTorchLayer(_ name: String) throws {
        for (path, layer) in try Self.manifest(name).subclasses {
            let module = try ModelBuilder.build(text: layer.repr)
            #expect(module.typeName == layer.class, "\(path)")
            #expect(module.schema?.name == layer.torch_class, "\(path)")
            #expect(module.description == layer.repr, "\(path)")
            #expect(Self.keys(module) == layer.keys, "\(path)")
            #expect(Self.count(module) == layer.parameters, "\(path)")
        }
    }

    @Test func bartPrintoutHasPyTorchsKeysAndWithItsTiesItsCount() throws {
        let manifest = try Self.manifest("bart")
        let text = try Fixtures.text("hf_printouts/bart.txt")
        let model = try ModelBuilder.build(text: text)
        #expect(Self.keys(model) == manifest.keys)
        #expect(Self.count(model) == manifest.state_dict_numel)
        // print() cannot show that the three token embeddings are one tensor; with the ties written in, the count is PyTorch's.
        let ties = "  (encoder.embed_tokens.weight): (shared.weight)\n  (decoder.embed_tokens.weight): (shared.weight)\n)"
        let tied = try ModelBuilder.build(text: String(text.trimmingCharacters(in: .whitespacesAndNewlines).dropLast()) + ties)
        #expect(Self.keys(tied) == manifest.keys)
        #expect(Self.count(tied) == manifest.parameters)
    }

    @Test func whisperPrintoutHasPyTorchsKeysAndCount() throws {
        let manifest = try Self.manifest("whisper")
        let model = try ModelBuilder.build(text: try Fixtures.text("hf_printouts/whisper.txt"))
        #expect(Self.keys(model) == manifest.keys)
        #expect(Self.count(model) == manifest.parameters)
    }

    @Test func convNextPrintoutLacksOnlyTheParametersPrintCannotShow() throws {
        let manifest = try Self.manifest("convnext")
        let model = try ModelBuilder.build(text: try Fixtures.text("hf_printouts/convnext.txt"))
        let built = Self.keys(model)
        let missing = manifest.keys.filter { !built.contains($0) }
        // ConvNextLayer registers `layer_scale_parameter` on itself; print(model) does not show it.
        #expect(missing.map { $0.first } == [.key("encoder.stages.0.layers.0.layer_scale_parameter"),
                                              .key("encoder.stages.1.layers.0.layer_scale_parameter")])
        #expect(built == manifest.keys.filter { built.contains($0) })
        #expect(Self.count(model) == manifest.parameters - 16 - 32)
    }

    @Test func ambiguousPrintoutsNameTheirCandidates() throws {
        do {
            _ = try ModelBuilder.build(text: "Net(\n  (x): MyBlock(32, 32)\n)")
            Issue.record("MyBlock(32, 32) built")
        } catch let e as ModelFileError {
            #expect(e.line == 2)
            for name in ["Embedding", "RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell"] {
                #expect(e.message.contains(name), "\(name) in \(e.message)")
            }
        }
        #expect(throws: ModelFileError.self) { try ModelBuilder.build(text: "Net(\n  (x): MyLayer(3, frobnicate=1)\n)") }
    }
}
