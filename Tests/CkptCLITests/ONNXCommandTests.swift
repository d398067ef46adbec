import CkptCore
import CkptFormats
import CkptTestSupport
import Foundation
import Testing

/// The commands on ONNX files (`Fixtures/onnx_files/`): inspect lists initializers then Constant tensors, convert
/// writes them with the onnx library's values, show prints them, hostile files are one-line errors.
@Suite struct ONNXCommandTests {
    static let fixtures = FormatManifest.fixtures(in: "onnx_files")

    @Test(arguments: fixtures)
    func inspectAndConvertAsTheOnnxLibraryReads(_ name: String) throws {
        let m = try FormatManifest.of(name)
        #expect(m.format == "onnx")
        let (_, rows) = try m.inspected(name)
        #expect(rows.map { $0["dtype"] as? String } == m.tensors.map(\.dtype))
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        for ext in ["pt", "safetensors"] {
            let out = dir.appendingPathComponent("out." + ext).path
            let c = try CLIRunner.run(["convert", Fixtures.path(name), out])
            #expect(c.status == 0, "\(name) → \(ext): \(c.stderr)")
            try m.expectMatches(try Checkpoint.read(out).stateDict, "\(name) → \(ext)")
        }
    }

    @Test func showPrintsAConstantFromABranch() throws {
        let r = try CLIRunner.run(["show", Fixtures.path("onnx_files/types.onnx"), "If_0.then_branch.If_0.else_branch.deep"])
        #expect(r.status == 0 && r.stdout == "tensor([9, 8])\n", "\(r.stdout) \(r.stderr)")
    }

    @Test func hostileFilesAreOneLineErrors() throws {
        for name in ["escape", "absolute", "past_end", "short_raw", "negative_dim", "overflow", "unknown_type", "deep"] {
            let path = Fixtures.path("onnx_files/hostile/\(name).onnx")
            let r = try CLIRunner.run(["inspect", path])
            #expect(r.status == 2 && r.stdout.isEmpty && r.errorLines.count == 1, "\(name): \(r.stderr)")
            #expect(r.stderr.hasPrefix("ckpt: error: \(path): "), "\(name)")
        }
    }
}
