import CkptCore
@testable import CkptFormats
import CkptTestSupport
import Foundation
import Testing

/// Hand-crafted hostile GGUF headers: each is refused before anything is allocated from it, with a one-line
/// `FILE: problem` error saying what is wrong. The builder's default file is valid, so each case changes one
/// thing.
@Suite struct GGUFHostileHeaderTests {
    /// Reads `builder`'s file and every tensor's bytes; the error, if any.
    static func read(_ builder: GGUFBuilder) throws -> (String, Error?) {
        let folder = try Temporary.folder()
        defer { Temporary.remove(folder) }
        let path = try builder.write(in: folder)
        do {
            let c = try Checkpoint.read(path)
            for t in c.stateDict.tensors.values { _ = try t.contiguousBytes() }
            return (path, nil)
        } catch {
            return (path, error)
        }
    }

    static func expectError(_ builder: GGUFBuilder, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (path, error) = try read(builder)
        guard let error else {
            Issue.record("read without error; expected '\(message)'", sourceLocation: sourceLocation)
            return
        }
        let text = String(describing: error)
        #expect(error is FileError, "\(type(of: error)): \(text)", sourceLocation: sourceLocation)
        #expect(text.hasPrefix(path + ": ") && !text.contains("\n"), "\(text)", sourceLocation: sourceLocation)
        #expect(text.contains(message), "\(text)", sourceLocation: sourceLocation)
    }

    @Test func theDefaultFileAndItsBigEndianTwinAreValid() throws {
        for bigEndian in [false, true] {
            var b = GGUFBuilder()
            b.bigEndian = bigEndian
            if bigEndian {
                b.data = (0 ..< 8).flatMap { i in withUnsafeBytes(of: Float(i).bitPattern.bigEndian) { Array($0) } }
            }
            let folder = try Temporary.folder()
            defer { Temporary.remove(folder) }
            let c = try Checkpoint.read(try b.write(in: folder))
            let t = try #require(c.stateDict.tensors["t"])
            #expect(t.shape == [2, 4] && t.dtype == .float32)
            #expect(try t.floatValues() == (0 ..< 8).map(Float.init))
            #expect(c.stateDict.fileMetadata["general.architecture"].map { "\($0)" } == "'x'")
        }
    }

    @Test func aFileWithMetadataAndNoTensorsNeedsNoPadding() throws {
        var b = GGUFBuilder()
        b.tensors = []
        b.data = []
        let folder = try Temporary.folder()
        defer { Temporary.remove(folder) }
        let c = try Checkpoint.read(try b.write(in: folder))
        #expect(c.stateDict.tensors.isEmpty && c.stateDict.fileMetadata.count == 1)
    }

    @Test func versionsOtherThanTwoAndThree() throws {
        for (version, message) in [(UInt32(1), "GGUF version 1 is not supported"), (4, "GGUF version 4 is not supported"),
                                   (0x0001_0005, "GGUF version 65541 is not supported")] {
            var b = GGUFBuilder()
            b.version = version
            try Self.expectError(b, message)
        }
    }

    @Test func countsThatTheFileCannotHold() throws {
        var b = GGUFBuilder()
        b.tensorCount = 1 << 40
        try Self.expectError(b, "tensor count is 1099511627776 but the")
        b = GGUFBuilder()
        b.kvCount = UInt64.max
        try Self.expectError(b, "metadata count is 18446744073709551615 but the")
    }

    @Test func lyingStringAndArrayLengths() throws {
        var b = GGUFBuilder()
        b.kvs = [{ $0.kv("k", type: 8) { $0.string("abc", length: 1 << 50) } }]
        try Self.expectError(b, "length of metadata 'k' is 1125899906842624 but the")
        b.kvs = [{ $0.string("k", length: UInt64.max) }]
        try Self.expectError(b, "length of key of metadata 0")
        b.kvs = [{ $0.kv("a", type: 9) { $0.u32(4); $0.u64(1 << 40) } }]
        try Self.expectError(b, "element count of metadata 'a' is 1099511627776 but the")
        b.kvs = [{ $0.kv("s", type: 9) { $0.u32(8); $0.u64(1 << 20) } }]
        try Self.expectError(b, "element count of metadata 's'")
    }

    @Test func unknownValueTypesAndDeepNesting() throws {
        var b = GGUFBuilder()
        b.kvs = [{ $0.kv("k", type: 13) { $0.u32(0) } }]
        try Self.expectError(b, "metadata 'k' has unknown value type 13")
        b.kvs = [{ $0.kv("a", type: 9) { $0.u32(99); $0.u64(1) } }]
        try Self.expectError(b, "metadata 'a' has unknown value type 99")
        b.kvs = [{ $0.kv("deep", type: 9) { bytes in
            for _ in 0 ..< 12 { bytes.u32(9); bytes.u64(1) }
            bytes.u32(4); bytes.u64(0)
        } }]
        try Self.expectError(b, "metadata 'deep' nests arrays deeper than 8")
    }

    @Test func duplicateNames() throws {
        var b = GGUFBuilder()
        b.add("general.architecture", type: 8) { $0.string("y") }
        try Self.expectError(b, "metadata key 'general.architecture' appears twice")
        b = GGUFBuilder()
        b.tensors.append(GGUFBuilder.Info(name: "t", ne: [4, 2], offset: 32))
        b.data += b.data
        try Self.expectError(b, "tensor 't' appears twice")
    }

    @Test func badAlignments() throws {
        for (value, message) in [(UInt32(0), "general.alignment is 0, not a power of two"),
                                 (48, "general.alignment is 48, not a power of two")] {
            var b = GGUFBuilder()
            b.add("general.alignment", type: 4) { $0.u32(value) }
            try Self.expectError(b, message)
        }
        var b = GGUFBuilder()
        b.add("general.alignment", type: 10) { $0.u64(32) }
        try Self.expectError(b, "general.alignment is a uint64, not a uint32")
    }

    @Test func absurdDimensions() throws {
        var b = GGUFBuilder()
        b.tensors = [GGUFBuilder.Info(name: "t", ne: [4, 2, 1, 1, 1])]
        try Self.expectError(b, "tensor 't' has 5 dimensions (ggml allows at most 4)")
        b.tensors = [GGUFBuilder.Info(name: "t", ne: [4, UInt64(bitPattern: -2)])]
        try Self.expectError(b, "tensor 't' has a negative dimension (ne[1] = -2)")
        b.tensors = [GGUFBuilder.Info(name: "t", ne: [1 << 40, 1 << 40])]
        try Self.expectError(b, "whose product overflows")
        b.tensors = [GGUFBuilder.Info(name: "t", ne: [1 << 20, 1 << 20])]
        try Self.expectError(b, "tensor 't' needs bytes")
        b.tensors = [GGUFBuilder.Info(name: "t", ne: [4, 2], nDims: UInt32.max)]
        try Self.expectError(b, "tensor 't' has 4294967295 dimensions")
    }

    @Test func unknownRetiredAndMisfitTypes() throws {
        var b = GGUFBuilder()
        b.tensors = [GGUFBuilder.Info(name: "t", ne: [4, 2], type: 99)]
        try Self.expectError(b, "tensor 't' has unknown ggml type 99")
        b.tensors = [GGUFBuilder.Info(name: "t", ne: [4, 2], type: 31)]
        try Self.expectError(b, "tensor 't' has ggml type 31 (q4_0_4_4), a layout ggml has removed")
        b.tensors = [GGUFBuilder.Info(name: "t", ne: [16, 2], type: 2)]
        try Self.expectError(b, "tensor 't': ne[0] = 16 is not a multiple of q4_0's block of 32")
    }

    @Test func lyingOffsetsAndTruncatedData() throws {
        var b = GGUFBuilder()
        b.tensors = [GGUFBuilder.Info(name: "t", ne: [4, 2], offset: 8)]
        try Self.expectError(b, "tensor 't' is at data offset 8, but the tensors before it end at 0")
        b.tensors = [GGUFBuilder.Info(name: "t", ne: [4, 2]), GGUFBuilder.Info(name: "u", ne: [2], offset: 0)]
        try Self.expectError(b, "tensor 'u' is at data offset 0, but the tensors before it end at 32")
        b.tensors = [GGUFBuilder.Info(name: "t", ne: [4, 2], offset: UInt64.max)]
        try Self.expectError(b, "tensor 't' has offset 18446744073709551615, past any file")
        b = GGUFBuilder()
        b.data = Array(b.data.prefix(20))
        try Self.expectError(b, "tensor 't' needs bytes 128..<160 but the file has 148")
    }

    @Test func everyTruncationOfAValidFileIsAnError() throws {
        var b = GGUFBuilder()
        b.add("a", type: 9) { $0.u32(8); $0.u64(2); $0.string("x"); $0.string("yz") }
        b.add("f", type: 6) { $0.u32(Float(1.5).bitPattern) }
        let whole = b.bytes
        let folder = try Temporary.folder()
        defer { Temporary.remove(folder) }
        let path = folder.appendingPathComponent("cut.gguf").path
        for cut in 0 ..< whole.count {
            try Data(whole.prefix(cut)).write(to: URL(fileURLWithPath: path))
            do {
                let c = try Checkpoint.read(path)
                for t in c.stateDict.tensors.values { _ = try t.contiguousBytes() }
                Issue.record("cut at \(cut) of \(whole.count): read without error")
            } catch let e as FileError {
                #expect(!e.description.contains("\n"))
            } catch {
                Issue.record("cut at \(cut): \(type(of: error)) \(error)")
            }
        }
    }
}
