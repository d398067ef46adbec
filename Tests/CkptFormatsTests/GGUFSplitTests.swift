import CkptCore
@testable import CkptFormats
import CkptTestSupport
import Foundation
import Testing

/// A split GGUF (`split-0000K-of-00003.gguf`, written by gguf-py with `split_max_tensors=2`): the first part reads
/// as the whole model, the others alone; parts that are missing, out of place or inconsistent are one-line errors
/// naming the part. (Keys, shapes and values against gguf-py: `GGUFReaderTests`, from the manifest.)
@Suite struct GGUFSplitTests {
    static let parts = (1 ... 3).map { "split-0000\($0)-of-00003.gguf" }

    @Test func theFirstPartIsTheModelAndTheOthersAreThemselves() throws {
        let whole = try Checkpoint.read(GGUFFixture.path(Self.parts[0])).stateDict
        #expect(Array(whole.tensors.keys) == ["a", "b", "c", "d", "e"])
        #expect(whole.fileMetadata["split.count"]?.description == "3" && whole.fileMetadata["split_test.answer"]?.description == "7")
        #expect(whole.tensors["d"]?.storedDTypeName == "q4_0" && whole.tensors["e"]?.dtype == .int32)
        #expect(Array(try Checkpoint.read(GGUFFixture.path(Self.parts[1])).stateDict.tensors.keys) == ["c", "d"])
        #expect(Array(try Checkpoint.read(GGUFFixture.path(Self.parts[2])).stateDict.tensors.keys) == ["e"])
    }

    /// Copies parts into a fresh folder (`copies`: part index → file name; the first names the file read) and reads
    /// the first file and every value.
    static func readCopies(_ copies: [(part: Int, name: String)]) throws -> (error: String?, folder: URL) {
        let folder = try Temporary.folder()
        for (part, name) in copies {
            try FileManager.default.copyItem(atPath: GGUFFixture.path(parts[part]), toPath: folder.appendingPathComponent(name).path)
        }
        do {
            let c = try Checkpoint.read(folder.appendingPathComponent(copies[0].name).path)
            for t in c.stateDict.tensors.values { _ = try t.contiguousBytes() }
            return (nil, folder)
        } catch {
            return ("\(error)", folder)
        }
    }

    @Test(arguments: [
        ([(0, parts[0]), (1, parts[1])], "split part 'split-00003-of-00003.gguf': the file does not exist"),
        ([(0, parts[0]), (2, parts[2])], "split part 'split-00002-of-00003.gguf': the file does not exist"),
        ([(0, parts[0]), (2, parts[1]), (1, parts[2])], "split part 'split-00002-of-00003.gguf': its split.no/split.count do not say part 2 of 3"),
        // The first part again in the second's place: it says it is part 1.
        ([(0, parts[0]), (0, parts[1]), (2, parts[2])], "split part 'split-00002-of-00003.gguf': its split.no/split.count do not say part 2 of 3"),
        ([(0, "model.gguf"), (1, parts[1]), (2, parts[2])], "part 1 of a 3-part split, but its name does not end in -00001-of-00003.gguf"),
    ] as [([(part: Int, name: String)], String)])
    func brokenSetsAreOneLineErrorsNamingThePart(_ copies: [(part: Int, name: String)], _ message: String) throws {
        let (error, folder) = try Self.readCopies(copies)
        defer { Temporary.remove(folder) }
        let text = try #require(error, "read without error")
        #expect(text.contains(message) && !text.contains("\n"), "\(text)")
        #expect(text.hasPrefix(folder.appendingPathComponent(copies[0].name).path + ": "), "\(text)")
    }

    @Test func theWholeSetReadsFromAnotherFolder() throws {
        let (error, folder) = try Self.readCopies([(0, Self.parts[0]), (1, Self.parts[1]), (2, Self.parts[2])])
        defer { Temporary.remove(folder) }
        #expect(error == nil, "\(String(describing: error))")
    }

    @Test func splitCountsOutsideTheirRangeAreErrors() throws {
        #expect(throws: CheckpointError.self) { try GGUFSplit.position(["split.count": .int(0)]) }
        #expect(throws: CheckpointError.self) { try GGUFSplit.position(["split.count": .int(100_000)]) }
        #expect(throws: CheckpointError.self) { try GGUFSplit.position(["split.count": .int(3), "split.no": .int(3)]) }
        #expect(throws: CheckpointError.self) { try GGUFSplit.position(["split.count": .string("3")]) }
        #expect(try GGUFSplit.position(["split.count": .int(1)]) == nil)
        #expect(try GGUFSplit.position([:]) == nil)
        #expect(try GGUFSplit.laterParts(of: "/m/x-00001-of-00003.gguf", count: 3) == ["/m/x-00002-of-00003.gguf", "/m/x-00003-of-00003.gguf"])
    }
}
