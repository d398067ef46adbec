import ArgumentParser
import CkptCore
import CkptFormats
import Foundation

/// `ckpt convert IN OUT`: rewrites a checkpoint in another format, keeping key order, dtypes and bytes.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Rewrite a checkpoint in OUT's format, keeping key order, dtypes and bytes exactly.",
        discussion: """
            The output format comes from OUT's extension (.pt .pth .bin .ckpt, .h5 .hdf5, .safetensors, .npz, \
            .npy) or --to. The file is written to a temporary file beside OUT and renamed into place; IN is \
            never overwritten.
            """)

    @Argument(help: "The checkpoint to read, or FILE#ENTRY.")
    var input: String

    @Argument(help: "The file to write.")
    var output: String

    @Option(name: .long, help: "Output format: torch-zip, hdf5, safetensors, npz or npy (default: from OUT's extension).")
    var to: String?

    @Option(name: .long, help: "Cast floating-point tensors to this dtype (float32, float16, bfloat16, float64).")
    var dtype: String?

    @Flag(name: [.short, .long], help: "Print nothing on success.")
    var quiet = false

    @OptionGroup var options: OutputOptions

    func validate() throws {
        if let dtype {
            let d = try CheckpointReference.dtype(dtype)
            guard d.isFloatingPoint else { throw ValidationError("--dtype must be a floating-point dtype, not \(d.rawValue)") }
        }
        if let to, Self.format(named: to) == nil {
            throw ValidationError("unknown output format '\(to)' (expected torch-zip, hdf5, safetensors, npz or npy)")
        }
    }

    /// A writable format from its id or a file extension (`pt`, `h5`).
    static func format(named name: String) -> CheckpointFormat? {
        let lower = name.lowercased()
        if let f = CheckpointFormat(rawValue: lower), f.isWritable { return f }
        return CheckpointFormat.forWriting(path: "x." + (lower.hasPrefix(".") ? String(lower.dropFirst()) : lower))
    }

    func run() throws {
        try CLI.guarded {
            guard let format = to.flatMap(Self.format(named:)) ?? CheckpointFormat.forWriting(path: output) else {
                throw FileError(path: output, .unsupported("cannot tell the output format from the extension; use --to FORMAT"))
            }
            let inPath = CheckpointReference.filePath(input)
            if Self.sameFile(inPath, output) {
                throw FileError(path: output, .io("refusing to overwrite the input file; write to another path"))
            }
            let c = try Checkpoint.read(reference: input)
            var sd = c.stateDict
            let tensors = sd.tensors
            let totalBytes = tensors.values.reduce(0) { $0 + $1.byteCount }
            if let dtype {
                let target = try CheckpointReference.dtype(dtype)
                let progress = Progress(label: "cast", totalBytes: totalBytes)
                sd = try Self.cast(sd, to: target, progress: progress)
                progress.finish()
            }
            try Checkpoint.write(sd, to: output, format: format)
            let written = sd.tensors
            let bytes = written.values.reduce(0) { $0 + $1.byteCount }
            if options.json {
                try CLI.printJSON(ConvertSummary(input: input, output: output, inputFormat: c.format.rawValue,
                                                 format: format.rawValue, tensors: written.count, bytes: bytes))
            } else if !quiet {
                print("wrote \(output) (\(format.rawValue), \(written.count) \(written.count == 1 ? "tensor" : "tensors"), \(Fmt.bytes(bytes))) from \(input) (\(c.format.rawValue))")
            }
        }
    }

    /// Casts floating tensors to `target`. Each storage is converted once and every view of it is rebuilt on the
    /// converted storage, so tied weights and views still share storage in the output.
    static func cast(_ sd: StateDict, to target: DType, progress: Progress) throws -> StateDict {
        var converted: [ObjectIdentifier: TensorStorage] = [:]
        return try sd.mapTensors { key, t in
            guard t.dtype.isFloatingPoint, t.dtype != target else { return t }
            do {
                guard t.storage.dtype == t.dtype else { return try t.converted(to: target) }
                let id = ObjectIdentifier(t.storage)
                let storage: TensorStorage
                if let hit = converted[id] {
                    storage = hit
                } else {
                    let whole = try TensorEntry(dtype: t.dtype, shape: [t.storage.elementCount], storage: t.storage)
                    storage = try whole.converted(to: target).storage
                    converted[id] = storage
                    progress.advance(t.storage.bytes.count)
                }
                return try TensorEntry(dtype: target, shape: t.shape, strides: t.strides, storageOffset: t.storageOffset,
                                       storage: storage, requiresGrad: t.requiresGrad, isParameter: t.isParameter)
            } catch let e as CheckpointError {
                throw CheckpointError.malformed("\(key): \(e.description)")
            }
        }
    }

    /// True when both paths name the same existing file (same device and inode), or the same path.
    static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        if stat(a, &sa) == 0, stat(b, &sb) == 0 { return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino }
        return URL(fileURLWithPath: a).standardizedFileURL.path == URL(fileURLWithPath: b).standardizedFileURL.path
    }
}

/// The `--json` document of `convert`.
struct ConvertSummary: Encodable {
    let input: String
    let output: String
    let inputFormat: String
    let format: String
    let tensors: Int
    let bytes: Int
    enum CodingKeys: String, CodingKey { case input, output, format, tensors, bytes, inputFormat = "input_format" }
}
