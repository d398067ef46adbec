extension LayerSchema {
    /// Every layer ckpt implements, family by family (each family's list is in its file under Layers/).
    public static let standard: [LayerSchema] = [
        activations,
        softmaxes,
        linear,
        convolutions,
        pooling,
        padding,
        runningStatsNorms,
        normalizations,
        dropouts,
        embeddings,
        recurrent,
        attention,
        transformers,
        vision,
        distances,
        losses,
        huggingFace,
        containers,
    ].flatMap { $0 }

    /// The schema of each Module class that has exactly one (classes with several, one per variant such as
    /// Conv1d/2d/3d, say which is theirs themselves).
    static let byModuleType: [ObjectIdentifier: LayerSchema] = Dictionary(grouping: standard, by: \.moduleType)
        .compactMapValues { $0.count == 1 ? $0[0] : nil }
}
