import CkptTestSupport
import Foundation

/// Fixture paths and scratch folders for the workflow tests (no binary needed: they call the library).
enum WorkflowsTestSupport {
    /// A model fixture (`Fixtures/models/NAME`), made by `Fixtures/gen/models.py` with PyTorch.
    static func model(_ name: String) -> String { Fixtures.path("models/" + name) }

    /// A reference checkpoint (`Fixtures/reference/NAME`).
    static func reference(_ name: String) -> String { Fixtures.path("reference/" + name) }

    /// Any fixture by its path under `Fixtures/`.
    static func fixture(_ relative: String) -> String { Fixtures.path(relative) }

    /// A fresh temporary folder, removed by `body`'s end.
    static func withTemporaryFolder<R>(_ body: (URL) throws -> R) throws -> R {
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        return try body(dir)
    }

    /// Writes `text` to `name` in `dir` and returns its path.
    static func write(_ text: String, to name: String, in dir: URL) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
