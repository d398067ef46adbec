import CkptCore
import CkptFormats
import CkptTestSupport
import Foundation
import Testing

/// Every reference fixture read through `Checkpoint.read` gives exactly what the real library wrote, as recorded
/// in `Fixtures/reference/manifest.json`: keys in order, dtypes, shapes, the SHA-256 of each tensor's bytes,
/// storage sharing, non-tensor metadata and format attributes.
@Suite struct ReferenceReadTests {
    @Test func manifestLoadsAndListsEveryFixture() throws {
        let manifest = try ReferenceManifest.loaded.get()
        #expect(manifest.files.count >= 60)
        // Every format ckpt reads from these files has fixtures here.
        // GGUF, TorchScript, torch.export, DCP and ONNX have their own fixtures and manifests (Fixtures/gguf_files,
        // torchscript_files, dcp_files, onnx_files), model folders theirs (Fixtures/hf_models, ModelFolderFormatTests).
        let ownFixtures: Set<CheckpointFormat> = [.npy, .gguf, .torchscript, .torchExport, .dcp, .onnx, .folder]
        for format in CheckpointFormat.allCases where !ownFixtures.contains(format) {
            #expect(!ReferenceManifest.files(format).isEmpty, "no \(format.rawValue) fixture")
        }
        for name in manifest.files.keys {
            #expect(FileManager.default.fileExists(atPath: ReferenceManifest.path(name)), "missing fixture \(name)")
        }
        let models: Set<String> = ["mlp", "rgnet", "lenet", "cnn_tutorial", "buggy", "buggy_fixed", "modulelist", "tied",
                                   "tiny_regression", "tiny_regression_tanh", "simple_linear", "seqnet"]
        #expect(Set(manifest.models.keys) == models)
        for (name, model) in manifest.models {
            #expect(FileManager.default.fileExists(atPath: ReferenceManifest.path(model.repr)), "missing \(model.repr)")
            #expect(manifest.files["\(name).pt"]?.count?.parameters == model.parameters, "\(name).pt count")
        }
        // REFERENCE_MODELS.md's figures, as real PyTorch computed them.
        #expect(manifest.models["tiny_regression"]?.parameters == 40)
        #expect(manifest.models["buggy"]?.parameterShapes == [[123, 456], [32, 1, 5, 5], [32]])
        #expect(manifest.models["buggy_fixed"]?.parameterShapes == [[123, 456], [32, 1, 5, 5], [32], [21, 542], [21]])
        #expect(manifest.models["lenet"]?.parameterShapes.count == 10)
        #expect(manifest.models["tied"]?.parameters == 121)
    }

    /// Every file, whatever its format (the first test checks that each readable format has files).
    @Test(arguments: ReferenceManifest.allFiles)
    func readsAsItsManifestSays(_ name: String) throws { try Self.check(name) }

    /// `train.pt#model` is the model's own state_dict.
    @Test func entrySelectsTheModelOfATrainingCheckpoint() throws {
        let entry = try #require(ReferenceManifest.shared?.files["train.pt"])
        let model = try Checkpoint.read(reference: ReferenceManifest.path("train.pt") + "#model")
        let expected = entry.tensors.map(\.key).filter { $0.hasPrefix("model.") }.map { String($0.dropFirst(6)) }
        #expect(expected == ["0.weight", "0.bias", "2.weight", "2.bias"])
        #expect(Array(model.stateDict.tensors.keys) == expected)
    }

    /// Each model's `.pt` holds its `named_parameters()` with the shapes PyTorch reports.
    @Test(arguments: ReferenceManifest.modelNames)
    func modelFileHoldsTheNamedParameters(_ model: String) throws {
        let info = try #require(ReferenceManifest.shared?.models[model])
        let tensors = try Checkpoint.read(ReferenceManifest.path("\(model).pt")).stateDict.tensors
        for (name, shape) in zip(info.namedParameters, info.parameterShapes) {
            #expect(tensors[name]?.shape == shape, "\(model).pt \(name)")
        }
    }

    /// Compares one fixture with its manifest entry.
    static func check(_ name: String) throws {
        let entry = try #require(ReferenceManifest.shared?.files[name])
        let checkpoint = try Checkpoint.read(ReferenceManifest.path(name))
        #expect(checkpoint.format.rawValue == entry.format, "\(name)")
        let tensors = checkpoint.stateDict.tensors
        let found: [(String, TensorEntry)]
        if entry.keysAreExact {
            #expect(Array(tensors.keys) == entry.tensors.map(\.key), "\(name): keys or their order differ")
            found = entry.tensors.compactMap { r in tensors[r.key].map { (r.key, $0) } }
        } else {
            // Key names are the reader's choice (Keras): compare position by position.
            #expect(tensors.count == entry.tensors.count, "\(name): \(Array(tensors.keys))")
            found = Array(tensors.map { ($0.key, $0.value) }.prefix(entry.tensors.count))
        }
        let records = entry.keysAreExact ? entry.tensors.filter { tensors[$0.key] != nil } : Array(entry.tensors.prefix(found.count))
        for (record, (key, tensor)) in zip(records, found) {
            let what = "\(name) \(key) (\(record.hdf5Path ?? record.key))"
            #expect(tensor.dtype.rawValue == record.dtype, "\(what)")
            #expect(tensor.shape == record.shape, "\(what)")
            #expect(SHA256.hex(try tensor.contiguousBytes()) == record.sha256, "\(what): bytes differ")
        }
        if entry.keysAreExact {
            let shared = checkpoint.stateDict.sharedWith
            for record in entry.tensors {
                #expect(shared[record.key] == record.sharedWith, "\(name) \(record.key): shared_with")
            }
        }
        if let metadata = entry.metadata {
            let actual = checkpoint.stateDict.metadata
            #expect(Array(actual.keys) == metadata.map(\.key), "\(name): metadata keys")
            for m in metadata {
                #expect(actual[m.key]?.description == m.repr, "\(name) metadata \(m.key)")
            }
        } else if entry.format == CheckpointFormat.torchZip.rawValue || entry.format == CheckpointFormat.torchLegacy.rawValue {
            #expect(checkpoint.stateDict.metadata.isEmpty, "\(name): unexpected metadata \(Array(checkpoint.stateDict.metadata.keys))")
        }
        for (key, value) in entry.attributes ?? [:] {
            #expect(checkpoint.stateDict.attributes[key] == value, "\(name) attribute \(key)")
        }
    }
}
