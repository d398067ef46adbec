import CkptCore
import CkptFormats
import CkptNN
import CkptTensor
import CkptTestSupport
import Foundation
import Testing

/// One case of `Fixtures/optim_state/` (from `Fixtures/gen/optim_state.py`): PyTorch's training checkpoint of a
/// 4-8-3 Tanh MLP after 3 steps (`{'epoch', 'model_state_dict', 'optimizer_state_dict', 'loss'}`, read with
/// ckpt's torch-zip reader) and what PyTorch's 2 further steps give (`<case>.json`).
struct OptimCheckpointCase {
    static let names = ["sgd_nesterov", "sgd_dampening", "adam", "adam_amsgrad", "adamw", "adam_frozen_bias"]

    let name: String
    /// The checkpoint's top-level dict, as torch wrote it.
    let checkpoint: CheckpointDict
    let golden: [String: Any]

    init(_ name: String) throws {
        self.name = name
        let read = try Checkpoint.read(Fixtures.path("optim_state/\(name).pt"))
        checkpoint = try #require(read.stateDict.root.dict)
        golden = try Fixtures.json("optim_state/\(name).json")
    }

    var optimizerState: CheckpointDict { get throws { try #require(checkpoint["optimizer_state_dict"]?.dict) } }

    /// The MLP with the checkpoint's `model_state_dict` loaded (strict, nothing missing or unexpected) and the
    /// case's frozen parameters marked `requires_grad=False`.
    func model() throws -> Sequential {
        let model = Sequential([Linear(4, 8), Tanh(), Linear(8, 3)])
        let entries = StateDict(root: try #require(checkpoint["model_state_dict"])).tensors
        let report = try model.load(entries)
        #expect(report.missingKeys.isEmpty && report.unexpectedKeys.isEmpty && report.sizeMismatches.isEmpty)
        let frozen = try #require(golden["frozen"] as? [String])
        for (key, p) in model.namedParameters() where frozen.contains(key) { p.requiresGrad = false }
        return model
    }

    /// The case's optimizer class with its default hyperparameters: loading must bring PyTorch's.
    func freshOptimizer(_ params: [Tensor]) throws -> Optimizer {
        switch try #require(golden["optimizer"] as? String) {
        case "SGD": return try SGD(params)
        case "Adam": return try Adam(params)
        case "AdamW": return try AdamW(params)
        case let other: throw NNError.invalidArgument("no optimizer \(other)")
        }
    }

    /// `steps` training steps on the case's data (MSE loss); the losses.
    func train(_ model: Module, _ optimizer: Optimizer, steps: Int) throws -> [Float] {
        let x = try Tensor(try Self.floats(golden["input"]), shape: [5, 4])
        let y = try Tensor(try Self.floats(golden["target"]), shape: [5, 3])
        var losses: [Float] = []
        for _ in 0 ..< steps {
            optimizer.zeroGrad()
            let loss = try Tensor.mseLoss(try model(x), y)
            try loss.backward()
            try optimizer.step()
            losses.append(try loss.item())
        }
        return losses
    }

    static func floats(_ v: Any?) throws -> [Float] { try #require(v as? [Double]).map(Float.init) }
}
