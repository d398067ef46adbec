import CkptCore
import CkptFormats
import CkptTestSupport
import Foundation
import Testing

/// Every reference fixture written by `Checkpoint.write` in each writable format and read back gives the same
/// keys in the same order, dtypes, shapes and bytes; through torch-zip also the same storage sharing and
/// metadata. When the fixture's own format is writable, the copy is converted back to it and compared again.
///
/// The one combination a format cannot express: bfloat16 in `.npz` (numpy has no bfloat16 dtype). The writer
/// may refuse it with an error; if it writes the file, the round trip must still be exact.
@Suite struct ReferenceRoundTripTests {
    @Test(arguments: ReferenceManifest.allFiles)
    func throughTorchZip(_ name: String) throws { try Self.roundTrip(name, through: .torchZip) }

    @Test(arguments: ReferenceManifest.allFiles)
    func throughHDF5(_ name: String) throws { try Self.roundTrip(name, through: .hdf5) }

    @Test(arguments: ReferenceManifest.allFiles)
    func throughSafetensors(_ name: String) throws { try Self.roundTrip(name, through: .safetensors) }

    @Test(arguments: ReferenceManifest.allFiles)
    func throughNPZ(_ name: String) throws { try Self.roundTrip(name, through: .npz) }

    static func roundTrip(_ name: String, through format: CheckpointFormat) throws {
        let source = try Checkpoint.read(ReferenceManifest.path(name))
        let folder = try Temporary.folder()
        defer { Temporary.remove(folder) }
        let out = folder.appendingPathComponent("copy." + Self.fileExtension(format)).path
        do {
            try Checkpoint.write(source.stateDict, to: out, format: format)
        } catch let error as FileError where format == .npz && source.stateDict.tensors.values.contains(where: { $0.dtype == .bfloat16 }) {
            // numpy has no bfloat16: refusing is allowed, and must leave nothing behind.
            #expect(!FileManager.default.fileExists(atPath: out), "\(name): \(error)")
            return
        }
        let copy = try Checkpoint.read(out)
        #expect(copy.format == format, "\(name) → \(format.rawValue)")
        try expectSame(source, copy, context: "\(name) → \(format.rawValue)")

        let sourceWritable = [CheckpointFormat.torchZip, .hdf5, .safetensors, .npz].contains(source.format)
        if sourceWritable, source.format != format {
            let back = folder.appendingPathComponent("back." + Self.fileExtension(source.format)).path
            try Checkpoint.write(copy.stateDict, to: back, format: source.format)
            let again = try Checkpoint.read(back)
            try expectSame(source, again, context: "\(name) → \(format.rawValue) → \(source.format.rawValue)", torchDetails: false)
        }
    }

    /// The file extension `Checkpoint.write` callers use for a writable format.
    static func fileExtension(_ format: CheckpointFormat) -> String {
        switch format {
        case .torchZip: return "pt"
        case .hdf5: return "h5"
        case .safetensors: return "safetensors"
        case .npz: return "npz"
        case .npy: return "npy"
        default: return "unwritable"
        }
    }

    /// Same keys in order, dtypes, shapes and bytes; with `torchDetails`, also storage sharing and metadata when
    /// both sides are torch files.
    static func expectSame(_ a: Checkpoint, _ b: Checkpoint, context: String, torchDetails: Bool = true) throws {
        let ta = a.stateDict.tensors, tb = b.stateDict.tensors
        #expect(Array(ta.keys) == Array(tb.keys), "\(context): keys or order differ")
        for (key, x) in ta {
            guard let y = tb[key] else { continue }
            #expect(x.dtype == y.dtype, "\(context) \(key): dtype")
            #expect(x.shape == y.shape, "\(context) \(key): shape")
            #expect(try x.contiguousBytes() == y.contiguousBytes(), "\(context) \(key): bytes differ")
        }
        let torchFormats: Set<CheckpointFormat> = [.torchZip, .torchLegacy]
        if torchDetails, torchFormats.contains(a.format), b.format == .torchZip {
            #expect(a.stateDict.sharedWith == b.stateDict.sharedWith, "\(context): storage sharing differs")
            #expect(a.stateDict.metadata.map { "\($0.key)=\($0.value)" } == b.stateDict.metadata.map { "\($0.key)=\($0.value)" },
                    "\(context): metadata differs")
        }
    }
}
