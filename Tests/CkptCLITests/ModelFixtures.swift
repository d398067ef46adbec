import CkptTestSupport
import Foundation

/// The model fixtures of `Fixtures/models/` (from `Fixtures/gen/models.py`): model files, the checkpoints PyTorch
/// saved for them, inputs and PyTorch's outputs, and `models.json`'s figures.
enum ModelFixtures {
    /// `Fixtures/models/<name>`.
    static func path(_ name: String) -> String { Fixtures.path("models/" + name) }

    /// `models.json`: per model, `parameters` and `buffers` as PyTorch counts them, and its state_dict keys.
    static let figures: [String: [String: Any]] = {
        ((try? Fixtures.json("models/models.json")) ?? [:]).compactMapValues { $0 as? [String: Any] }
    }()

    /// The models with a model file, sorted.
    static let names: [String] = figures.keys.filter { Fixtures.exists("models/\($0).model") }.sorted()
}

extension CLIRunner.Result {
    /// stdout as a JSON object.
    func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any] else {
            throw FixtureError("stdout is not a JSON object: \(stdout)")
        }
        return object
    }
}
