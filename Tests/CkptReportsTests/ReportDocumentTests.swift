import CkptCore
import CkptTestSupport
import Foundation
import OrderedCollections
import Testing
@testable import CkptReports

/// The page's data: for one checkpoint its inspect and count reports and the tree of its parameters; for two, the
/// diff with each module's and layer's change, the |a − b| maps and the one-sided keys grouped.
@Suite struct ReportDocumentTests {
    static func json(_ value: some Encodable) throws -> [String: Any] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try #require(try JSONSerialization.jsonObject(with: encoder.encode(value)) as? [String: Any])
    }

    /// Every tensor leaf of `tree`, in order.
    static func leaves(_ tree: InspectTree) -> [InspectReport.Row] {
        tree.row.map { [$0] } ?? tree.children.flatMap(leaves)
    }

    static func side(_ stateDict: StateDict, _ name: String, stats: Bool) throws -> ReportDocument.Side {
        ReportDocument.Side(inspect: try InspectReport(file: name, format: "torch-zip", stateDict: stateDict, stats: stats, histograms: stats),
                            count: CountReport(stateDict: stateDict))
    }

    @Test func oneCheckpointCarriesItsReportsAndATreeOfParameters() throws {
        let sd = try ReportFixture.stateDict("mixed.pt")
        let document = ReportDocument(checkpoint: try Self.side(sd, "mixed.pt", stats: true))
        let a = document.a
        #expect(a.count.bufferKeys == ["norm.running_mean", "norm.running_var", "norm.num_batches_tracked", "mask", "ids"])
        // The treemap's tree: every parameter and no buffer, shared storage once, keys and sizes without the figures.
        let leaves = Self.leaves(a.tree)
        #expect(leaves.map(\.key) == a.inspect.tensors.map(\.key).filter { !a.count.bufferKeys.contains($0) })
        #expect(a.tree.uniqueNumel == a.count.parameters && a.tree.numel == a.count.parameters + 384, "decoder.weight is encoder.weight")
        #expect(leaves.allSatisfy { $0.stats == nil && $0.histogram == nil })
        #expect(a.inspect.tensors.filter { $0.histogram != nil }.count == 11 && a.inspect.tensors.allSatisfy { $0.stats != nil })

        let object = try Self.json(document)
        #expect(Set(object.keys) == ["a"])
        let side = try #require(object["a"] as? [String: Any])
        #expect(Set(side.keys) == ["inspect", "count", "buffers", "tree"])
        #expect(side["buffers"] as? [String] == a.count.bufferKeys)
        #expect(NSDictionary(dictionary: side["count"] as? [String: Any] ?? [:]) == NSDictionary(dictionary: try Self.json(a.count)))
        let tree = String(decoding: try JSONEncoder().encode(a.tree), as: UTF8.self)
        #expect(!tree.contains("\"stats\"") && !tree.contains("\"histogram\"") && !tree.contains("running_mean"))
    }

    @Test func twoCheckpointsCarryTheDiffModulesLayersMapsAndGroups() throws {
        let a = try ReportEdgesFixture.stateDict("conv_a.pt"), b = try ReportEdgesFixture.stateDict("conv_b.pt")
        let diff = try ReportEdgesFixture.convDiff()
        let document = ReportDocument(a: try Self.side(a, "conv_a.pt", stats: false), b: try Self.side(b, "conv_b.pt", stats: false),
                                      diff: diff)
        let golden = try ReportEdgesFixture.golden()
        #expect(document.layers?.map(\.path) == golden.layers.map(\.path))
        #expect(document.modules?.map(\.path) == golden.modules.map(\.path))
        #expect(document.onlyInAGroups == [.init(pattern: "extra.weight", keys: ["extra.weight"])])
        #expect(document.onlyInBGroups == [.init(pattern: "new.weight", keys: ["new.weight"])])

        let object = try Self.json(document)
        #expect(Set(object.keys) == ["a", "b", "diff", "modules", "layers", "heatmaps", "only_in_a_groups", "only_in_b_groups"])
        #expect(NSDictionary(dictionary: object["diff"] as? [String: Any] ?? [:]) == NSDictionary(dictionary: try Self.json(diff)))
        #expect((object["heatmaps"] as? [[String: Any]])?.compactMap { $0["key"] as? String } == ["features.0.weight", "classifier.weight"])
        // Each module's figures, rel L2 present as null where it is undefined.
        let modules = try #require(object["modules"] as? [[String: Any]])
        let features = try #require(modules.first { $0["path"] as? String == "features.0" })
        #expect(features["rel_l2"] is NSNull && features["changed"] as? Int == 2 && features["numel"] as? Int == 5320)
        // The exact double (JSONSerialization rounds the last digit on Linux: read with JSONDecoder).
        struct Modules: Decodable { struct M: Decodable { var path: String; var max_abs_diff: Double }; var modules: [M] }
        let exact = try JSONDecoder().decode(Modules.self, from: JSONEncoder().encode(document)).modules
        #expect(exact.map(\.max_abs_diff) == golden.modules.map(\.max_abs_diff))
        let classifier = try #require(modules.first { $0["path"] as? String == "classifier" })
        #expect(classifier["dtype_mismatch"] as? Int == 1 && classifier["shape_mismatch"] as? Int == 1 && classifier["rel_l2"] is Double)
    }

    @Test func oneSidedKeysAreGroupedByPattern() throws {
        let base = try Fixtures.stateDict("diff/base.pt"), prefixed = try Fixtures.stateDict("diff/module.pt")
        let diff = try DiffReport.compare(base, prefixed, nameA: "base.pt", nameB: "module.pt")
        let document = ReportDocument(a: try Self.side(base, "base.pt", stats: false), b: try Self.side(prefixed, "module.pt", stats: false),
                                      diff: diff)
        let groups = try #require(document.onlyInBGroups)
        #expect(groups.flatMap(\.keys).sorted() == diff.onlyInB.sorted(), "every key once")
        #expect(groups.first { $0.keys.count == 3 && $0.pattern == "module.layers.{0..2}.weight" }?.keys
                == ["module.layers.0.weight", "module.layers.1.weight", "module.layers.2.weight"])
        #expect(groups.count < diff.onlyInB.count && groups.contains { $0.pattern.contains("{") }, "\(groups.map(\.pattern))")
        #expect(groups.map(\.pattern) == KeyRanges.group(diff.onlyInB).map(\.pattern))
        #expect(document.layers?.allSatisfy(\.differs) == true, "every key moved under module.")
    }

    @Test func treeOfAFileSortedByNameIsInModelOrder() throws {
        // safetensors writes keys sorted by name: layers.10 before layers.2. The treemap draws 2 before 10; a file in
        // its own order (torch.save) keeps it.
        func stateDict(_ keys: [String]) throws -> StateDict {
            StateDict(tensors: OrderedDictionary(uniqueKeysWithValues: try keys.map { ($0, try TensorEntry.float32([1, 2], shape: [2])) }))
        }
        func order(_ keys: [String]) throws -> [String] {
            let tree = try Self.side(try stateDict(keys), "f", stats: false).tree
            return try #require(tree.children.first { $0.name == "layers" }).children.map(\.name)
        }
        #expect(try order(["layers.0.w", "layers.1.w", "layers.10.w", "layers.2.w", "norm.w"]) == ["0", "1", "2", "10"])
        #expect(try order(["norm.w", "layers.10.w", "layers.2.w"]) == ["10", "2"])
    }
}
