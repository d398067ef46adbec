import CkptCore
import Foundation
import OrderedCollections
import CkptReports
import Testing
@testable import CkptCLI

/// Whole-output goldens for `diff`'s text, on in-memory state dicts.
@Suite struct DiffTextTests {
    func f32(_ v: [Float], _ shape: [Int]? = nil) throws -> TensorEntry { try TensorEntry.float32(v, shape: shape ?? [v.count]) }

    /// A 12-layer model against an edited copy: grouped ranges in every section.
    func pair() throws -> (StateDict, StateDict) {
        var a = OrderedDictionary<String, TensorEntry>(), b = OrderedDictionary<String, TensorEntry>()
        a["embed.weight"] = try f32([1, 2, 3, 4], [2, 2]); b["embed.weight"] = try f32([1, 2, 3, 4], [2, 2])
        for l in 0..<12 {
            let w = try f32([Float(l), 1, 2, 3]), bias = try f32([0.5, Float(l)])
            a["layers.\(l).attn.in_proj_weight"] = w
            b["layers.\(l).attn.in_proj_weight"] = l < 4 || l == 5 ? try f32([Float(l) + 0.25, 1, 2, 3]) : w
            a["layers.\(l).norm.bias"] = bias
            b["layers.\(l).norm.bias"] = try bias.converted(to: .float16)
        }
        a["head.weight"] = try f32([1, 2, 3, 4, 5, 6], [2, 3]); b["head.weight"] = try f32([1, 2, 3, 4, 5, 6], [3, 2])
        a["pos.weight"] = try f32([1]); b["pos_embed.weight"] = try f32([1])
        a["zero"] = try f32([1, 0]); b["zero"] = try f32([0, 0])
        return (StateDict(tensors: a), StateDict(tensors: b))
    }

    @Test func wholeReport() throws {
        let (a, b) = try pair()
        let r = try DiffReport.compare(a, b, nameA: "run1/model.pt", nameB: "run2/model.safetensors")
        #expect(DiffText.render(r) == """
            A: run1/model.pt (28 tensors)
            B: run2/model.safetensors (28 tensors)

            only in A (1):
              pos.weight                           float32 [1]
            only in B (1):
              pos_embed.weight                     float32 [1]
            shape mismatch (1):
              head.weight                          [2, 3] vs [3, 2]
            dtype mismatch (12):                   dtypes              max |a-b|  mean |a-b|  mismatched  rel L2
              layers.{0..11}.norm.bias             float32 vs float16          0           0        0/24       0
            changed (6):                           max |a-b|  mean |a-b|    mismatched        rel L2
              layers.{0..3,5}.attn.in_proj_weight  2.500e-01   6.250e-02  5/20 (25.0%)     5.217e-02
              zero                                 1.000e+00   5.000e-01   1/2 (50.0%)  n/a (B is 0)

            different: 6 changed, 12 dtype mismatches, 1 shape mismatch, 1 only in A, 1 only in B, 8 unchanged (28 tensors in A, 28 in B)
            """)
    }

    @Test func keysOnlyReport() throws {
        let (a, b) = try pair()
        let r = try DiffReport.compare(a, b, nameA: "a.pt", nameB: "b.pt", options: DiffOptions(keysOnly: true))
        #expect(DiffText.render(r) == """
            A: a.pt (28 tensors)
            B: b.pt (28 tensors)

            only in A (1):
              pos.weight                float32 [1]
            only in B (1):
              pos_embed.weight          float32 [1]
            shape mismatch (1):
              head.weight               [2, 3] vs [3, 2]
            dtype mismatch (12):        dtypes
              layers.{0..11}.norm.bias  float32 vs float16

            different: 12 dtype mismatches, 1 shape mismatch, 1 only in A, 1 only in B, 14 matching (28 tensors in A, 28 in B; values not compared)
            """)
    }

    @Test func identicalAndPrefixedReports() throws {
        let (a, _) = try pair()
        #expect(DiffText.lines(try DiffReport.compare(a, a, nameA: "a.pt", nameB: "a.h5")) == [
            "A: a.pt (28 tensors)", "B: a.h5 (28 tensors)", "",
            "identical: 28 tensors, same keys, shapes, dtypes and values"])
        let wrapped = StateDict(tensors: OrderedDictionary(uniqueKeysWithValues: a.tensors.map { ("module." + $0.key, $0.value) }))
        let lines = DiffText.lines(try DiffReport.compare(wrapped, a, nameA: "ddp.pt", nameB: "a.pt"))
        #expect(Array(lines.suffix(4)) == [
            "",
            "diagnosis: all 28 unmatched keys differ only by a prefix: A's keys start with 'module.' (DataParallel/DistributedDataParallel) and B's do not; compare them with --map-a '^module\\.='",
            "",
            "different: 28 only in A, 28 only in B, 0 unchanged (28 tensors in A, 28 in B)"])
        #expect(lines.contains("  module.layers.{0..11}.attn.in_proj_weight  float32 [4]"))
    }

    /// The verdict line: identical (with the tolerance when one is given) or the counts of each kind of difference.
    @Test func summaryLines() throws {
        func sd(_ pairs: [(String, TensorEntry)]) -> StateDict { StateDict(tensors: OrderedDictionary(uniqueKeysWithValues: pairs)) }
        let a = sd([("w", try f32([1, 2, 3])), ("b", try f32([0]))])
        #expect(DiffText.summary(try DiffReport.compare(a, a, nameA: "a.pt", nameB: "b.pt")) == "identical: 2 tensors, same keys, shapes, dtypes and values")
        let x = sd([("w", try f32([1, 2, 3, 100]))]), y = sd([("w", try f32([1, 2.5, 3, 101]))])
        let loose = try DiffReport.compare(x, y, nameA: "a.pt", nameB: "b.pt", options: DiffOptions(atol: 1))
        #expect(DiffText.summary(loose).hasSuffix("within atol=1.000e+00, rtol=0"))
        let c = sd([("z", try f32([1])), ("shape", try f32([1, 2])), ("a", try f32([1])), ("onlyA", try f32([1]))])
        let d = sd([("onlyB", try f32([1])), ("a", try f32([2])), ("shape", try f32([1, 2], [1, 2])), ("z", try f32([1]))])
        #expect(DiffText.summary(try DiffReport.compare(c, d, nameA: "a.pt", nameB: "b.pt"))
                == "different: 1 changed, 1 shape mismatch, 1 only in A, 1 only in B, 1 unchanged (4 tensors in A, 4 in B)")
    }

    @Test func mismatchedCellCountsNaNAndInfinity() throws {
        let r = try DiffReport.compare(StateDict(tensors: ["w": try f32([.nan, 1, .infinity, 2])]),
                                       StateDict(tensors: ["w": try f32([1, .nan, -.infinity, 3])]), nameA: "a", nameB: "b")
        let c = try #require(r.changed.first)
        #expect(DiffText.statsCells(c.statistics) == ["1.000e+00", "2.500e-01", "4/4 (100%), 3 NaN/Inf", "n/a (NaN/Inf)"])
    }
}
