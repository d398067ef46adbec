import CkptCore
import CkptTestSupport
import Foundation
import Testing
@testable import CkptFormats

@Suite struct TorchZipRoundTripTests {
    static let fixtures = ["dtypes.pt", "tied.pt", "training.pt", "protocol4.pt", "bigendian.pt", "parameters.pt", "minimal.pt", "legacy.pt", "named.model.pt"]

    @Test(arguments: fixtures)
    func writeThenReadIsIdentical(_ name: String) throws {
        let original = try Checkpoint.read(Fixtures.path("torch_files/\(name)"))
        let dir = try Temporary.folder()
        let out = dir.appendingPathComponent(name).path
        defer { Temporary.remove(dir) }
        try Checkpoint.write(original.stateDict, to: out, format: .torchZip)
        let back = try Checkpoint.read(out)
        #expect(back.format == .torchZip)
        try TorchFixtures.expectMatches(back.stateDict, name)
        #expect(back.stateDict.metadata.mapValues(\.description) == original.stateDict.metadata.mapValues(\.description))
        #expect(back.stateDict.root.dict?.state?.description == original.stateDict.root.dict?.state?.description)
        // Every storage record is 64-byte aligned and STORED.
        let archive = try ZipArchive(try MappedFile(path: out))
        for e in archive.entries {
            #expect(e.method == ZipArchive.stored)
            #expect(e.dataOffset % 64 == 0, "\(e.name)")
        }
        #expect(archive.entries.first?.name == "archive/data.pkl")
        #expect(archive.entries.contains { $0.name == "archive/version" })
        let records = archive.entries.filter { $0.name.hasPrefix("archive/data/") }.count
        #expect(records == Set(original.stateDict.tensors.values.map { "\(ObjectIdentifier($0.storage))\($0.dtype)" }).count)
    }
}
