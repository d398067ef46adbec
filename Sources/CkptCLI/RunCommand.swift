import ArgumentParser
import CkptCore
import CkptFormats
import CkptNN
import CkptTensor
import Foundation
import OrderedCollections

/// `ckpt run MODEL CHECKPOINT --input FILE -o OUT`: the forward pass, outputs written to a file.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a model's forward pass on inputs and write its outputs.",
        discussion: "OUT is .npy for one output, else any writable format with keys output, output.1, …. The model runs in eval mode.")

    @Argument(help: "The model file.") var model: String
    @Argument(help: "The checkpoint (FILE or FILE#ENTRY).") var checkpoint: String
    @Option(help: ArgumentHelp("An input tensor, one per forward argument (repeatable).", valueName: "file[#key]")) var input: [String] = []
    @Option(name: .customLong("input-shape"), help: ArgumentHelp("Random standard-normal input of this shape (repeatable).", valueName: "n,c,…"))
    var inputShape: [String] = []
    @Option(help: "Seed for random inputs.") var seed: UInt64 = 0
    @Option(name: .short, help: ArgumentHelp("Where to write the outputs.", valueName: "out")) var output: String
    @OptionGroup var load: LoadOptions

    func run() throws {
        var ok = true
        try CLI.guarded {
            let module = try ModelSupport.model(model)
            let (raw, _) = try ModelSupport.checkpointTensors(checkpoint)
            let (tensors, _, _) = try ModelSupport.align(raw, to: module, options: load)
            let report = try module.load(tensors, strict: load.strict)
            guard report.ok else {
                CLI.printError("\(checkpoint): does not load into \(model): " + report.errorMessage(moduleName: module.typeName))
                ok = false
                return
            }
            module.eval()
            let inputs = try InputSupport.inputs(files: input, shapes: inputShape, seed: seed)
            let outputs: [Tensor]
            do { outputs = try Tensor.noGrad { InputSupport.flatten(try module.call(inputs)) } } catch {
                throw PathError(path: model, message: "\(error)")
            }
            guard let format = CheckpointFormat.forWriting(path: output) else {
                throw PathError(path: output, message: "cannot tell the format from the extension (.npy .npz .pt .h5 .safetensors)")
            }
            if format == .npy && outputs.count != 1 {
                throw PathError(path: output, message: "the model has \(outputs.count) outputs; .npy holds one (use .npz)")
            }
            var entries = OrderedDictionary<String, TensorEntry>()
            for (i, t) in outputs.enumerated() {
                let key = i == 0 ? "output" : "output.\(i)"
                entries[key] = try t.entry(key: key)
            }
            try Checkpoint.write(StateDict(tensors: entries), to: output, format: format)
        }
        if !ok { throw ExitCode(1) }
    }
}
