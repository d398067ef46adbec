import CkptCore
@testable import CkptFormats
import CkptTestSupport
import Foundation
import Testing

/// TorchScript archives and a torch.export archive written by torch 2.15 (`Fixtures/gen/torchscript_files.py`) read
/// as `torch.jit.load(f).state_dict()` / `torch.export.load(f).state_dict` give them: keys in order, dtypes,
/// shapes, bytes, tied storage, and the archive's own parameter/buffer split.
@Suite struct TorchScriptReaderTests {
    static let fixtures = FormatManifest.fixtures(in: "torchscript_files")

    @Test func everyArchiveHasItsManifest() {
        #expect(Self.fixtures == ["torchscript_files/exported.pt2", "torchscript_files/frozen.pt",
                                  "torchscript_files/scripted.pt", "torchscript_files/traced.pt"])
    }

    @Test(arguments: fixtures)
    func readsAsTorchLoadsIt(_ name: String) throws {
        let (checkpoint, manifest) = try FormatManifest.expectRead(name)
        let buffers = try #require(checkpoint.stateDict.bufferKeys, "\(name): the archive records its buffers")
        #expect(buffers == Set(manifest.buffers ?? []), "\(name)")
        let parameters = checkpoint.stateDict.tensors.keys.filter { !buffers.contains($0) }
        #expect(Array(parameters) == manifest.parameters, "\(name)")
        for (key, t) in checkpoint.stateDict.tensors {
            #expect(t.storage.bytes.mappedFile != nil && !t.requiresGrad, "\(name) \(key): mapped, detached")
        }
    }

    /// The scripted module's corner cases, as torch reports them (the manifest test checks them all; these say why).
    @Test func scriptedModuleKeepsWhatStateDictKeeps() throws {
        let sd = try Checkpoint.read(Fixtures.path("torchscript_files/scripted.pt")).stateDict
        let keys = Array(sd.tensors.keys)
        #expect(keys.prefix(4) == ["tied", "brain", "scale", "transient"], "parameters, then buffers, then submodules")
        #expect(keys.contains("transient"), "a non-persistent buffer is a TorchScript buffer like any other")
        #expect(!keys.contains("state") && !keys.contains("nobias.bias"), "plain tensor attributes and None parameters are not entries")
        #expect(sd.sharedWith["seq.0.weight"] == "tied")
        #expect(sd.tensors["bn.num_batches_tracked"]?.dtype == .int64 && sd.tensors["bn.num_batches_tracked"]?.shape == [])
    }

    @Test func traceKeepsStridesAndIgnoresConstants() throws {
        let sd = try Checkpoint.read(Fixtures.path("torchscript_files/traced.pt")).stateDict
        let wt = try #require(sd.tensors["wt"])
        #expect(wt.shape == [4, 3] && wt.strides == [1, 4] && !wt.isContiguous)
        #expect(sd.tensors.count == 8, "constants.pkl's tensor is not a state_dict entry")
    }

    @Test func classSourceListsParse() throws {
        let source = """
        class A(Module):
          __parameters__ = ["weight", "b\\"q", ]
          __buffers__ = []
          weight : Tensor
          def forward(self: __torch__.A) -> None:
            __parameters__ = ["not", "this"]
            return None
        class B(Module):
          __parameters__ = []
        class C:
          x : int
        """
        let classes = try TorchScriptClass.parse(source, file: "f.py")
        #expect(classes["A"] == TorchScriptClass(isModule: true, parameters: ["weight", "b\"q"], buffers: []))
        #expect(classes["B"] == TorchScriptClass(isModule: true), "an old exporter's class without __buffers__")
        #expect(classes["C"] == TorchScriptClass(isModule: false))
        #expect(throws: CheckpointError.self) { try TorchScriptClass.names("[\"open", file: "f.py") }
    }

    @Test func detectionTellsTheArchivesApart() throws {
        #expect(try CheckpointFormat.detect(Fixtures.map("torchscript_files/frozen.pt")) == .torchscript)
        #expect(try CheckpointFormat.detect(Fixtures.map("torchscript_files/exported.pt2")) == .torchExport)
        #expect(try CheckpointFormat.detect(Fixtures.map("torchscript_files/scripted.state_dict.pt")) == .torchZip)
        #expect(CheckpointFormat.isTorchScriptMember("m/constants.pkl") && CheckpointFormat.isTorchScriptMember("m/code/__torch__.py"))
        #expect(!CheckpointFormat.isTorchScriptMember("m/data.pkl") && !CheckpointFormat.isTorchScriptMember("m/data/code"))
    }

    /// The same weights saved by torch.save read identically.
    @Test func stateDictSavedByTorchIsTheSame() throws {
        let jit = try Checkpoint.read(Fixtures.path("torchscript_files/scripted.pt")).stateDict.tensors
        let saved = try Checkpoint.read(Fixtures.path("torchscript_files/scripted.state_dict.pt")).stateDict.tensors
        #expect(Array(jit.keys) == Array(saved.keys))
        for (key, t) in jit { #expect(try t.contiguousBytes() == saved[key]?.contiguousBytes(), "\(key)") }
    }
}
