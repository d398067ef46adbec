import CkptCore
import CkptFormats
import CkptTestSupport
import Foundation
@testable import CkptReports

/// Fixtures/report (Fixtures/gen/report.py): a tiny transformer, a copy fine-tuned with its first layers frozen,
/// edge cases, and torch's and numpy's figures for them (golden.json, read with JSONDecoder: exact doubles).
enum ReportFixture {
    struct Golden: Decodable {
        struct Histogram: Decodable, Equatable { var exponent: Int; var start: Int; var counts: [Int] }
        struct Stats: Decodable { var min, max, mean, std: Double?; var nan, inf: Int }
        struct Mixed: Decodable { var stats: Stats; var histogram: Histogram?; var dtype: String }
        struct Change: Decodable { var rel_l2: Double; var max_abs_diff: Double; var tensors: Int; var path: String? }
        struct HeatMap: Decodable { var key: String; var rows, cols, grid_rows, grid_cols: Int; var cells: [Double] }
        var keys: [String]
        var changed: [String]
        var modules: [String: Change]
        var layers: [Change]
        var heat_map: HeatMap
        var mixed: [String: Mixed]
        var pretrained_histograms: [String: Histogram?]
    }

    static func golden() throws -> Golden { try Fixtures.decode(Golden.self, "report/golden.json") }

    static func stateDict(_ name: String) throws -> StateDict { try Fixtures.stateDict("report/" + name) }

    /// pretrained against finetuned, with everything `ckpt report` asks of the comparison.
    static func fineTuneDiff(chunkElements: Int? = nil) throws -> DiffReport {
        var options = DiffOptions()
        options.measureIdentical = true
        options.heatmaps = true
        return try DiffReport.compare(stateDict("pretrained.safetensors"), stateDict("finetuned.pt"),
                                      nameA: "pretrained.safetensors", nameB: "finetuned.pt", options: options)
    }
}

extension TensorHistogram {
    /// The golden form, for comparing.
    var golden: ReportFixture.Golden.Histogram { .init(exponent: exponent, start: start, counts: counts) }
}

/// Fixtures/report_edges (Fixtures/gen/report_edges.py): histograms at the edges of the dyadic rule, and a conv net
/// pair with NaN/Inf, a cast, a reshape and one-sided keys, with exact and torch figures (golden.json).
enum ReportEdgesFixture {
    struct Golden: Decodable {
        struct Change: Decodable {
            var path: String
            var tensors, numel, mismatched: Int
            var rel_l2: Double?
            var max_abs_diff, mean_abs_diff: Double
        }
        var histograms: [String: ReportFixture.Golden.Histogram?]
        var stats: [String: ReportFixture.Golden.Stats]
        var dtypes: [String: String]
        var heat_maps: [ReportFixture.Golden.HeatMap]
        var modules: [Change]
        var layers: [Change]
    }

    static func golden() throws -> Golden { try Fixtures.decode(Golden.self, "report_edges/golden.json") }

    static func stateDict(_ name: String) throws -> StateDict { try Fixtures.stateDict("report_edges/" + name) }

    /// conv_a against conv_b as `ckpt report` compares them.
    static func convDiff() throws -> DiffReport {
        var options = DiffOptions()
        options.measureIdentical = true
        options.heatmaps = true
        return try DiffReport.compare(stateDict("conv_a.pt"), stateDict("conv_b.pt"), nameA: "conv_a.pt", nameB: "conv_b.pt",
                                      options: options)
    }
}
