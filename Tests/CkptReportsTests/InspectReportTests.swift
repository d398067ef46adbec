import CkptCore
import CkptTestSupport
import Foundation
import OrderedCollections
import Testing
@testable import CkptReports

@Suite struct InspectReportTests {
    /// The `tied` reference model's layout: `2.weight` and `4.weight` are one storage.
    func tied() throws -> StateDict {
        let shared = try TestTensors.ramp([8, 8])
        return TestTensors.stateDict([
            ("0.weight", try TestTensors.ramp([8, 4])), ("0.bias", try TestTensors.ramp([8])),
            ("2.weight", shared), ("2.bias", try TestTensors.ramp([8])),
            ("4.weight", shared), ("4.bias", try TestTensors.ramp([8])),
            ("6.weight", try TestTensors.ramp([1, 8])), ("6.bias", try TestTensors.ramp([1])),
        ])
    }

    func json<T: Encodable>(_ v: T) throws -> [String: Any] {
        let e = JSONEncoder()
        e.outputFormatting = .sortedKeys
        return try #require(try JSONSerialization.jsonObject(with: e.encode(v)) as? [String: Any])
    }

    @Test func rowsTotalsAndSharing() throws {
        let r = try InspectReport(file: "tied.pt", format: "torch-zip", stateDict: tied())
        #expect(r.tensors.map(\.key) == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias", "6.weight", "6.bias"])
        #expect(r.tensors[4].sharedWith == "2.weight")
        #expect(r.tensors[2].sharedWith == nil)
        #expect(r.totalNumel == 32 + 8 + 64 + 8 + 64 + 8 + 8 + 1)
        #expect(r.uniqueNumel == r.totalNumel - 64)
        #expect(r.totalBytes == r.totalNumel * 4)
        #expect(r.byDtype["float32"] == InspectReport.DTypeTotal(tensors: 8, numel: 193, bytes: 772))
    }

    @Test func jsonHasTheContractFields() throws {
        var sd = try tied()
        sd.attributes["format"] = "pt"
        let r = try InspectReport(file: "tied.pt", format: "torch-zip", stateDict: sd, stats: true)
        let o = try json(r)
        for k in ["file", "format", "tensors", "metadata", "total_numel", "unique_numel", "total_bytes"] {
            #expect(o[k] != nil, "missing \(k)")
        }
        let rows = try #require(o["tensors"] as? [[String: Any]])
        #expect(rows[4]["shared_with"] as? String == "2.weight")
        #expect(rows[0]["shared_with"] == nil)
        #expect(rows[0]["shape"] as? [Int] == [8, 4])
        let stats = try #require(rows[1]["stats"] as? [String: Any])
        #expect(stats["max"] as? Double == 7 && stats["nan"] as? Int == 0)
        #expect((o["metadata"] as? [String: Any])?["format"] as? String == "pt")
    }

    @Test func metadataKeepsNonTensorLeaves() throws {
        var root = CheckpointDict(isOrdered: false)
        var model = CheckpointDict()
        model["w"] = .tensor(try TestTensors.ramp([2]))
        root["model"] = .dict(model)
        root["epoch"] = .int(3)
        root["lr"] = .float(0.01)
        root["name"] = .string("adam")
        root["betas"] = .tuple([.float(0.9), .float(0.999)])
        root["loss"] = .float(.nan)
        let r = try InspectReport(file: "f", format: "torch-zip", stateDict: StateDict(root: .dict(root)))
        #expect(Array(r.metadata.keys) == ["epoch", "lr", "name", "betas", "loss"])
        #expect(r.metadata["betas"] == .array([.double(0.9), .double(0.999)]))
        #expect(r.metadata["loss"] == .string("nan"))
        let o = try json(r)
        #expect((o["metadata"] as? [String: Any])?["epoch"] as? Int == 3)
    }

    @Test func filterKeepsMatchingKeysAndTotalsFollow() throws {
        let r = try InspectReport(file: "t", format: "npz", stateDict: tied(), filter: KeyGlob("*.bias"))
        #expect(r.tensors.map(\.key) == ["0.bias", "2.bias", "4.bias", "6.bias"])
        #expect(r.totalNumel == 25)
    }

    @Test func treeGroupsByPrefixWithSubtotals() throws {
        let sd = TestTensors.stateDict([
            ("enc.layers.0.w", try TestTensors.ramp([2, 3])), ("enc.layers.1.w", try TestTensors.ramp([2, 3])),
            ("enc.norm", try TestTensors.ramp([4])), ("head.w", try TestTensors.ramp([5])),
            ("scale", try TestTensors.ramp([])),
        ])
        let r = try InspectReport(file: "t", format: "npz", stateDict: sd)
        let tree = InspectTree(rows: r.tensors)
        #expect(tree.numel == 6 + 6 + 4 + 5 + 1)
        let flat = tree.flattened().map { "\(String(repeating: " ", count: $0.level))\($0.node.name)=\($0.node.numel)" }
        #expect(flat == ["enc=16", " layers=12", "  0=6", "   w=6", "  1=6", "   w=6", " norm=4", "head=5", " w=5", "scale=1"])
        let shallow = InspectTree(rows: r.tensors, depth: 1).flattened().map { "\($0.node.path)=\($0.node.numel)" }
        #expect(shallow == ["enc=16", "head=5", "scale=1"])
        let two = InspectTree(rows: r.tensors, depth: 2).flattened().map { "\($0.node.path)=\($0.node.numel)" }
        #expect(two == ["enc=16", "enc.layers=12", "enc.norm=4", "head=5", "head.w=5", "scale=1"])
    }
}

/// Metadata-only reports never touch tensor bytes: a storage whose loader fails would make them throw.
@Suite struct MetadataOnlyTests {
    struct Touched: Error {}

    func untouchable(_ shape: [Int]) throws -> TensorEntry {
        let n = shape.reduce(1, *)
        let storage = TensorStorage(key: "0", dtype: .float32, bytes: .loader(count: n * 4) { throw Touched() })
        return try TensorEntry(dtype: .float32, shape: shape, storage: storage)
    }

    @Test func inspectTreeAndCountReadNoBytes() throws {
        let w = try untouchable([4, 4])
        let sd = TestTensors.stateDict([("a.weight", w), ("b.weight", w), ("c.bias", try untouchable([4]))])
        let r = try InspectReport(file: "f", format: "torch-zip", stateDict: sd, filter: KeyGlob("*"))
        #expect(r.uniqueNumel == 20 && r.tensors[1].sharedWith == "a.weight")
        #expect(InspectTree(rows: r.tensors, depth: 1).numel == 36)
        #expect(CountReport(stateDict: sd).parameters == 20)
        // And asking for values does read them (so the loader above really is the tripwire).
        #expect(throws: Touched.self) { _ = try InspectReport(file: "f", format: "torch-zip", stateDict: sd, stats: true) }
    }
}

@Suite struct InspectTreeLimitsTests {
    @Test func veryDeepKeysAreCappedNotRecursed() throws {
        let key = (0 ..< 10_000).map(String.init).joined(separator: ".")
        let sd = TestTensors.stateDict([(key, try TestTensors.ramp([2]))])
        let r = try InspectReport(file: "f", format: "npz", stateDict: sd)
        let flat = InspectTree(rows: r.tensors).flattened()
        #expect(flat.count == InspectTree.maxLevels)
        #expect(flat.last?.node.row?.key == key)
        #expect(flat.last?.node.path == key)
    }
}
