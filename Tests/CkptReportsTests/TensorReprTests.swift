import CkptCore
import CkptTestSupport
import Foundation
import Testing
@testable import CkptReports

/// `TensorRepr` against `str(t)` from real PyTorch (`Fixtures/show/cases.json`, from `Fixtures/gen/show.py`).
@Suite struct TensorReprTests {
    struct Case: Decodable, CustomTestStringConvertible, Sendable {
        let name: String
        let dtype: String
        let shape: [Int]
        let hex: String
        let threshold: Int
        let str: String
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        let url = Fixtures.url("show/cases.json")
        guard let data = try? Data(contentsOf: url) else { return [] }
        return (try? JSONDecoder().decode([Case].self, from: data)) ?? []
    }()

    @Test func fixtureHasEveryCase() {
        #expect(Self.cases.count >= 45)
    }

    @Test(arguments: cases) func matchesTorch(_ c: Case) throws {
        let dtype = try #require(DType(rawValue: c.dtype))
        let t = try TensorEntry(dtype: dtype, shape: c.shape, bytes: TestTensors.bytes(hex: c.hex))
        let s = try TensorRepr.string(t, options: TensorPrintOptions(threshold: c.threshold))
        #expect(s == c.str)
    }

    @Test func transposedViewReadsThroughStrides() throws {
        // base = arange(12).reshape(3, 4) / 4; base.t() as torch prints it.
        let base = try TensorEntry.float32((0 ..< 12).map { Float($0) / 4 }, shape: [3, 4])
        let t = try TensorEntry(dtype: .float32, shape: [4, 3], strides: [1, 4], storage: base.storage)
        let expected = """
            tensor([[0.0000, 1.0000, 2.0000],
                    [0.2500, 1.2500, 2.2500],
                    [0.5000, 1.5000, 2.5000],
                    [0.7500, 1.7500, 2.7500]])
            """
        #expect(try TensorRepr.string(t) == expected)
    }

    @Test func bigEndianStorageIsSwapped() throws {
        let storage = TensorStorage(key: "0", dtype: .float32, bytes: .bytes([0x3f, 0x80, 0, 0, 0x40, 0, 0, 0]), byteOrder: .big)
        let t = try TensorEntry(dtype: .float32, shape: [2], storage: storage)
        #expect(try TensorRepr.string(t) == "tensor([1., 2.])")
    }
}
