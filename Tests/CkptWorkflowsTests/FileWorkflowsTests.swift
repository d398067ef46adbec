import CkptCore
import CkptFormats
import CkptReports
import CkptWorkflows
import Foundation
import Testing

/// The checkpoint-only workflows (inspect, count, show, diff, convert) as library calls.
@Suite struct FileWorkflowsTests {
    typealias T = WorkflowsTestSupport

    @Test func inspectionFiltersGroupsAndComputesStatistics() throws {
        let r = try Inspection.run(T.reference("mlp.pt"), filter: "*.weight", stats: true, tree: true, depth: 1)
        #expect(r.format == "torch-zip" && r.tensors.map(\.key) == ["0.weight", "2.weight"] && r.tree != nil)
        #expect(r.tensors.allSatisfy { $0.stats != nil } && r.globals == nil && r.error == nil)
    }

    /// The pickle-safety check: a file importing `os.system` is refused, and with `globals` described instead.
    @Test func refusedPickleIsDescribedWithGlobals() throws {
        let evil = T.fixture("torch_files/evil_os_system.pt")
        do {
            _ = try Inspection.run(evil)
            Issue.record("a file importing os.system was read")
        } catch {
            #expect(PickleSafety.isRefusal(error) && (error as? FileError)?.underlying.isUnsafe == true)
        }
        let r = try Inspection.run(evil, globals: true)
        #expect(r.weightsOnly == false && r.tensors.isEmpty && r.format == "torch-zip")
        #expect(r.globals?.first { !$0.allowed }?.name == "os.system")
        #expect(r.error?.hasPrefix(evil + ": pickle imports global os.system") == true, "\(r.error ?? "")")
        #expect(try PickleSafety.scan(T.reference("mlp.pt"))?.weightsOnlyLoadable == true)
        #expect(try PickleSafety.scan(T.reference("mlp.safetensors")) == nil)
        #expect(!PickleSafety.isRefusal(FileError(path: "x", .malformed("bad"))))
    }

    @Test func countingReadsCheckpoints() throws {
        let r = try Counting.run(T.reference("mlp.pt"))
        #expect(r.parameters == 49 && r.buffers == 0 && r.notes.isEmpty)
        try WorkflowsTestSupport.withTemporaryFolder { dir in
            let binary = dir.appendingPathComponent("junk.bin").path
            try Data([0, 1, 2, 3, 0, 0, 7]).write(to: URL(fileURLWithPath: binary))
            #expect(!Counting.isText(binary) && Counting.isText(T.model("lenet.model")))
            do {
                _ = try Counting.run(binary)
                Issue.record("junk was counted")
            } catch let e as FileError {
                #expect(e.underlying.isUnrecognized, "a binary file in no known format keeps the format error")
            }
        }
    }

    @Test func lookupFindsTensorsAndValuesAndSuggestsKeys() throws {
        let w = try ValueLookup.run(T.reference("mlp.pt"), key: "2.bias")
        #expect(w.dtype == "float32" && w.shape == [1] && w.text.hasPrefix("tensor(["))
        let epoch = try ValueLookup.run(T.reference("train.pt"), key: "epoch")
        #expect(epoch.dtype == nil && epoch.text == "1")
        do {
            _ = try ValueLookup.run(T.reference("mlp.pt"), key: "0.weigth")
            Issue.record("a misspelt key was found")
        } catch let e as FileError {
            #expect(e.description.hasSuffix("no tensor '0.weigth' (close matches: 0.weight, 2.weight)"), "\(e)")
        }
    }

    @Test func comparisonParsesRulesBeforeReadingFiles() throws {
        #expect(throws: KeyMapError.missingSeparator(rule: "x")) { try Comparison.run("none.pt", "none.pt", mapA: ["x"]) }
        #expect(try Comparison.run(T.reference("mlp.pt"), T.reference("mlp.safetensors")).identical)
    }

    @Test func conversionWritesAndRefusesToOverwriteItsInput() throws {
        try WorkflowsTestSupport.withTemporaryFolder { dir in
            let out = dir.appendingPathComponent("mlp.h5").path
            let s = try Conversion.run(input: T.reference("mlp.pt"), output: out, dtype: .float16)
            #expect(s == ConvertSummary(input: T.reference("mlp.pt"), output: out, inputFormat: "torch-zip", format: "hdf5", tensors: 4, bytes: 98))
            #expect(try Checkpoint.read(out).stateDict.tensors.values.allSatisfy { $0.dtype == .float16 })
            #expect(throws: FileError.self) { try Conversion.run(input: out, output: out) }
            #expect(Conversion.sameFile(out, dir.appendingPathComponent("./mlp.h5").path))
            let unknown = dir.appendingPathComponent("mlp.xyz").path
            do {
                _ = try Conversion.run(input: T.reference("mlp.pt"), output: unknown)
                Issue.record("wrote a format from an unknown extension")
            } catch let e as FileError {
                #expect(e.description == unknown + ": cannot tell the output format from the extension; use --to FORMAT")
            }
        }
    }
}
