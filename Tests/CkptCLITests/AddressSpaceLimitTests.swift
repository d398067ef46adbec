import CkptTestSupport
import Foundation
import Testing

/// Model files whose layers need more address space than the process may have (`ulimit -v`). A model built for
/// keys and shapes maps untouched zero pages: free in memory, but not in address space. Found by Fuzz/mutate.py
/// (4 GiB cap): `count`, `summary` and `load-into` of `BatchNorm2d(999999999)` aborted on a failed allocation.
@Suite struct AddressSpaceLimitTests {
    static let model = """
        BigNorm(
          (bn): BatchNorm2d(999999999, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
        )
        """

    /// AddressSanitizer reserves terabytes of shadow memory: its builds cannot run under `ulimit -v`.
    static let sanitized = ProcessInfo.processInfo.environment["CKPT_TEST_BINARY"] != nil

    @Test(.disabled(if: sanitized), arguments: ["count", "summary"])
    func aLayerLargerThanTheAddressSpaceIsRefused(command: String) throws {
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let file = dir.appendingPathComponent("big.model")
        try Self.model.write(to: file, atomically: true, encoding: .utf8)
        let r = try CLIRunner.run([command, file.path], addressSpaceKiB: 4 << 20)
        #expect(r.exitedNormally)
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.errorLines.count == 1 && r.stderr.contains("big.model") && r.stderr.contains("too large"), "\(r.stderr)")
    }

    /// Thirty layers of 196 MB each: every one fits alone under 4 GiB, together they do not (Fuzz/mutate.py found
    /// `count`, `summary` and `load-into` aborting on such a file after the per-layer bound above).
    static let manyLayers = """
        Stack(
          (layers): ModuleList(
            (0-29): 30 x Linear(in_features=7000, out_features=7000, bias=False)
          )
        )
        """

    @Test(.disabled(if: sanitized), arguments: ["count", "summary"])
    func layersTogetherLargerThanTheAddressSpaceAreRefused(command: String) throws {
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let file = dir.appendingPathComponent("stack.model")
        try Self.manyLayers.write(to: file, atomically: true, encoding: .utf8)
        let r = try CLIRunner.run([command, file.path], addressSpaceKiB: 4 << 20)
        #expect(r.exitedNormally)
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.errorLines.count == 1 && r.stderr.contains("stack.model") && r.stderr.contains("address space"), "\(r.stderr)")
        // Without the limit the same file counts: 30 × 7000².
        let unlimited = try CLIRunner.run(["count", file.path, "--json"])
        #expect(unlimited.status == 0 && unlimited.stdout.contains("1470000000"), "\(unlimited.stderr)")
    }

    @Test func withoutALimitTheSameModelIsCountedFromItsShapes() throws {
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let file = dir.appendingPathComponent("big.model")
        try Self.model.write(to: file, atomically: true, encoding: .utf8)
        let r = try CLIRunner.run(["count", file.path, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("1999999998"), "\(r.stdout)")
    }
}
