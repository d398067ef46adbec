import CkptCore
import CkptReports
import CkptTestSupport
import OrderedCollections
import Testing
@testable import CkptCLI

/// Whole-output goldens for the text renderings of inspect and count, on in-memory state dicts.
@Suite struct InspectTextTests {
    func tiedStateDict() throws -> StateDict {
        let w = try TestTensors.zeros([8, 8]), b = try TestTensors.zeros([8])
        var d = OrderedDictionary<String, TensorEntry>()
        d["0.weight"] = try TestTensors.zeros([8, 4]); d["0.bias"] = try TestTensors.zeros([8])
        d["2.weight"] = w; d["2.bias"] = b; d["4.weight"] = w; d["4.bias"] = b
        d["6.weight"] = try TestTensors.zeros([1, 8]); d["6.bias"] = try TestTensors.zeros([1])
        d["steps"] = try TestTensors.zeros([], .int64)
        return StateDict(tensors: d)
    }

    @Test func flatTableAndFooter() throws {
        let r = try InspectReport(file: "tied.pt", format: "torch-zip", stateDict: tiedStateDict())
        let expected = """
            KEY       DTYPE    SHAPE   NUMEL  BYTES  SHARES
            0.weight  float32  [8, 4]     32  128 B
            0.bias    float32  [8]         8   32 B
            2.weight  float32  [8, 8]     64  256 B
            2.bias    float32  [8]         8   32 B
            4.weight  float32  [8, 8]     64  256 B  = 2.weight
            4.bias    float32  [8]         8   32 B  = 2.bias
            6.weight  float32  [1, 8]      8   32 B
            6.bias    float32  [1]         1    4 B
            steps     int64    []          1    8 B

            9 tensors, 194 elements, 780 B (unique: 122 elements, 492 B)
              float32  8  tensors  193  elements  772 B
              int64    1  tensor     1  elements    8 B
            format: torch-zip
            """
        #expect(InspectText.render(r, tree: false, stats: false) == expected)
    }

    @Test func treeWithDepth() throws {
        var r = try InspectReport(file: "tied.pt", format: "torch-zip", stateDict: tiedStateDict())
        r.tree = InspectTree(rows: r.tensors, depth: 1)
        let text = InspectText.render(r, tree: true, stats: false)
        let table = text.components(separatedBy: "\n\n")[0]
        let expected = """
            MODULE  DTYPE      SHAPE  NUMEL  BYTES  SHARES
            0/      2 tensors            40  160 B
            2/      2 tensors            72  288 B
            4/      2 tensors            72  288 B  72 shared
            6/      2 tensors             9   36 B
            steps   int64      []         1    8 B
            """
        #expect(table == expected)
    }

    @Test func countText() throws {
        let c = CountReport(stateDict: try tiedStateDict())
        let expected = """
            parameters  121
            buffers       1  (1 tensor)
            total       194  (9 tensors, every key)
            unique      122  (shared storage counted once)

            by dtype:
              float32  121
              int64      1

            parameters by prefix:
              0  40
              2  72
              4   0  (shared)
              6   9
            """
        #expect(CountText.render(c) == expected)
    }

    @Test func numberFormats() {
        #expect(Fmt.count(0) == "0" && Fmt.count(999) == "999" && Fmt.count(61706) == "61,706" && Fmt.count(-1234567) == "-1,234,567")
        #expect(Fmt.bytes(772) == "772 B" && Fmt.bytes(1536) == "1.50 KiB" && Fmt.bytes(250 << 20) == "250 MiB")
        #expect(Fmt.shape([]) == "[]" && Fmt.shape([6, 1, 5, 5]) == "[6, 1, 5, 5]")
    }
}
