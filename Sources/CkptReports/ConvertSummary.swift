/// What `ckpt convert` wrote: the `--json` document, and the numbers of its one-line text.
public struct ConvertSummary: Encodable, Sendable, Equatable {
    public var input: String
    public var output: String
    /// The input's format id (`torch-zip`).
    public var inputFormat: String
    /// The output's format id.
    public var format: String
    public var tensors: Int
    /// Every written tensor's bytes summed.
    public var bytes: Int

    public init(input: String, output: String, inputFormat: String, format: String, tensors: Int, bytes: Int) {
        self.input = input
        self.output = output
        self.inputFormat = inputFormat
        self.format = format
        self.tensors = tensors
        self.bytes = bytes
    }

    enum CodingKeys: String, CodingKey { case input, output, format, tensors, bytes, inputFormat = "input_format" }
}
