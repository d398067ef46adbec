import CkptTensor
import CkptWorkflows
import Testing

/// Forward inputs: files (`FILE`, `FILE#KEY`) or seeded random data of parsed shapes.
@Suite struct ForwardInputsTests {
    typealias T = WorkflowsTestSupport

    @Test func shapesAreParsedAndChecked() throws {
        #expect(try ForwardInputs.shape("2, 4") == [2, 4])
        #expect(throws: ArgumentError.badInputShape("0,1")) { try ForwardInputs.shape("0,1") }
        #expect(throws: ArgumentError.badInputShape("x")) { try ForwardInputs.shape("x") }
        #expect(throws: ArgumentError.inputShapeTooLarge("65536,65536")) { try ForwardInputs.shape("65536,65536") }
        #expect(throws: ArgumentError.noInput) { try ForwardInputs().values() }
        #expect(ArgumentError.badInputShape("0,1").description == "--input-shape wants positive sizes separated by commas, e.g. 2,4; got '0,1'")
    }

    /// Random inputs come from the current context's generator, seeded: in a scope with its own generator, other
    /// threads' draws cannot come between the seed and the numbers.
    @Test func randomInputsRepeatWithTheSeed() throws {
        try EngineContext.with(\.generator, Generator(seed: 0)) {
            let a = try ForwardInputs(shapes: ["2,3", "4"], seed: 7).values(), b = try ForwardInputs(shapes: ["2,3", "4"], seed: 7).values()
            let c = try ForwardInputs(shapes: ["2,3", "4"], seed: 8).values()
            let x = try a.map { try $0.asTensor() }, y = try b.map { try $0.asTensor() }, z = try c.map { try $0.asTensor() }
            #expect(x.map(\.shape) == [[2, 3], [4]] && x.map(\.scalars) == y.map(\.scalars) && x[0].scalars != z[0].scalars)
            #expect(Set(x[0].scalars).count == 6, "standard-normal values, not a constant")
        }
    }

    @Test func filesGiveOneTensorOrTheNamedOne() throws {
        #expect(try ForwardInputs.tensor(T.model("lenet.input.npy")).shape == [1, 1, 32, 32])
        let mlp = T.reference("mlp.pt")
        #expect(try ForwardInputs.tensors(mlp).count == 4)
        #expect(throws: PathError(path: mlp, .holdsSeveralTensors(4))) { try ForwardInputs.tensor(mlp) }
        #expect(try ForwardInputs.tensor(mlp + "#0.weight").shape == [8, 4])
    }

    /// `--tokens` and `--attention-mask`: a batch of one int64 sequence, then the mask.
    @Test func tokensAreOneInt64RowFollowedByTheMask() throws {
        let values = try ForwardInputs(tokens: [5, 17, 42], attentionMask: WorkflowsTestSupport.fixture("hf_models/io/mask.npy")).values()
        let ids = try values[0].asTensor(), mask = try values[1].asTensor()
        #expect(values.count == 2 && ids.shape == [1, 3] && ids.dtype == .int64 && ids.indices == [5, 17, 42] && mask.shape == [2, 8])
        #expect(try ForwardInputs.tokens(" 1, 5,7 ") == [1, 5, 7])
        #expect(throws: ArgumentError.badTokens("1,-5")) { try ForwardInputs.tokens("1,-5") }
        #expect(throws: ArgumentError.badTokens("a")) { try ForwardInputs.tokens("a") }
        #expect(throws: ArgumentError.tokensWithInputs) { try ForwardInputs(shapes: ["2"], tokens: [1]).values() }
    }
}
