import CkptCore
@testable import CkptFormats
import CkptTestSupport
import Foundation
import Testing

/// Damaged TorchScript and torch.export archives: hostile archives a checksum does not catch are refused with
/// the reason in one line; truncated copies always fail in one line; bit-flipped copies fail in one line or read.
@Suite struct TorchScriptDamageTests {
    @Test(arguments: [
        ("no_source.pt", "has no source small/code/__torch__/torchscript_files.py"),
        ("no_class.pt", "small/code/__torch__/torchscript_files.py does not define class Small"),
        ("bad_list.pt", "cannot read the attribute list [lin"),
        ("param_not_tensor.pt", "TorchScript parameter training is a bool, not a tensor"),
        ("unsafe_global.pt", "pickle imports global os.system"),
        ("cycle.pt", "(or refers to itself)"),
    ])
    func hostileArchivesAreRefused(_ name: String, _ message: String) throws {
        try DamagedCopies.expectRefused("torchscript_files/hostile/" + name, containing: message) { _ = try TorchScriptReader.read($0) }
    }

    static let archives = ["torchscript_files/traced.pt", "torchscript_files/exported.pt2"]

    @Test(arguments: archives)
    func truncatedCopiesAreOneLineErrors(_ name: String) throws {
        try DamagedCopies.truncated(name, lengths: { n in Array(stride(from: 0, to: n, by: max(1, n / 97))) + [n - 1] }) { path, length in
            let error = try #require(throws: FileError.self, "\(name) cut at \(length)") { try Self.readAll(path) }
            #expect(!error.description.contains("\n"))
        }
    }

    @Test(arguments: archives)
    func bitFlippedCopiesAreErrorsOrReadable(_ name: String) throws {
        var failures = 0, total = 0
        try DamagedCopies.flipped(name, positions: { Array(stride(from: 0, to: $0, by: 7)) }) { path, position in
            total += 1
            do {
                try Self.readAll(path)
            } catch let error as FileError {
                failures += 1
                #expect(!error.description.contains("\n"), "\(name) flipped at \(position)")
            }
        }
        #expect(total > 0 && failures > 0, "\(name): \(failures) of \(total) flipped copies refused")
    }

    static func readAll(_ path: String) throws {
        let c = try Checkpoint.read(path)
        for t in c.stateDict.tensors.values {
            do { _ = try t.contiguousBytes() } catch let e as CheckpointError { throw FileError(path: path, e) }
        }
    }
}
