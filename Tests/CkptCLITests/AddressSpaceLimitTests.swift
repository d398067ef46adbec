import CkptTestSupport
import Foundation
import Testing

/// Model files whose layers need more address space than the process may have (`ulimit -v`). A model built for
/// keys and shapes maps untouched zero pages: free in memory, but not in address space. Found by Fuzz/mutate.py
/// (4 GiB cap): `count`, `summary` and `load-into` aborted on a failed allocation instead of refusing the file.
@Suite struct AddressSpaceLimitTests {
    /// A model file, the name it is written as, and its parameter count without a limit.
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String, text: String, parameters: String
        var testDescription: String { name }
    }

    static let cases = [
        // One layer larger than the whole limit.
        Case(name: "big.model", text: """
            BigNorm(
              (bn): BatchNorm2d(999999999, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
            )
            """, parameters: "1999999998"),
        // Thirty layers of 196 MB each: every one fits alone under 4 GiB, together they do not (found after the
        // per-layer bound: each layer is now bounded by the address space left, not by the whole limit).
        Case(name: "stack.model", text: """
            Stack(
              (layers): ModuleList(
                (0-29): 30 x Linear(in_features=7000, out_features=7000, bias=False)
              )
            )
            """, parameters: "1470000000"),  // 30 × 7000²
    ]

    /// AddressSanitizer reserves terabytes of shadow memory: its builds cannot run under `ulimit -v`.
    static let sanitized = ProcessInfo.processInfo.environment["CKPT_TEST_BINARY"] != nil

    /// `ckpt args… FILE` on the case's file, under a 4 GiB address-space limit when `limited`.
    static func run(_ args: [String], _ c: Case, limited: Bool) throws -> CLIRunner.Result {
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let file = dir.appendingPathComponent(c.name)
        try c.text.write(to: file, atomically: true, encoding: .utf8)
        return try CLIRunner.run([args[0], file.path] + args.dropFirst(), addressSpaceKiB: limited ? 4 << 20 : nil)
    }

    @Test(.disabled(if: sanitized), arguments: ["count", "summary"], cases)
    func modelsLargerThanTheAddressSpaceAreRefused(command: String, c: Case) throws {
        let r = try Self.run([command], c, limited: true)
        #expect(r.exitedNormally)
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.errorLines.count == 1 && r.stderr.contains(c.name) && r.stderr.contains("too large"), "\(r.stderr)")
    }

    @Test(arguments: cases)
    func withoutALimitTheSameModelsAreCountedFromTheirShapes(c: Case) throws {
        let r = try Self.run(["count", "--json"], c, limited: false)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains(c.parameters), "\(r.stdout)")
    }
}
