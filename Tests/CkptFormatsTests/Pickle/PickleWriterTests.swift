import CkptCore
import CkptTestSupport
import Foundation
import Testing
@testable import CkptFormats

@Suite struct PickleWriterTests {
    /// Pickles `sd` and reads it back through the unpickler, storages served from the writer's records.
    func roundTrip(_ sd: StateDict) throws -> (StateDict, [UInt8], TorchPickler) {
        var pickler = TorchPickler()
        let bytes = try pickler.pickle(sd.root)
        var stored: [String: (DType, [UInt8])] = [:]
        for r in pickler.records { stored[r.key] = (r.dtype, try r.withLittleEndianBytes { Array($0) }) }
        let u = TorchUnpickler { key, dtype, numel in
            let (d, raw) = try #require(stored[key])
            #expect(numel * (dtype?.itemSize ?? 1) == raw.count)
            return TensorStorage(key: key, dtype: dtype ?? d, bytes: .bytes(raw))
        }
        let value = try bytes.withUnsafeBytes { try u.load($0).value }
        return (StateDict(root: value), bytes, pickler)
    }

    @Test func legacyStateDictRoundTripsThroughThePickler() throws {
        let sd = try TorchLegacyReader.read(try MappedFile(path: Fixtures.path("torch_files/legacy.pt")))
        let (back, bytes, pickler) = try roundTrip(sd)
        try TorchFixtures.expectMatches(back, "legacy.pt")
        // Views and tied weights share one record each: the file has as many records as storages.
        #expect(pickler.records.count == Set(sd.tensors.values.map { ObjectIdentifier($0.storage) }).count)
        // Protocol 2 opcodes only.
        var reader = PickleOpcodeReader(UnsafeRawBufferPointer(start: nil, count: 0))
        try bytes.withUnsafeBytes { raw in
            reader = PickleOpcodeReader(raw)
            while !reader.isAtEnd {
                let (op, _) = try reader.next()
                #expect(op.weightsOnlyAccepts, "\(op.name)")
            }
        }
    }

    @Test func metadataValuesRoundTrip() throws {
        var inner = CheckpointDict(isOrdered: false)
        inner.items[.int(0)] = .dict(CheckpointDict(items: [.string("step"): .float(2)], isOrdered: false))
        var root = CheckpointDict(isOrdered: false)
        root["epoch"] = .int(3)
        root["neg"] = .int(-70000)
        root["wide"] = .int(1 << 40)
        root["huge"] = .bigInt("-1180591620717411303424")
        root["lr"] = .float(1e-3)
        root["name"] = .string("héllo")
        root["blob"] = .bytes([0, 255, 65])
        root["betas"] = .tuple([.float(0.9), .float(0.999)])
        root["many"] = .tuple([.int(1), .int(2), .int(3), .int(4)])
        root["flags"] = .list([.none, .bool(true), .bool(false)])
        root["tags"] = .set([.int(1)])
        root["dtype"] = .object("torch.float16", [])
        root["state"] = .dict(inner)
        var od = CheckpointDict(isOrdered: true)
        od["x"] = .int(1)
        var version = CheckpointDict(isOrdered: false)
        version["version"] = .int(1)
        var meta = CheckpointDict(isOrdered: true)
        meta[""] = .dict(version)
        var state = CheckpointDict(isOrdered: false)
        state["_metadata"] = .dict(meta)
        od.state = .dict(state)
        root["sd"] = .dict(od)
        let (back, _, _) = try roundTrip(StateDict(root: .dict(root)))
        #expect(back.root.description == StateDict(root: .dict(root)).root.description)
        #expect(back.root.dict?["sd"]?.dict?.isOrdered == true)
        #expect(back.root.dict?["sd"]?.dict?.state?.description == "{'_metadata': {'': {'version': 1}}}")
    }

    @Test func refusesObjectsTorchWouldRefuse() {
        var pickler = TorchPickler()
        #expect(throws: CheckpointError.self) { try pickler.pickle(.object("os.system", [.string("id")])) }
    }
}
