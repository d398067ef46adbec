import CkptNN

/// Known causes of keys that do not fit, in words a PyTorch user can act on.
public enum LoadDiagnosis {
    /// Buffers that library versions add or drop: each missing/unexpected only because of a version change.
    static let versionBuffers: [(suffix: String, cause: String)] = [
        ("num_batches_tracked", "BatchNorm's num_batches_tracked buffers (added in PyTorch 0.4.1; older checkpoints lack them)"),
        ("position_ids", "position_ids buffers (transformers >= 4.31 stopped saving them)"),
    ]

    /// One line per recognised cause.
    public static func explain(missing: [String], unexpected: [String], sizeMismatches: [LoadReport.SizeMismatch]) -> [String] {
        var lines: [String] = []
        var restMissing = missing, restUnexpected = unexpected
        for (suffix, cause) in versionBuffers {
            let m = restMissing.filter { $0 == suffix || $0.hasSuffix("." + suffix) }
            let u = restUnexpected.filter { $0 == suffix || $0.hasSuffix("." + suffix) }
            if !m.isEmpty { lines.append("\(m.count) missing key(s) are \(cause): harmless; load with --no-strict") }
            if !u.isEmpty { lines.append("\(u.count) unexpected key(s) are \(cause): harmless; load with --no-strict") }
            restMissing.removeAll { m.contains($0) }
            restUnexpected.removeAll { u.contains($0) }
        }
        if let d = PrefixDiagnosis.diagnose(onlyA: restUnexpected, onlyB: restMissing) {
            lines.append(d.explanation(a: "the checkpoint", b: "the model") + "; load with --map '\(d.ruleAToB)'")
        } else if !restMissing.isEmpty, restMissing.count == restUnexpected.count {
            lines.append("\(restMissing.count) missing and \(restUnexpected.count) unexpected keys: if the layers are the same under other names, "
                         + "--match shape aligns them by order and shape (--plan shows the mapping)")
        }
        let layers = Set(sizeMismatches.map { key in key.key.split(separator: ".").dropLast().joined(separator: ".") })
        if !sizeMismatches.isEmpty, layers.count == 1, let layer = layers.first {
            lines.append("the size mismatches are all in \(layer.isEmpty ? "the root module" : "'" + layer + "'"): the checkpoint was trained "
                         + "with a different size for that layer (e.g. another number of classes)")
        }
        return lines
    }
}
