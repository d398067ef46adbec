import CkptCore
import CkptFormats
import CkptModel
import CkptReports
import CkptTensor

/// `init`: a fresh state_dict for a model, with PyTorch's default initialisation or one of `torch.nn.init`'s.
public enum Initialization {
    /// Builds `model` with values drawn from the default generator seeded with `seed`, applies `initializer`
    /// (`--init NAME[:ARGS]`, see `InitSpec`) when given, and writes the state_dict to `output` in its format.
    public static func run(_ model: ModelSource, writingTo output: String, seed: UInt64 = 0, initializer: String? = nil) throws -> WrittenFile {
        Generator.default.manualSeed(seed)
        let module = try model.build()
        // A transformers architecture starts as from_config leaves it (its _init_weights), not from torch's defaults.
        (module as? PretrainedModel)?.initializeWeights()
        if let initializer { try InitSpec(initializer).apply(to: module) }
        guard let format = CheckpointFormat.forWriting(path: output) else {
            throw PathError(path: output, .unknownExtension(extensions: ".pt .h5 .safetensors .npz"))
        }
        let tensors = try module.stateDictEntries()
        try Checkpoint.write(StateDict(tensors: tensors), to: output, format: format)
        return WrittenFile(output: output, format: format.rawValue, tensors: tensors)
    }
}
