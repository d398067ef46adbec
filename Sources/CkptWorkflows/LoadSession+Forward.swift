import CkptCore
import CkptFormats
import CkptModel
import CkptNN
import CkptReports
import CkptTensor
import OrderedCollections

/// What verify and run do after loading: the forward pass (eval mode), its outputs checked or written.
extension LoadSession {
    /// Runs the model's forward pass in eval mode on `inputs`, tracking gradients only when asked (for backward);
    /// the outputs in order, tuples flattened. A failing forward is a `PathError` naming the model.
    /// For a transformers architecture the outputs are its first one only (a causal LM's logits, BertModel's
    /// `last_hidden_state`), and the forward reports its progress layer by layer.
    public func forward(_ inputs: ForwardInputs, gradients: Bool = false) throws -> [Tensor] {
        try inContext {
            module.eval()
            let arguments = try inputs.values()
            let pretrained = module as? PretrainedModel
            let layers = Set((pretrained?.layerModules ?? []).map(ObjectIdentifier.init))
            let progress = self.progress
            progress.begin("forward", total: layers.count, unit: .steps("layers"))
            defer { progress.finish() }
            let call = { [module] () throws -> [Tensor] in
                guard let pretrained else { return ForwardInputs.flatten(try module.call(arguments)) }
                let outputs = try Module.withForwardHook({ m, _ in if layers.contains(ObjectIdentifier(m)) { progress.advance(1) } }) {
                    ForwardInputs.flatten(try pretrained.call(arguments))
                }
                return Array(outputs.prefix(1))
            }
            do {
                return gradients ? try call() : try Tensor.noGrad(call)
            } catch {
                throw PathError(path: model.path, .forwardFailed("\(error)"))
            }
        }
    }

    /// `verify`: loads; when that succeeds, runs forward, checks every output is finite and matches its expected
    /// tensor (`expected` files: one tensor per output, or `FILE#KEY`s), and with `backward` runs backward from the
    /// sum of the outputs and checks every parameter got a finite gradient.
    public func verify(inputs: ForwardInputs, expected: [String] = [], atol: Double = 1e-5, rtol: Double = 1e-4,
                       backward: Bool = false) throws -> VerifyReport {
        try verifyKeepingOutputs(inputs: inputs, expected: expected, atol: atol, rtol: rtol, backward: backward).report
    }

    /// `verify`, also returning the outputs (none when the load failed).
    func verifyKeepingOutputs(inputs: ForwardInputs, expected: [String], atol: Double, rtol: Double,
                              backward: Bool) throws -> (report: VerifyReport, outputs: [Tensor]) {
        var report = VerifyReport(load: try load(), atol: atol, rtol: rtol)
        guard report.ok else { return (report, []) }
        let outputs = try forward(inputs, gradients: backward)
        let wanted = try expected.flatMap { try ForwardInputs.tensors($0) }
        if !expected.isEmpty, wanted.count != outputs.count {
            throw PathError(path: expected[0], .expectedCount(expected: wanted.count, outputs: outputs.count))
        }
        for (i, out) in outputs.enumerated() {
            report.add(VerifyReport.Output(shape: out.shape, values: out.scalars,
                                           expected: i < wanted.count ? (wanted[i].shape, wanted[i].scalars) : nil,
                                           atol: atol, rtol: rtol))
        }
        if backward {
            module.zeroGrad()
            var total: Tensor?
            for out in outputs where out.requiresGrad { total = try total.map { try $0 + out.sum() } ?? out.sum() }
            if let total { try inContext { try total.backward() } }
            report.set(VerifyReport.Gradients(parameters: module.namedParameters().map { (name: $0.0, gradient: $0.1.grad?.scalars) }))
        }
        return (report, outputs)
    }

    /// `run`: the forward pass (no gradients) on a loaded model, outputs written to `path`: `.npy` for one output,
    /// else any writable format with keys `output`, `output.1`, …
    public func run(inputs: ForwardInputs, writingTo path: String) throws -> WrittenFile {
        let outputs = try forward(inputs)
        guard let format = CheckpointFormat.forWriting(path: path) else {
            throw PathError(path: path, .unknownExtension(extensions: ".npy .npz .pt .h5 .safetensors"))
        }
        if format == .npy && outputs.count != 1 { throw PathError(path: path, .singleTensorFormat(outputs: outputs.count)) }
        var entries = OrderedDictionary<String, TensorEntry>()
        for (i, t) in outputs.enumerated() {
            let key = i == 0 ? "output" : "output.\(i)"
            entries[key] = try t.entry(key: key)
        }
        try Checkpoint.write(StateDict(tensors: entries), to: path, format: format)
        return WrittenFile(output: path, format: format.rawValue, tensors: entries)
    }
}
