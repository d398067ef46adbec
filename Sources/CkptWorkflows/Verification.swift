import CkptFormats
import CkptModel
import CkptNN
import CkptReports
import CkptTensor

/// `verify` as one call: load the checkpoint into the model, run it, check its outputs; with `against`, load OTHER
/// too — another model folder, or any checkpoint of the same architecture, in any format and dtype — run it on the
/// same inputs and compare the first outputs (`AgainstReport`). The first model is released before OTHER is built,
/// so two large models are never held at once.
public enum Verification {
    /// What `--against` asks.
    public struct Against: Sendable {
        /// A model folder (built from its own config), or a checkpoint loaded into the same model as the first.
        public var other: String
        /// The largest mean KL divergence (nats) that passes, for logits.
        public var maxKL: Double
        public init(other: String, maxKL: Double = 1e-3) { self.other = other; self.maxKL = maxKL }
    }

    public static func run(model: ModelSource, checkpoint: CheckpointReference, options: LoadOptions = LoadOptions(),
                           inputs: ForwardInputs, expected: [String] = [], atol: Double = 1e-5, rtol: Double = 1e-4,
                           backward: Bool = false, against: Against? = nil,
                           progress: ProgressReporter = SilentProgress()) throws -> VerifyReport {
        var kind: PretrainedOutput?
        var (report, outputs) = try { () throws -> (VerifyReport, [Tensor]) in
            let session = try LoadSession(model: model, checkpoint: checkpoint, options: options)
            session.progress = progress
            kind = (session.module as? PretrainedModel)?.outputKind
            return try session.verifyKeepingOutputs(inputs: inputs, expected: expected, atol: atol, rtol: rtol, backward: backward)
        }()
        guard let against, let first = outputs.first else { return report }
        outputs = []
        let otherModel = ModelFolder.configPath(against.other) != nil ? ModelSource(argument: against.other) : model
        let otherCheckpoint = otherModel == model ? CheckpointReference(against.other) : try otherModel.checkpoint(nil)
        let session = try LoadSession(model: otherModel, checkpoint: otherCheckpoint, options: options)
        session.progress = progress
        let load = try session.load()
        guard load.ok else {
            var failed = AgainstReport(other: against.other, a: [], b: [], shape: first.shape, mask: nil, logits: kind == .logits,
                                       maxKL: against.maxKL, atol: atol)
            failed.load = load
            failed.ok = false
            report.set(failed)
            return report
        }
        guard let second = try session.forward(inputs).first else { return report }
        guard second.shape == first.shape else {
            throw PathError(path: against.other, .forwardFailed("its output has shape \(second.shape), the model's \(first.shape): not the same architecture"))
        }
        var comparison = AgainstReport(other: against.other, a: first.scalars, b: second.scalars, shape: first.shape,
                                       mask: try inputs.maskValues(), logits: kind == .logits, maxKL: against.maxKL, atol: atol)
        comparison.load = load
        report.set(comparison)
        return report
    }
}
