/// A missing output-layer weight that the checkpoint stores only as the embedding it is tied to (GPT-2 and most
/// language models share them, and `print(model)` does not show it): the model-file line that ties them.
public enum TieDiagnosis {
    /// Name fragments of the tensors an output layer is usually tied to.
    static let embeddingNames = ["emb", "wte", "shared", "tok"]

    /// One line per missing key: when the model already ties it to a key that loaded (`ties`, missing key → the key
    /// sharing its tensor), that it is harmless; else, when it has the shape of exactly one embedding-like key the
    /// checkpoint provides, the tie line to add.
    public static func suggest(missing: [String], ties: [String: String], loaded: Set<String>, modelShapes: [String: [Int]],
                               checkpointShapes: [String: [Int]]) -> [String] {
        missing.compactMap { key in
            if let partner = ties[key], loaded.contains(partner) {
                return "'\(key)' is tied to '\(partner)', which loaded: PyTorch's strict load still lists it as missing; "
                    + "harmless, load with --no-strict"
            }
            guard let shape = modelShapes[key], shape.count == 2 else { return nil }
            let candidates = checkpointShapes.filter { name, s in
                s == shape && name != key && modelShapes[name] == s && embeddingNames.contains { name.lowercased().contains($0) }
            }
            guard candidates.count == 1, let target = candidates.first?.key else { return nil }
            return "'\(key)' is missing and has the shape of '\(target)': if the model ties them (as GPT-2 and most language "
                + "models tie the output layer to the embedding), add the line '(\(key)): (\(target))' inside the model file's root module"
        }
    }
}
