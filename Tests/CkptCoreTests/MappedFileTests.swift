import Foundation
import Testing
import CkptCore

/// A mapped file lends its bytes for the length of a closure or copies them; ranges past the end are errors.
@Suite struct MappedFileTests {
    static func file(_ bytes: [UInt8]) throws -> MappedFile {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-mapped-\(UUID().uuidString)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try MappedFile(path: path)  // the mapping outlives the name
    }

    @Test func lendsAndCopiesRanges() throws {
        let file = try Self.file(Array(0 ..< 10))
        #expect(try file.copyBytes(offset: 2, count: 3) == [2, 3, 4])
        #expect(try file.withBytes(offset: 8, count: 2) { Array($0) } == [8, 9])
        #expect(file.withBytes { $0.count } == 10)
        #expect(try file.withBytes { try Array($0.slice(offset: 4, count: 2)) } == [4, 5])
        #expect(try file.withBytes(offset: 10, count: 0) { $0.count } == 0)
    }

    @Test func rangesPastTheEndAreTruncationErrors() throws {
        let file = try Self.file(Array(0 ..< 10))
        let expected = CheckpointError.truncated("needs bytes 8..<12 but the file has 10")
        #expect(throws: expected) { try file.copyBytes(offset: 8, count: 4) }
        #expect(throws: expected) { try file.withBytes(offset: 8, count: 4) { _ in } }
        #expect(throws: expected) { try file.withBytes { try $0.slice(offset: 8, count: 4) } }
        #expect(throws: CheckpointError.self) { try file.copyBytes(offset: -1, count: 1) }
        #expect(throws: CheckpointError.self) { try file.copyBytes(offset: 1, count: Int.max) }
    }

    @Test func anEmptyFileLendsNoBytes() throws {
        let file = try Self.file([])
        #expect(file.size == 0)
        #expect(file.withBytes { $0.isEmpty })
        #expect(try file.copyBytes(offset: 0, count: 0) == [])
    }
}
