import CkptCore
@testable import CkptModel
import CkptNN
import CkptTensor
import Testing

/// Counts and sizes a model file states are checked before anything is built (issue 15's findings): every
/// failure is a `ModelFileError` naming the line, never a trap or an allocation.
@Suite struct ModelFileLimitTests {
    /// Refused when built to run and when built for shapes only (count, summary, load-into; larger layers allowed).
    func expectRefused(_ text: String, _ what: String, line: Int? = nil, message: String, shapesOnly modes: [Bool] = [false, true]) {
        for shapesOnly in modes {
            do {
                _ = try EngineContext.with(\.isShapesOnly, shapesOnly) { try ModelBuilder(catalog: .standard).build(ModelFile.parse(text)) }
                Issue.record("\(what) was accepted (shapes only: \(shapesOnly))")
            } catch let e as ModelFileError {
                if let line { #expect(e.line == line, "\(what): \(e)") }
                #expect(e.message.contains(message), "\(what): \(e)")
            } catch {
                Issue.record("\(what): \(error)")
            }
        }
    }

    /// A folded ParameterList multiplies its parameters by its copies: 65,536 × 5 tensors is past the limit that
    /// bounds modules, now counted with their parameters.
    @Test func foldedParameterListsCountTheirParameters() {
        let parameter = "Parameter containing: [torch.float32 of size 4x4]"
        let list = (0 ..< 5).map { "      (\($0)): \(parameter)" }.joined(separator: "\n")
        let text = "ModuleList(\n  (0-65535): 65536 x ParameterList(\n\(list)\n  )\n)\n"
        expectRefused(text, "65536 × 5 parameters", message: "more than \(ModelFileParser.maxModules) modules and parameters")
        let fine = "ModuleList(\n  (0-9): 10 x ParameterList(\n\(list)\n  )\n)\n"
        #expect((try? ModelBuilder(catalog: .standard).build(ModelFile.parse(fine)).stateDict().count) == 50)
    }

    /// A layer's own tensors count too: `LSTM(8, 6, 655366)` built 2.6 million tensors (2.2 GB, 40 s; model-printout
    /// fuzz target), and 65,536 copies of a 4,096-layer LSTM, each within the bound, would build a billion.
    @Test func layersStackedOrRepeatedCountTheirTensors() {
        expectRefused("Net(\n  (lstm): LSTM(8, 6, 655366, bias=True)\n)\n", "655366 layers", line: 2,
                      message: "LSTM(): 'num_layers' is 655366; ckpt builds at most 4096")
        expectRefused("Net(\n  (rnns): ModuleList(\n    (0-65535): 65536 x GRU(2, 2, num_layers=4096)\n  )\n)\n",
                      "65536 × 4096 layers", line: 3, message: "more than \(ModelFileParser.maxModules) modules and parameters")
        #expect((try? ModelBuilder(catalog: .standard).build(ModelFile.parse("LSTM(8, 6, 4096)")).stateDict().count) == 4 * 4096)
    }

    @Test func parameterShapesAreBoundedInRankAndSize() {
        let rank = "Net(\n  (p): Parameter containing: [torch.float32 of size \(Array(repeating: "1", count: 65).joined(separator: "x"))]\n)\n"
        expectRefused(rank, "rank 65", line: 2, message: "rank 65")
        let huge = "Net(\n  (p): Parameter containing: [torch.float32 of size 4294967296x4294967296]\n)\n"
        expectRefused(huge, "2^64 elements", line: 2, message: "too large")
        let buffer = "Net(\n  (b): Buffer(\(Array(repeating: "2", count: 70).joined(separator: ", ")))\n)\n"
        expectRefused(buffer, "a buffer of rank 70", line: 2, message: "rank 70")
    }

    /// `Embedding(9223372036854775807, 4)` trapped in the error path that reports it as too large.
    @Test func layerSizesPastIntAreErrorsNotTraps() {
        for layer in ["Embedding(9223372036854775807, 4)", "Linear(in_features=9223372036854775807, out_features=9223372036854775807, bias=True)",
                      "LSTM(9223372036854775807, 9223372036854775807, num_layers=9223372036854775807)",
                      // One size that is both sides of a weight: [3E, E], [4H, H], [d_model, d_model] overflowed Int.
                      "MultiheadAttention(2147483648, 2)", "LSTM(1, 2147483648)", "GRU(input_size=1, hidden_size=2147483648)",
                      "TransformerEncoderLayer(d_model=2147483648, nhead=2, dim_feedforward=1)"] {
            expectRefused("Net(\n  (x): \(layer)\n)\n", layer, line: 2, message: "too large")
        }
    }

    /// An int argument that a Double cannot hold exactly prints back as written: `Threshold(…, value=2^63 − 1)`;
    /// the signature match of an unknown class over such an argument trapped converting the Double (2^63) back to
    /// Int (both model fuzz targets, from `XeLU(9223372036854775807)` and `yMe(9223372036854775807)`).
    @Test func intArgumentsPrintBackExactly() throws {
        let line = "Threshold(threshold=-9223372036854775807, value=9223372036854775807)"
        let model = try ModelBuilder(catalog: .standard).build(ModelFile.parse("Net(\n  (x): \(line)\n)\n"))
        #expect(model.description.contains(line), "\(model.description)")
        // Refused (the argument fits several layers' signatures) or built as a module of its own: no trap.
        #expect(throws: ModelFileError.self) { try ModelBuilder(catalog: .standard).build(ModelFile.parse("XeLU(9223372036854775807)")) }
        #expect(try ModelBuilder(catalog: .standard).build(ModelFile.parse("yMe(9223372036854775807\n)")).stateDict().isEmpty)
    }

    /// A size taken from a printed child enters its parent squared: `linear1`'s 65,536 input features (a 1M-element
    /// Linear) made TransformerEncoderLayer's attention `[3 × 65536, 65536]`, and `verify` aborted on a 48 GiB
    /// allocation (Fuzz/mutate.py). So did a MultiheadAttention sized by its `out_proj`. Built for shapes only, both
    /// are within the larger bound (nothing is touched) and are counted.
    @Test func sizesFromPrintedChildrenAreBoundedSquared() {
        let encoder = """
            Net(
              (layer): TransformerEncoderLayer(nhead=2, batch_first=True
                (self_attn): MultiheadAttention(
                  (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=True)
                )
                (linear1): Linear(in_features=65536, out_features=16, bias=True)
                (dropout): Dropout(p=0.1, inplace=False)
                (linear2): Linear(in_features=16, out_features=8, bias=True)
              )
            )

            """
        expectRefused(encoder, "d_model from linear1", message: "too large", shapesOnly: [false])
        let attention = """
            Net(
              (attn): MultiheadAttention(
                (out_proj): NonDynamicallyQuantizableLinear(in_features=65536, out_features=4, bias=True)
              )
            )

            """
        expectRefused(attention, "embed_dim from out_proj", message: "too large", shapesOnly: [false])
        let counted = try? EngineContext.with(\.isShapesOnly, true) {
            try ModelBuilder(catalog: .standard).build(ModelFile.parse(attention)).stateDict().count
        }
        #expect(counted == 4)
    }
}
