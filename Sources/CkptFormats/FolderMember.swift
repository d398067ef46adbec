import CkptCore
import Foundation

/// A file a checkpoint names relative to its own folder (a DCP storage file, an ONNX external data file): the
/// name may not be absolute, hold `..` or NUL, or reach outside the folder through a symbolic link.
enum FolderMember {
    /// The path of `name` inside `folder`; `.unsafe` when it would leave it, `.notFound` when it does not exist.
    static func path(_ name: String, in folder: String, what: String) throws -> String {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard !name.isEmpty, !name.hasPrefix("/"), !parts.contains(".."), !name.contains("\0") else {
            throw CheckpointError.unsafe("\(what) '\(name)' leaves the checkpoint's folder")
        }
        let path = (folder as NSString).appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: path) else { throw CheckpointError.notFound("\(what) '\(name)' does not exist") }
        let root = URL(fileURLWithPath: folder).resolvingSymlinksInPath().path
        guard URL(fileURLWithPath: path).resolvingSymlinksInPath().path.hasPrefix(root + "/") else {
            throw CheckpointError.unsafe("\(what) '\(name)' leaves the checkpoint's folder (through a symbolic link)")
        }
        return path
    }

    /// The folder holding `file` ("." for a bare file name).
    static func folder(of file: String) -> String {
        let folder = (file as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }
}
