import CkptCore
import Foundation
import OrderedCollections
import Testing
@testable import CkptReports

@Suite struct DiffReportTests {
    func f32(_ v: [Float], _ shape: [Int]? = nil) throws -> TensorEntry { try TensorEntry.float32(v, shape: shape ?? [v.count]) }
    func sd(_ pairs: KeyValuePairs<String, TensorEntry>) -> StateDict {
        StateDict(tensors: OrderedDictionary(uniqueKeysWithValues: pairs.map { ($0.key, $0.value) }))
    }
    func diff(_ a: StateDict, _ b: StateDict, _ o: DiffOptions = DiffOptions()) throws -> DiffReport {
        try DiffReport.compare(a, b, nameA: "a.pt", nameB: "b.pt", options: o)
    }

    @Test func identicalStateDicts() throws {
        let a = sd(["w": try f32([1, 2, 3]), "b": try f32([0])])
        let r = try diff(a, a)
        #expect(r.identical)
        #expect(r.unchanged == 2 && r.changed.isEmpty && r.onlyInA.isEmpty && r.onlyInB.isEmpty)
    }

    @Test func valueStatistics() throws {
        let r = try diff(sd(["w": try f32([1, 2, 3, 4])]), sd(["w": try f32([1, 2.5, 3, 5])]))
        let c = try #require(r.changed.first)
        #expect(!r.identical && r.changed.count == 1 && r.unchanged == 0)
        #expect(c.maxAbsDiff == 1 && c.meanAbsDiff == 0.375 && c.mismatched == 2)
        #expect(c.relL2 == (1.25 / 41.25).squareRoot())
    }

    @Test func tolerances() throws {
        let a = sd(["w": try f32([1, 2, 3, 100])]), b = sd(["w": try f32([1, 2.5, 3, 101])])
        #expect(try diff(a, b, DiffOptions(atol: 0.6)).changed.first?.mismatched == 1)
        let loose = try diff(a, b, DiffOptions(atol: 1))
        #expect(loose.identical && loose.unchanged == 1)
        // rtol is relative to B: 0.5 > 0.2·2.5 is false; 1 > 0.2·101 is false.
        #expect(try diff(a, b, DiffOptions(rtol: 0.2)).identical)
        #expect(try diff(a, b, DiffOptions(rtol: 0.19)).changed.first?.mismatched == 1)
    }

    @Test func nanAndInfinityRules() throws {
        let nan = Float.nan, inf = Float.infinity
        let same = try diff(sd(["w": try f32([nan, inf, -inf, 0])]), sd(["w": try f32([nan, inf, -inf, -0.0])]))
        #expect(same.identical)
        let r = try diff(sd(["w": try f32([nan, 1, inf, 2])]), sd(["w": try f32([1, nan, -inf, 3])]))
        let c = try #require(r.changed.first)
        #expect(c.mismatched == 4 && c.statistics.nonFinite == 3)
        #expect(c.maxAbsDiff == 1 && c.meanAbsDiff == 0.25 && c.relL2 == nil)
    }

    @Test func float64ExtremesStayEncodable() throws {
        func f64(_ v: [Double]) throws -> TensorEntry { try TensorEntry(dtype: .float64, shape: [v.count], bytes: v.withUnsafeBytes { Array($0) }) }
        let big = Double.greatestFiniteMagnitude
        let r = try diff(sd(["x": try f64([big, big, -big])]), sd(["x": try f64([0, 0, big])]))
        let c = try #require(r.changed.first)
        #expect(c.mismatched == 3 && c.statistics.nonFinite == 1 && c.meanAbsDiff.isFinite && c.relL2 == nil)
        _ = try JSONEncoder().encode(r)
    }

    @Test func zeroReferenceNorm() throws {
        let r = try diff(sd(["b": try f32([1, 0])]), sd(["b": try f32([0, 0])]))
        #expect(r.changed.first?.relL2 == nil)
        let json = String(decoding: try JSONEncoder().encode(r), as: UTF8.self)
        #expect(json.contains("\"rel_l2\":null"))
        var s = DiffStatistics()
        s.count = 2
        #expect(s.relL2 == 0)
    }

    @Test func dtypesCompareAsFloat64() throws {
        let values: [Float] = [0.1, -2.5, 3.3333, 65504]
        let half = try f32(values).converted(to: .float16)
        let r = try diff(sd(["w": try f32(values), "n": try f32([1, 0, 2])]),
                         sd(["w": half, "n": try TensorEntry(dtype: .int64, shape: [3], bytes: TensorEntry.encode([1, 0, 2], as: .int64))]))
        #expect(r.changed.isEmpty && r.unchanged == 0)
        #expect(r.dtypeMismatch.map(\.key) == ["w", "n"])
        let w = try #require(r.dtypeMismatch.first?.stats)
        let expected = zip(values, try half.doubleValues()).map { abs(Double($0) - $1) }
        #expect(w.maxAbsDiff == expected.max() && w.mismatched == expected.filter { $0 > 0 }.count)
        #expect(r.dtypeMismatch[1].stats?.mismatched == 0)
        let bools = try TensorEntry(dtype: .bool, shape: [3], bytes: [1, 0, 1])
        let bf = try f32([1, 0, 0.5]).converted(to: .bfloat16)
        #expect(try diff(sd(["m": bools]), sd(["m": bf])).dtypeMismatch.first?.stats?.maxAbsDiff == 0.5)
    }

    @Test func keysShapesAndOrder() throws {
        let a = sd(["z": try f32([1]), "shape": try f32([1, 2]), "a": try f32([1]), "onlyA": try f32([1])])
        let b = sd(["onlyB": try f32([1]), "a": try f32([2]), "shape": try f32([1, 2], [1, 2]), "z": try f32([1])])
        let r = try diff(a, b)
        #expect(r.onlyInA == ["onlyA"] && r.onlyInB == ["onlyB"])
        #expect(r.shapeMismatch == [DiffReport.ShapeMismatch(key: "shape", a: [2], b: [1, 2], dtypeA: "float32", dtypeB: "float32")])
        #expect(r.changed.map(\.key) == ["a"] && r.unchanged == 1)
        let keysOnly = try diff(a, b, DiffOptions(keysOnly: true))
        #expect(keysOnly.changed.isEmpty && keysOnly.unchanged == 2 && !keysOnly.valuesCompared)
    }

    @Test func mapsAndPrefixDiagnosis() throws {
        let a = sd(["module.fc.weight": try f32([1]), "module.fc.bias": try f32([2])])
        let b = sd(["fc.weight": try f32([1]), "fc.bias": try f32([2])])
        let r = try diff(a, b)
        #expect(r.onlyInA.count == 2 && r.prefixDiagnosis?.prefixA == "module.")
        #expect(r.diagnosis.count == 1 && r.diagnosis[0].hasSuffix("compare them with --map-a '^module\\.='"))
        let fixed = try diff(a, b, DiffOptions(mapA: try KeyMap(["^module\\.="])))
        #expect(fixed.identical && fixed.diagnosis.isEmpty)
        let reverse = try diff(b, a)
        #expect(reverse.diagnosis.first?.hasSuffix("--map-b '^module\\.='") == true)
        #expect(throws: KeyMapError.self) { try diff(a, b, DiffOptions(mapA: try KeyMap(["^module\\.fc\\.\\w+=x"]))) }
    }

    @Test func complexPartsBothCount() throws {
        func c64(_ v: [Float]) throws -> TensorEntry {
            try TensorEntry(dtype: .complex64, shape: [v.count / 2], bytes: v.withUnsafeBytes { Array($0) })
        }
        let r = try diff(sd(["z": try c64([1, 2, 3, 4])]), sd(["z": try c64([1, 2, 3, 5])]))
        #expect(r.changed.first?.mismatched == 1 && r.changed.first?.statistics.count == 4)
        #expect(try diff(sd(["z": try c64([1, 2])]), sd(["z": try c64([1, 2])])).identical)
    }

    @Test func stridedViewsCompareByValue() throws {
        // A transposed 2×3 view of the storage [0..5] against its contiguous copy.
        let storage = TensorStorage(key: "0", dtype: .float32, bytes: .bytes([Float](arrayLiteral: 0, 1, 2, 3, 4, 5).withUnsafeBytes { Array($0) }))
        let view = try TensorEntry(dtype: .float32, shape: [3, 2], strides: [1, 3], storage: storage)
        let copy = try f32([0, 3, 1, 4, 2, 5], [3, 2])
        #expect(try diff(sd(["t": view]), sd(["t": copy])).identical)
        #expect(try diff(sd(["t": view]), sd(["t": try f32([0, 1, 2, 3, 4, 5], [3, 2])])).changed.first?.mismatched == 4)
    }

    @Test func chunkedComparisonMatchesWholeTensor() throws {
        var x = [Float](), y = [Float]()
        for i in 0..<1000 { x.append(Float(i) * 0.37); y.append(i % 97 == 0 ? Float(i) * 0.37 + 0.5 : Float(i) * 0.37) }
        let job = DiffJob(key: "w", a: try f32(x), b: try f32(y))
        let whole = try DiffEngine(atol: 0, rtol: 0).compareWhole(job).statistics
        var small = DiffEngine(atol: 0, rtol: 0)
        small.chunkElements = 64  // 16 chunks, most of them bit-identical
        let chunked = try small.compareChunked(job).statistics
        #expect(chunked.count == 1000 && chunked.mismatched == whole.mismatched && whole.mismatched == 11)
        #expect(chunked.maxAbs == whole.maxAbs)
        #expect(abs(chunked.sumSquaredB - whole.sumSquaredB) <= 1e-12 * whole.sumSquaredB)
        #expect(abs(chunked.sumAbs - whole.sumAbs) <= 1e-12 * whole.sumAbs)
        let same = try small.compareChunked(DiffJob(key: "w", a: try f32(x), b: try f32(x))).statistics
        #expect(same.count == 1000 && same.mismatched == 0 && same.relL2 == 0)
        // run() mixes batches of small tensors with chunked big ones and keeps the order.
        small.batchBytes = 16
        let r = try small.run([job, DiffJob(key: "s", a: try f32([1]), b: try f32([2])), DiffJob(key: "t", a: try f32([3]), b: try f32([3]))])
        #expect(r.map(\.statistics.mismatched) == [11, 1, 0])
    }

    @Test func progressCountsComparedBytes() throws {
        final class Total { var bytes = 0 }
        let total = Total()
        let a = sd(["w": try f32([1, 2, 3]), "only": try f32([1]), "h": try f32([1, 2])])
        let b = sd(["w": try f32([1, 2, 4]), "h": try f32([1, 2]).converted(to: .float16)])
        _ = try diff(a, b, DiffOptions(progress: { total.bytes += $0 }))
        #expect(total.bytes == 12 + 12 + 8 + 4)
    }

    @Test func readErrorsNameTheKey() throws {
        let bad = try TensorEntry(dtype: .float32, shape: [4], storage: TensorStorage(
            key: "0", dtype: .float32, bytes: .loader(count: 16) { [0, 0, 0, 0] }))
        for (a, b, name) in [(bad, try f32([1, 2, 3, 4]), "a.pt"), (try f32([1, 2, 3, 4]), bad, "b.pt")] {
            do {
                _ = try diff(sd(["enc.w": a]), sd(["enc.w": b]))
                Issue.record("expected an error")
            } catch let e as FileError {
                #expect(e.path == name)
                #expect(e.underlying == .malformed("'enc.w': data is 4 bytes, expected 16"))
            }
        }
    }

    @Test func jsonFieldNames() throws {
        let a = sd(["s": try f32([1, 2]), "d": try f32([1]), "c": try f32([1]), "x": try f32([1])])
        let b = sd(["s": try f32([1]), "d": try f32([1]).converted(to: .float16), "c": try f32([2]), "y": try f32([1])])
        let r = try diff(a, b)
        let obj = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(r)) as? [String: Any])
        for k in ["a", "b", "identical", "only_in_a", "only_in_b", "shape_mismatch", "dtype_mismatch", "changed", "unchanged"] {
            #expect(obj[k] != nil, "missing \(k)")
        }
        let dm = try #require((obj["dtype_mismatch"] as? [[String: Any]])?.first)
        #expect(Set(dm.keys).isSuperset(of: ["key", "a", "b", "max_abs_diff", "mean_abs_diff", "mismatched", "rel_l2"]))
        #expect(dm["a"] as? String == "float32" && dm["b"] as? String == "float16")
        let sm = try #require((obj["shape_mismatch"] as? [[String: Any]])?.first)
        #expect(Set(sm.keys) == ["key", "a", "b"] && sm["a"] as? [Int] == [2])
        let ch = try #require((obj["changed"] as? [[String: Any]])?.first)
        #expect(Set(ch.keys).isSuperset(of: ["key", "max_abs_diff", "mean_abs_diff", "mismatched", "rel_l2"]))
        #expect(ch["max_abs_diff"] as? Double == 1)
        let back = try JSONDecoder().decode(DiffReport.self, from: JSONEncoder().encode(r))
        #expect(back.changed.map(\.key) == ["c"] && back.dtypeMismatch.first?.stats?.maxAbsDiff == 0 && back.onlyInB == ["y"])
    }
}
