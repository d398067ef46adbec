import CkptCore
import CkptTestSupport
import Foundation
import Testing
@testable import CkptFormats

@Suite struct TorchZipTests {
    static let readable = ["dtypes.pt", "tied.pt", "training.pt", "protocol4.pt", "bigendian.pt", "parameters.pt", "minimal.pt", "named.model.pt"]

    func read(_ name: String) throws -> (MappedFile, StateDict) {
        let file = try MappedFile(path: Fixtures.path("torch_files/\(name)"))
        #expect(try CheckpointFormat.detect(file) == .torchZip)
        return (file, try TorchZipReader.read(file))
    }

    @Test(arguments: readable)
    func readsLikeTorch(_ name: String) throws {
        let (_, sd) = try read(name)
        try TorchFixtures.expectMatches(sd, name)
    }

    @Test func storagesAreMappedAndShared() throws {
        let (file, sd) = try read("dtypes.pt")
        let t = sd.tensors
        let base = try #require(t["f32"])
        for k in ["f32_t", "f32_row", "f32_cols", "f32_alias"] { #expect(t[k]?.storage === base.storage, "\(k)") }
        #expect(base.storage.bytes.mappedFile === file)
        #expect(t["f32_row"]?.storageOffset == 4)
        #expect(t["u16"]?.dtype == .uint16)
        #expect(t["scalar"]?.shape == [])
        #expect(t["empty"]?.shape == [0, 4])
    }

    @Test func stateDictMetadataAndParameters() throws {
        let (_, sd) = try read("tied.pt")
        let root = try #require(sd.root.dict)
        #expect(root.isOrdered)
        #expect(root.state?.description == "{'_metadata': {'': {'version': 1}, 'emb': {'version': 1}, 'bn': {'version': 2}, 'lin': {'version': 1}}}")
        #expect(sd.tensors["lin.weight"]?.storage === sd.tensors["emb.weight"]?.storage)
        let (_, params) = try read("parameters.pt")
        #expect(params.tensors["emb.weight"]?.isParameter == true)
        #expect(params.tensors["emb.weight"]?.requiresGrad == true)
        #expect(params.tensors["weird"]?.isParameter == false)
    }

    @Test func trainingCheckpointIsNested() throws {
        let (_, sd) = try read("training.pt")
        let m = try TorchFixtures.manifest("training.pt")
        let meta = sd.metadata
        for (k, v) in m.metadata { #expect(meta[k]?.description == v, "\(k)") }
        let state = try #require(sd.root.dict?["optimizer"]?.dict?["state"]?.dict)
        #expect(Array(state.items.keys) == [.int(0), .int(1), .int(2), .int(3)])
        #expect(try sd.entry("model").tensors.count == 4)
    }

    @Test func bigEndianStoragesAreSwappedOnRead() throws {
        let (_, sd) = try read("bigendian.pt")
        #expect(sd.tensors["f32"]?.storage.byteOrder == .big)
        #expect(try sd.tensors["i64"]?.doubleValues() == [-3, -2, -1, 0, 1, 2])
    }

    @Test func refusesOsSystemNamingTheGlobal() throws {
        #expect {
            try Checkpoint.read(Fixtures.path("torch_files/evil_os_system.pt"))
        } throws: { e in
            guard let f = e as? FileError, case .unsafe(let m) = f.underlying else { return false }
            return m.contains("os.system")
        }
    }

    @Test(arguments: ["truncated.pt", "short_storage.pt", "huge_shape.pt", "huge_numel.pt", "view_out_of_range.pt"])
    func hostileFilesFailWithOneError(_ name: String) throws {
        #expect(throws: FileError.self) {
            let c = try Checkpoint.read(Fixtures.path("torch_files/\(name)"))
            for t in c.stateDict.tensors.values { _ = try t.contiguousBytes() }
        }
    }

    @Test func refusesLazyConjugateTensors() throws {
        #expect {
            try Checkpoint.read(Fixtures.path("torch_files/conj.pt"))
        } throws: { e in
            guard let f = e as? FileError, case .unsupported(let m) = f.underlying else { return false }
            return m.contains("conj")
        }
    }

    /// A TorchScript archive is not a torch.save file: the torch-zip reader refuses it, detection sends it to the
    /// TorchScript reader (TorchScriptReaderTests).
    @Test func refusesTorchScriptAndPickledModules() throws {
        #expect {
            try TorchZipReader.read(Fixtures.map("torch_files/scripted.pt"))
        } throws: { e in
            guard let e = e as? CheckpointError, case .unsupported(let m) = e else { return false }
            return m.contains("TorchScript")
        }
        let scripted = try Checkpoint.read(Fixtures.path("torch_files/scripted.pt"))
        #expect(scripted.format == .torchscript && Array(scripted.stateDict.tensors.keys) == ["weight", "bias"])
        #expect {
            try Checkpoint.read(Fixtures.path("torch_files/whole_module.pt"))
        } throws: { e in
            guard let f = e as? FileError, case .unsafe(let m) = f.underlying else { return false }
            return m.contains("torch.nn.modules.container.Sequential")
        }
        let globals = try PickleGlobalScan.scan(try MappedFile(path: Fixtures.path("torch_files/whole_module.pt")), format: .torchZip)
        #expect(globals.contains { $0.fullName == "torch.nn.modules.linear.Linear" && !$0.allowed })
    }

    @Test func globalScan() throws {
        let dtypes = try PickleGlobalScan.report(try MappedFile(path: Fixtures.path("torch_files/dtypes.pt")), format: .torchZip)
        let names = dtypes.globals.map(\.fullName)
        #expect(names.prefix(3) == ["collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch.FloatStorage"])
        #expect(names.contains("torch.storage.UntypedStorage") && names.contains("torch.uint16"))
        #expect(dtypes.weightsOnlyLoadable)
        let p4 = try PickleGlobalScan.report(try MappedFile(path: Fixtures.path("torch_files/protocol4.pt")), format: .torchZip)
        #expect(p4.refusedOpcodes.contains("FRAME") && p4.refusedOpcodes.contains("STACK_GLOBAL"))
        #expect(p4.globals.map(\.fullName) == ["collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch.FloatStorage", "torch.LongStorage"])
        #expect(!p4.weightsOnlyLoadable)
        let evil = try PickleGlobalScan.scan(try MappedFile(path: Fixtures.path("torch_files/evil_os_system.pt")), format: .torchZip)
        #expect(evil.map(\.fullName) == ["collections.OrderedDict", "os.system"])
        #expect(evil.map(\.allowed) == [true, false])
        let legacy = try PickleGlobalScan.scan(try MappedFile(path: Fixtures.path("torch_files/legacy.pt")), format: .torchLegacy)
        #expect(legacy.map(\.fullName).contains("torch.BFloat16Storage"))
    }

    @Test(arguments: ["dtypes.pt", "tied.pt", "training.pt"])
    func cutAndFlippedCopiesNeverCrash(_ name: String) throws {
        try DamagedCopies.truncated("torch_files/\(name)", lengths: { Array(stride(from: 0, to: $0, by: 97)) }) { path, _ in
            #expect(throws: (any Error).self) { try Checkpoint.read(path) }
        }
        try DamagedCopies.flipped("torch_files/\(name)", positions: { Array(stride(from: 0, to: $0, by: 53)) }) { path, _ in
            if let c = try? Checkpoint.read(path) {
                for t in c.stateDict.tensors.values { _ = try? t.contiguousBytes() }
            }
        }
    }
}
