import CkptCore
import CkptFormats
import Foundation

/// The Hugging Face model folders of `Fixtures/hf_models/` (from `Fixtures/gen/hf_models.py` with transformers):
/// tiny random models saved by `save_pretrained`, with what transformers reports for each in `manifest.json`.
public enum HuggingFaceFixtures {
    /// One folder's record.
    public struct Folder: Sendable {
        public var name: String
        public var modelType: String
        public var className: String
        public var numParameters: Int
        /// state_dict keys and shapes, in order.
        public var keys: [(key: String, shape: [Int])]
        /// The name of its outputs in `io/` (`<name>.npy`, `<name>.masked.npy`), nil when it does not load.
        public var expected: String?
        /// For copies compared with another folder: that folder, transformers' mean KL and top-1 agreement.
        public var klFrom: String?
        public var meanKL: Double?
        public var top1Agreement: Double?
        /// RoPE's `inv_freq` and attention scaling (decoders).
        public var inverseFrequencies: [Double]?
        public var attentionScaling: Double?
        /// `4.x` or `5.x`.
        public var configLayout: String?
        public var missingKey: String?
    }

    /// `Fixtures/hf_models/<relative>`.
    public static func path(_ relative: String) -> String { Fixtures.path("hf_models/" + relative) }

    /// The token ids `[2, 8]` (`io/ids.npy`) and the attention mask (`io/mask.npy`, second row left-padded).
    public static var ids: String { path("io/ids.npy") }
    public static var mask: String { path("io/mask.npy") }

    static let manifest: [String: Any] = (try? Fixtures.json("hf_models/manifest.json")) ?? [:]

    /// The first row of `ids.npy`, for `--tokens`.
    public static var firstTokens: [Int] { ((manifest["ids"] as? [[Int]])?.first) ?? [] }

    /// Every folder, by name.
    public static let folders: [String: Folder] = {
        let records = (manifest["folders"] as? [String: [String: Any]]) ?? [:]
        return records.reduce(into: [:]) { all, item in
            let (name, r) = item
            let keys = ((r["keys"] as? [[Any]]) ?? []).map { pair in (key: pair.first as? String ?? "", shape: (pair.last as? [Int]) ?? []) }
            all[name] = Folder(name: name, modelType: r["model_type"] as? String ?? "", className: r["class"] as? String ?? "",
                               numParameters: r["num_parameters"] as? Int ?? -1, keys: keys, expected: r["expected"] as? String,
                               klFrom: r["kl_from"] as? String, meanKL: r["mean_kl"] as? Double, top1Agreement: r["top1_agreement"] as? Double,
                               inverseFrequencies: r["inv_freq"] as? [Double], attentionScaling: r["attention_scaling"] as? Double,
                               configLayout: r["config_layout"] as? String, missingKey: r["missing_key"] as? String)
        }
    }()

    /// Names of the folders that load and have transformers' outputs, sorted.
    public static var runnable: [String] { folders.values.filter { $0.expected != nil && $0.missingKey == nil }.map(\.name).sorted() }

    /// The one tensor of a file anywhere (an output ckpt wrote): its shape, dtype and values.
    public static func tensor(atPath path: String) throws -> (shape: [Int], dtype: DType, values: [Float]) {
        let tensors = try Checkpoint.read(path).stateDict.tensors
        guard tensors.count == 1, let only = tensors.values.first else { throw FixtureError("\(path) holds \(tensors.count) tensors, not one") }
        return (only.shape, only.dtype, try only.floatValues())
    }

    /// Names of the folders saved with `print.txt` (transformers' `print(model)`), sorted.
    public static var printed: [String] { folders.keys.filter { FileManager.default.fileExists(atPath: path("\($0)/print.txt")) }.sorted() }
}
