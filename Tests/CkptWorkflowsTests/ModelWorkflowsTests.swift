import CkptCore
import CkptFormats
import CkptReports
import CkptTensor
import CkptWorkflows
import Foundation
import Testing

/// The model-only workflows (summary, init) as library calls.
@Suite struct ModelWorkflowsTests {
    typealias T = WorkflowsTestSupport

    @Test func summaryListsLayersAndOutputShapes() throws {
        let plain = try ModelSummary(ModelSource(argument: T.model("lenet.model")))
        #expect(!plain.ranForward && plain.parameters == 61_706 && plain.trainable == 61_706 && plain.buffers == 0)
        #expect(plain.layers.map(\.name) == ["", "conv1", "conv2", "fc1", "fc2", "fc3"] && plain.layers[1].parameters == 156)
        #expect(plain.repr.hasPrefix("Net(\n  (conv1): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))"))
        let run = try ModelSummary(ModelSource(argument: T.model("lenet.model")), inputs: ForwardInputs(shapes: ["1,1,32,32"]))
        #expect(run.ranForward && run.layers[2].outputShapes == [[1, 16, 10, 10]] && run.layers[5].outputShapes == [[1, 10]])
    }

    @Test func initWritesAFreshStateDict() throws {
        try WorkflowsTestSupport.withTemporaryFolder { dir in
            let out = dir.appendingPathComponent("init.safetensors").path
            let written = try Initialization.run(ModelSource(argument: T.model("lenet.model")), writingTo: out, initializer: "constant:1")
            #expect(written.format == "safetensors" && written.tensors.count == 10 && written.bytes == 61_706 * 4)
            let tensors = try Checkpoint.read(out).stateDict.tensors
            #expect(try tensors["fc1.weight"]?.doubleValues().allSatisfy { $0 == 1 } == true)
            #expect(try tensors["fc1.bias"]?.doubleValues().allSatisfy { $0 == 0 } == true)
            // PyTorch's default for Linear: U(-1/sqrt(in_features), 1/sqrt(in_features)), here 1/20; the same seed
            // gives the same numbers (in a scope with its own generator, so other threads' draws cannot interleave).
            func fresh(_ name: String, seed: UInt64) throws -> [Double] {
                let path = dir.appendingPathComponent(name).path
                try EngineContext.with(\.generator, Generator(seed: 0)) {
                    _ = try Initialization.run(ModelSource(argument: T.model("lenet.model")), writingTo: path, seed: seed)
                }
                return try #require(try Checkpoint.read(path).stateDict.tensors["fc1.weight"]?.doubleValues())
            }
            let w = try fresh("a.safetensors", seed: 3)
            #expect(w.allSatisfy { abs($0) <= 0.05 } && Set(w).count > 40_000)
            #expect(try fresh("b.safetensors", seed: 3) == w && fresh("c.safetensors", seed: 4) != w)
        }
    }

    @Test func countingAModelFileIsExact() throws {
        let model = try Counting.run(T.model("lenet.model"))
        #expect(model.parameters == 61_706 && model.notes.isEmpty)
        try WorkflowsTestSupport.withTemporaryFolder { dir in
            let t5 = try T.write("T5Block(\n  (layer_norm): T5LayerNorm()\n  (fc): Linear(in_features=4, out_features=4, bias=False)\n)\n",
                                 to: "t5.model", in: dir)
            let r = try Counting.run(t5)
            #expect(r.parameters == 16 && r.notes.first?.contains("(T5LayerNorm) are counted as parameter-free") == true, "\(r.notes)")
        }
    }

    @Test func initSpecsAreCheckedWhenParsed() throws {
        let spec = try InitSpec("kaiming_normal:mode=fan_out,nonlinearity=relu")
        #expect(spec.name == "kaiming_normal" && spec.keywords == ["mode": "fan_out", "nonlinearity": "relu"])
        #expect(try InitSpec("normal:0,0.01").positional == ["0", "0.01"])
        #expect(throws: ArgumentError.unknownInitializer("bogus")) { try InitSpec("bogus") }
        #expect(throws: ArgumentError.initializerNeeds(initializer: "constant", argument: "val")) { try InitSpec("constant") }
        #expect(throws: ArgumentError.initializerNotANumber(initializer: "normal", value: "x")) { try InitSpec("normal:x") }
        #expect(try InitSpec("xavier_uniform:gain=relu").keywords["gain"] == "relu")
    }
}
