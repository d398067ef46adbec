import Foundation
import Testing

/// `--help` for the root and every command, and argument errors (exit 2, one stderr line).
@Suite struct CLIHelpTests {
    @Test func binaryIsBuilt() {
        #expect(FileManager.default.isExecutableFile(atPath: CLIRunner.binary.path),
                "build it first: swift build --build-tests (or swift build --product ckpt)")
    }

    @Test func rootHelpListsCommands() throws {
        let r = try CLIRunner.run(["--help"])
        #expect(r.status == 0)
        for c in ["inspect", "count", "convert", "show"] { #expect(r.stdout.contains(c), "missing \(c)") }
        for f in ["torch-zip", "safetensors", "sharded", "gguf", "torchscript", "torch-export", "dcp", "onnx"] {
            #expect(r.stdout.contains(f), "missing format \(f)")
        }
        for example in ["ckpt count model.jit", "ckpt inspect model.pt2", "ckpt convert checkpoints/step_1000", "ckpt inspect model.onnx"] {
            #expect(r.stdout.contains(example), "missing example \(example)")
        }
    }

    @Test(arguments: [
        ("inspect", ["--tree", "--depth", "--filter", "--stats", "--globals", "--json"]),
        ("count", ["--depth", "--json"]),
        ("convert", ["--to", "--dtype", "--quiet"]),
        ("show", ["--max", "--json"]),
    ])
    func commandHelpListsOptions(_ command: String, _ options: [String]) throws {
        let r = try CLIRunner.run([command, "--help"])
        #expect(r.status == 0)
        #expect(r.stderr.isEmpty)
        for o in options { #expect(r.stdout.contains(o), "\(command) --help lacks \(o)") }
    }

    @Test(arguments: [
        ["inspect"], ["inspect", "a.pt", "--depth", "0"], ["inspect", "a.pt", "--bogus"], ["count", "a.pt", "--depth", "x"],
        ["convert", "a.pt"], ["convert", "a.pt", "b.h5", "--dtype", "int64"], ["convert", "a.pt", "b.h5", "--to", "xls"],
        ["show", "a.pt"], ["show", "a.pt", "k", "--max", "-1"], ["frobnicate"],
    ])
    func badArgumentsExitTwoWithOneLine(_ args: [String]) throws {
        let r = try CLIRunner.run(args)
        #expect(r.status == 2, "\(args): status \(r.status)")
        #expect(r.errorLines.count == 1, "\(args): \(r.stderr)")
        #expect(r.stderr.hasPrefix("ckpt: error: "))
        #expect(r.stdout.isEmpty)
    }
}
