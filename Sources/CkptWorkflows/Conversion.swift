import CkptCore
import CkptFormats
import CkptReports
import Foundation

/// `convert`: a checkpoint rewritten in another format, keeping key order, dtypes and bytes exactly, or with its
/// floating tensors cast to one dtype.
public enum Conversion {
    /// The format ids ckpt reads (recognised from the bytes), and those it writes.
    public static var readableFormats: [String] { CheckpointFormat.allCases.map(\.rawValue) }
    public static var writableFormats: [String] { CheckpointFormat.allCases.filter(\.isWritable).map(\.rawValue) }

    /// A writable format from its id (`torch-zip`) or a file extension (`pt`, `.h5`); nil for anything else.
    public static func format(named name: String) -> CheckpointFormat? {
        let lower = name.lowercased()
        if let f = CheckpointFormat(rawValue: lower), f.isWritable { return f }
        return CheckpointFormat.forWriting(path: "x." + (lower.hasPrefix(".") ? String(lower.dropFirst()) : lower))
    }

    /// Reads `input` (`FILE[#ENTRY]`), casts floating tensors to `dtype` when given, and writes `output` in `format`
    /// (a name for `format(named:)`; default: from `output`'s extension). Refuses to overwrite the input file.
    public static func run(input: String, output: String, format formatName: String? = nil, dtype: DType? = nil,
                           progress: ProgressReporter = SilentProgress()) throws -> ConvertSummary {
        guard let format = formatName.flatMap(Self.format(named:)) ?? CheckpointFormat.forWriting(path: output) else {
            throw FileError(path: output, .unsupported("cannot tell the output format from the extension; use --to FORMAT"))
        }
        if sameFile(CheckpointReference(input).file, output) {
            throw FileError(path: output, .io("refusing to overwrite the input file; write to another path"))
        }
        let checkpoint = try Checkpoint.read(reference: input)
        var stateDict = checkpoint.stateDict
        if let dtype {
            progress.begin("cast", totalBytes: stateDict.tensors.values.reduce(0) { $0 + $1.byteCount })
            stateDict = try stateDict.casting(floatingTo: dtype, progress: progress.advance)
            progress.finish()
        }
        try Checkpoint.write(stateDict, to: output, format: format)
        let written = stateDict.tensors
        return ConvertSummary(input: input, output: output, inputFormat: checkpoint.format.rawValue, format: format.rawValue,
                              tensors: written.count, bytes: written.values.reduce(0) { $0 + $1.byteCount })
    }

    /// True when both paths name the same existing file (same device and inode), or the same path.
    public static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        if stat(a, &sa) == 0, stat(b, &sb) == 0 { return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino }
        return URL(fileURLWithPath: a).standardizedFileURL.path == URL(fileURLWithPath: b).standardizedFileURL.path
    }
}
