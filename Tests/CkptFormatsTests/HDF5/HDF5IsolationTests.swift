import CkptCore
import CkptTestSupport
import Foundation
import Testing
@testable import CkptFormats

/// libhdf5 runs only in guarded child processes (issue 15): files that crash Debian's libhdf5 1.10 are errors
/// in this process, never signals; chunk data that does not inflate is an error naming the file.
@Suite struct HDF5IsolationTests {
    /// Minimal reproductions from the mutation runs (Fixtures/gen/hostile_inputs.py): six changed bytes of
    /// nested.h5 crashed ckpt's own process once; three changed bytes make libhdf5 dereference a wild pointer in
    /// H5HG_read (or, with another memory layout, fail first). Either way this process gets an error and survives:
    /// read in-process, the crash would end the whole test run.
    @Test(arguments: ["hostile_inputs/hdf5_crash_six_bytes.h5", "hostile_inputs/hdf5_crash_heap.h5"])
    func crashingFilesAreErrors(_ name: String) throws {
        for _ in 0 ..< 3 {
            #expect(throws: CheckpointError.self, "\(name)") { try HDF5Reader.read(MappedFile(path: Fixtures.path(name))) }
        }
    }

    /// A group that links back into itself with a link count of one (two changed bytes of keras3.keras, found by
    /// `make fuzz`): libhdf5's own visit never ends on it, so ckpt's visit stops at the first object met twice.
    @Test func groupCyclesAreErrorsAtOnce() throws {
        let path = Fixtures.path("hostile_inputs/keras_group_cycle.keras")
        do {
            _ = try Checkpoint.read(path)
            Issue.record("the file was read")
        } catch let e as FileError {
            #expect(e.path == path && e.description.contains("a group links back into itself"), "\(e)")
        }
    }

    /// A gzip chunk that does not inflate: the file opens (its metadata is sound), reading the tensor fails in the
    /// reading child, and through `Checkpoint.read` the error names the file.
    @Test func corruptChunkDataIsAnErrorNamingTheFile() throws {
        let path = Fixtures.path("hostile_inputs/corrupt_chunk.h5")
        let checkpoint = try Checkpoint.read(path)
        let tensors = checkpoint.stateDict.tensors
        #expect(try tensors["plain"]?.floatValues() == [0, 1, 2, 3])
        do {
            _ = try tensors["w"]?.contiguousBytes()
            Issue.record("the corrupt chunk was read")
        } catch let e as FileError {
            #expect(e.path == path && e.description.contains("cannot read dataset '/w'"), "\(e)")
        }
    }

    /// Every dataset and attribute of the committed files reads the same through the child's description as the
    /// manifests say (HDF5ReaderTests); here: the description holds each object once, links by index.
    @Test func descriptionNamesEveryObjectOnce() throws {
        let h5 = try HDF5File(MappedFile(path: Fixtures.path("hdf5/nested.h5")))
        let addresses = h5.description.objects.map(\.address)
        #expect(Set(addresses).count == addresses.count)
        #expect(h5.object(HDF5File.root).isGroup)
        let enc = try #require(h5.object(at: "/enc"))
        #expect(try h5.links(of: enc, path: "/enc").map(\.name) == ["block.0", "proj"])
        #expect(h5.object(at: "/enc/missing") == nil)
    }

    /// `/` in a key would come back as a dot: the writer refuses it instead of renaming it.
    @Test func keysWithSlashesAreRefusedNotRenamed() throws {
        let path = Temporary.path(".h5")
        defer { unlink(path) }
        let t = try TensorEntry(dtype: .float32, shape: [1], bytes: [0, 0, 128, 63])
        do {
            try HDF5Writer.write(StateDict(tensors: ["b.c/d": t]), to: path)
            Issue.record("'b.c/d' was written")
        } catch let e as CheckpointError {
            #expect(e.description.contains("'b.c/d'") && e.description.contains("'b.c.d'"), "\(e)")
        }
    }
}
