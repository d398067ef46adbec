/// `load-into --plan`: which checkpoint tensor each model key would load from, in the model's order, then the
/// checkpoint keys no model key takes.
public struct LoadPlan: Encodable, Sendable, Equatable {
    public struct Row: Encodable, Sendable, Equatable {
        /// The key as the checkpoint names it (before renaming); nil when the model key is missing.
        public var checkpointKey: String?
        /// The model key it loads as; nil when the checkpoint key is unexpected.
        public var modelKey: String?
        /// Both shapes, when they differ.
        public var checkpointShape: [Int]?
        public var modelShape: [Int]?

        public init(checkpointKey: String?, modelKey: String?, checkpointShape: [Int]? = nil, modelShape: [Int]? = nil) {
            self.checkpointKey = checkpointKey
            self.modelKey = modelKey
            self.checkpointShape = checkpointShape
            self.modelShape = modelShape
        }

        enum CodingKeys: String, CodingKey {
            case checkpointKey = "checkpoint_key", modelKey = "model_key", checkpointShape = "checkpoint_shape", modelShape = "model_shape"
        }
    }

    public var rows: [Row]
    /// What the matching left ambiguous.
    public var notes: [String]

    /// The plan for a model with `modelShapes` (registration order) and aligned checkpoint tensors `checkpointShapes`
    /// (keys after renaming; `renamed` maps the original names to them).
    public init(modelShapes: [(key: String, shape: [Int])], checkpointShapes: [(key: String, shape: [Int])],
                renamed: [(from: String, to: String)], notes: [String] = []) {
        let origin = Dictionary(renamed.map { ($0.to, $0.from) }) { a, _ in a }
        let checkpoint = Dictionary(checkpointShapes.map { ($0.key, $0.shape) }) { a, _ in a }
        let modelKeys = Set(modelShapes.map(\.key))
        rows = modelShapes.map { key, shape in
            guard let found = checkpoint[key] else { return Row(checkpointKey: nil, modelKey: key) }
            return found == shape ? Row(checkpointKey: origin[key] ?? key, modelKey: key)
                : Row(checkpointKey: origin[key] ?? key, modelKey: key, checkpointShape: found, modelShape: shape)
        }
        rows += checkpointShapes.filter { !modelKeys.contains($0.key) }.map { Row(checkpointKey: origin[$0.key] ?? $0.key, modelKey: nil) }
        self.notes = notes
    }
}
