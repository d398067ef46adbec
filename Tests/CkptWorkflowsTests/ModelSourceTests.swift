import CkptNN
import CkptTensor
import CkptWorkflows
import Foundation
import Testing

/// A MODEL argument becomes a module: built to run, or shapes only; each problem a `PathError` naming the file.
@Suite struct ModelSourceTests {
    typealias T = WorkflowsTestSupport

    @Test func buildsAModelFileWithValuesOrShapesOnly() throws {
        let source = ModelSource(argument: T.model("lenet.model"))
        #expect(source == .modelFile(path: T.model("lenet.model")) && source.ownWeights == nil)
        let module = try source.build()
        #expect(module.typeName == "Net" && module.stateDict().count == 10)
        #expect(module.parameters().reduce(0) { $0 + $1.numel } == 61_706)
        let shapes = try source.build(initialized: false)
        #expect(shapes.stateDict().map(\.value.shape) == module.stateDict().map(\.value.shape))
    }

    @Test func problemsNameTheFile() throws {
        try WorkflowsTestSupport.withTemporaryFolder { dir in
            let missing = dir.appendingPathComponent("none.model").path
            #expect(throws: PathError(path: missing, .noSuchFile)) { try ModelSource(argument: missing).build() }
            let binary = dir.appendingPathComponent("binary.model").path
            try [UInt8]([0xFF, 0xFE, 0x00, 0x80]).withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: binary)) }
            #expect(throws: PathError(path: binary, .notText)) { try ModelSource(argument: binary).build() }
            let bad = try T.write("Net(\n  (fc): Linear(in_features=4, out_features=2, bias=True, foo=1)\n)\n", to: "bad.model", in: dir)
            do {
                _ = try ModelSource(argument: bad).build()
                Issue.record("a bad keyword argument built")
            } catch let e as PathError {
                #expect(e.path == bad && e.description.hasPrefix(bad + ": line 2") && e.description.contains("'foo'"), "\(e)")
            }
        }
    }

    /// A model too large to run is refused before allocation, naming its size; from shapes it builds at any size.
    @Test func runLimitAppliesOnlyToModelsBuiltWithValues() throws {
        try WorkflowsTestSupport.withTemporaryFolder { dir in
            let path = try T.write("Net(\n  (fc): Linear(in_features=65536, out_features=65536, bias=False)\n)\n", to: "big.model", in: dir)
            let source = ModelSource(argument: path)
            #expect(try source.build(initialized: false).parameters().first?.numel == 1 << 32)
            #expect(throws: PathError(path: path, .modelTooLarge(elements: 1 << 32, limit: 1 << 31))) { try source.build() }
            // The limit is the engine context's: a scope can lower it, for the model and nothing else.
            let lenet = T.model("lenet.model")
            #expect(throws: PathError(path: lenet, .modelTooLarge(elements: 61_706, limit: 1000))) {
                try EngineContext.with(\.limits.maxModelElements, 1000) { try ModelSource(argument: lenet).build() }
            }
            #expect(PathError(path: path, .modelTooLarge(elements: 1 << 32, limit: 1 << 31)).description
                    == "\(path): the model holds 4294967296 elements; ckpt builds models of up to 2147483648 to run them "
                    + "(count, summary and load-into without -o read only shapes and take any size)")
        }
    }
}
