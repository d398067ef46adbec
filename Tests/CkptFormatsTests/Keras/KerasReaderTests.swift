import CkptCore
import CkptTestSupport
import Foundation
import Testing
@testable import CkptFormats

@Suite struct KerasReaderTests {
    @Test func kerasZipReadsTheWeightsInPlace() throws {
        let file = try MappedFile(path: Fixtures.path("hdf5/keras3.keras"))
        #expect(try CheckpointFormat.detect(file) == .keras)
        let sd = try KerasReader.read(file)
        #expect(try TensorRecord.records(sd) == FileManifest.of("hdf5/keras3.keras").tensors)
        let first = try #require(sd.tensors.values.first)
        #expect(first.storage.bytes.mappedFile === file)
        #expect(sd.attributes["keras_version"] == "3.15.1")
        #expect(sd.attributes["config"]?.contains("\"Sequential\"") == true)
        #expect(sd.attributes["layers/dense/vars@name"] == "dense_a")
    }

    @Test func deflatedWeightsMemberIsInflatedAndRead() throws {
        let file = try MappedFile(path: Fixtures.path("hdf5/keras3_deflated.keras"))
        let sd = try KerasReader.read(file)
        #expect(try TensorRecord.records(sd) == FileManifest.of("hdf5/keras3_deflated.keras").tensors)
        #expect(sd.tensors.values.first?.storage.bytes.mappedFile == nil)
        #expect(sd.attributes["date_saved"] == "2026-01-01@00:00:00")
    }

    @Test func checkpointReadDispatchesToKeras() throws {
        let c = try Checkpoint.read(Fixtures.path("hdf5/keras3.keras"))
        #expect(c.format == .keras)
        #expect(c.stateDict.tensors.count == 22)
    }

    @Test func legacyKeyScheme() {
        #expect(KerasLegacyLayout.keyPath(layer: "dense", weight: "dense/kernel:0") == ["dense", "kernel"])
        #expect(KerasLegacyLayout.keyPath(layer: "bn", weight: "sequential/bn/gamma") == ["bn", "gamma"])
        #expect(KerasLegacyLayout.keyPath(layer: "model_1", weight: "dense_1/kernel:0") == ["model_1", "dense_1", "kernel"])
        #expect(KerasLegacyLayout.keyPath(layer: "lstm", weight: "lstm/lstm_cell/kernel:0") == ["lstm", "lstm_cell", "kernel"])
    }

    @Test func legacyLayerListsAreNotMetadata() throws {
        for name in ["keras2_legacy.h5", "keras2_chunked.h5"] {
            let sd = try HDF5Reader.read(MappedFile(path: Fixtures.path("hdf5/\(name)")))
            #expect(Array(sd.attributes.keys) == ["backend", "keras_version"], "\(name)")
        }
    }

    @Test func truncatedKerasZipIsAnError() throws {
        try DamagedCopies.truncated("hdf5/keras3.keras", lengths: { Array(stride(from: 1, to: $0, by: 1709)) }) { path, cut in
            #expect(throws: (any Error).self, "cut at \(cut)") { try KerasReader.read(MappedFile(path: path)) }
        }
    }
}
