import ArgumentParser
import CkptCore
import CkptNN
import CkptReports
import CkptTensor
import Foundation

/// `ckpt verify MODEL CHECKPOINT`: load strictly, run forward (and backward), check the numbers.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Load a checkpoint into a model, run a forward pass, check outputs are finite and match expected ones.",
        discussion: """
            The model runs in eval mode. Outputs match when |out - expected| <= atol + rtol * |expected| everywhere. \
            Exit status 0 when everything loads and matches, 1 when not, 2 on trouble.
            """)

    @Argument(help: "The model file.") var model: String
    @Argument(help: "The checkpoint (FILE or FILE#ENTRY).") var checkpoint: String
    @Option(help: ArgumentHelp("An input tensor, one per forward argument (repeatable): .npy or FILE#KEY.", valueName: "file[#key]"))
    var input: [String] = []
    @Option(name: .customLong("input-shape"), help: ArgumentHelp("Random standard-normal input of this shape (repeatable).", valueName: "n,c,…"))
    var inputShape: [String] = []
    @Option(help: "Seed for random inputs.") var seed: UInt64 = 0
    @Option(help: ArgumentHelp("Expected outputs: a file with one tensor per output, or FILE#KEY (repeatable).", valueName: "file[#key]"))
    var expect: [String] = []
    @Option(help: "Absolute tolerance.") var atol: Double = 1e-5
    @Option(help: "Relative tolerance.") var rtol: Double = 1e-4
    @Flag(help: "Also run backward from the sum of the outputs and check every parameter gets a finite gradient.")
    var backward = false
    @OptionGroup var load: LoadOptions
    @Flag(help: "Print one JSON document.") var json = false
    @Flag(name: [.short, .long], help: "Print nothing; the exit status answers.") var quiet = false

    struct Output: Encodable {
        var shape: [Int]
        var finite: Bool
        var maxAbsDiff: Double?
        /// Whether it matched the expected output (text only).
        var matches = true
        enum CodingKeys: String, CodingKey { case shape, finite, maxAbsDiff = "max_abs_diff" }
    }
    struct Gradients: Encodable { var finite: Bool; var missing: [String] }
    struct Report: Encodable { var ok: Bool; var load: LoadIntoReport; var outputs: [Output]; var gradients: Gradients? }

    func run() throws {
        var ok = false
        try CLI.guarded {
            let module = try ModelSupport.model(model)
            let (raw, note) = try ModelSupport.checkpointTensors(checkpoint)
            let (tensors, renamed, matchNotes) = try ModelSupport.align(raw, to: module, options: load)
            let loadReport = LoadIntoReport(model: model, checkpoint: checkpoint, modelClass: module.typeName,
                                            modelTensors: module.stateDict().count, load: try module.load(tensors, strict: load.strict),
                                            renamed: renamed, notes: (note.map { [$0] } ?? []) + matchNotes)
            var report = Report(ok: loadReport.ok, load: loadReport, outputs: [], gradients: nil)
            if loadReport.ok { try check(module, &report) }
            ok = report.ok
            if json { try CLI.printJSON(report) } else if !quiet { print(text(report)) }
        }
        if !ok { throw ExitCode(1) }
    }

    private func check(_ module: Module, _ report: inout Report) throws {
        module.eval()
        let inputs = try InputSupport.inputs(files: input, shapes: inputShape, seed: seed)
        let outputs: [Tensor]
        do { outputs = InputSupport.flatten(try module.call(inputs)) } catch { throw PathError(path: model, message: "\(error)") }
        let expected = try expect.flatMap { try InputSupport.tensors($0) }
        if !expect.isEmpty, expected.count != outputs.count {
            throw PathError(path: expect[0], message: "holds \(expected.count) expected tensors for \(outputs.count) outputs")
        }
        for (i, out) in outputs.enumerated() {
            let values = out.scalars
            var o = Output(shape: out.shape, finite: values.allSatisfy(\.isFinite), maxAbsDiff: nil)
            report.ok = report.ok && o.finite
            if i < expected.count {
                let want = expected[i]
                guard want.shape == out.shape else {
                    report.ok = false
                    o.matches = false
                    report.outputs.append(o)
                    continue
                }
                var maxDiff = 0.0, close = true
                for (a, b) in zip(values, want.scalars) {
                    let d = abs(Double(a) - Double(b))
                    if d.isNaN || d > maxDiff { maxDiff = d.isNaN ? .infinity : d }
                    if !(d <= atol + rtol * abs(Double(b))) { close = false }
                }
                o.maxAbsDiff = maxDiff
                o.matches = close
                report.ok = report.ok && close
            }
            report.outputs.append(o)
        }
        if backward {
            module.zeroGrad()
            var total: Tensor?
            for out in outputs where out.requiresGrad { total = try total.map { try $0 + out.sum() } ?? out.sum() }
            if let total { try total.backward() }
            let named = module.namedParameters()
            let missing = named.filter { $0.1.grad == nil }.map(\.0)
            let finite = named.allSatisfy { $0.1.grad?.scalars.allSatisfy(\.isFinite) ?? true }
            report.gradients = Gradients(finite: finite, missing: missing)
            report.ok = report.ok && finite && missing.isEmpty
        }
    }

    private func text(_ r: Report) -> String {
        var lines: [String] = []
        if !r.load.ok || !r.load.diagnosis.isEmpty || !r.load.renamed.isEmpty { lines.append(LoadIntoCommand.text(r.load)) }
        else { lines.append("load        OK (\(r.load.loaded) of \(r.load.modelTensors) tensors)") }
        for (i, o) in r.outputs.enumerated() {
            var line = "output \(i)    shape \(o.shape)  \(o.finite ? "finite" : "NOT FINITE")"
            if let d = o.maxAbsDiff {
                line += "  max abs diff \(String(format: "%.3g", d)) (atol \(atol), rtol \(rtol))"
            }
            if !o.matches { line += o.maxAbsDiff == nil ? "  SHAPE DIFFERS from expected" : "  DIFFERS" }
            lines.append(line)
        }
        if let g = r.gradients {
            lines.append("gradients   " + (g.missing.isEmpty ? "every parameter has one" : "missing for \(KeyRanges.patterns(g.missing).joined(separator: ", "))")
                         + (g.finite ? ", all finite" : ", NOT all finite"))
        }
        lines.append(r.ok ? "OK" : "FAILED")
        return lines.joined(separator: "\n")
    }
}
