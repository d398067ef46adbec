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
}
