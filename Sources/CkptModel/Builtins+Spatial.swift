import CkptTensor

extension Builtins {
    /// Convolution, pooling and padding functions (`F.max_pool2d`, `F.conv2d`, …).
    static func spatialFunction(_ name: String, _ args: [PyValue], _ kw: [String: PyValue]) throws -> PyValue? {
        nil
    }
}
