import CkptCore
import CkptFormats
import CkptTestSupport
import Foundation
import Testing

/// A Hugging Face model folder (or its `config.json`) reads as its weights — `model.safetensors`, the sharded
/// index, or `pytorch_model.bin`, in from_pretrained's order — under the format id `folder`.
@Suite struct ModelFolderFormatTests {
    typealias HF = HuggingFaceFixtures

    @Test(arguments: [("llama", "model.safetensors"), ("qwen2", "model.safetensors.index.json"), ("qwen3", "pytorch_model.bin")])
    func folderReadsAsItsWeightsFile(name: String, weights: String) throws {
        let folder = HF.path(name)
        #expect(try ModelFolder.weights(in: folder) == folder + "/" + weights)
        let viaFolder = try Checkpoint.read(folder)
        let viaConfig = try Checkpoint.read(folder + "/config.json")
        let direct = try Checkpoint.read(folder + "/" + weights)
        #expect(viaFolder.format == .folder && viaConfig.format == .folder && viaFolder.path == folder)
        #expect(Array(viaFolder.stateDict.tensors.keys) == Array(direct.stateDict.tensors.keys))
        #expect(Array(viaConfig.stateDict.tensors.keys) == Array(direct.stateDict.tensors.keys))
        let key = try #require(direct.stateDict.tensors.keys.first)
        #expect(try viaFolder.stateDict.tensors[key]?.floatValues() == direct.stateDict.tensors[key]?.floatValues())
    }

    @Test func folderWithoutWeightsNamesTheFolder() throws {
        do {
            _ = try Checkpoint.read(HF.path("unknown"))
            Issue.record("a folder without weights read")
        } catch let e as FileError {
            #expect(e.description == HF.path("unknown")
                    + ": no weights in the folder (model.safetensors, model.safetensors.index.json or pytorch_model.bin)")
        }
    }

    /// Only a JSON object with a `model_type` is a config: a shard index or any other JSON is not.
    @Test func configFilesAreRecognisedByTheirModelType() throws {
        #expect(ModelFolder.isConfigFile(HF.path("bert/config.json")) && ModelFolder.isFolder(HF.path("bert")))
        #expect(!ModelFolder.isConfigFile(HF.path("qwen2/model.safetensors.index.json")))
        #expect(!ModelFolder.isFolder(HF.path("io")) && !ModelFolder.isConfigFile(HF.path("io/ids.npy")))
        #expect(try Checkpoint.read(HF.path("qwen2/model.safetensors.index.json")).format == .sharded)
    }
}
