import CkptTensor

/// `nn.PixelUnshuffle(downscale_factor)`: `(*, C, H·r, W·r)` → `(*, C·r², H, W)`, the inverse of `PixelShuffle`.
public final class PixelUnshuffle: UnaryModule {
    public let downscaleFactor: Int
    public init(_ downscaleFactor: Int) { self.downscaleFactor = downscaleFactor; super.init() }
    public override var extraRepr: String { "downscale_factor=\(downscaleFactor)" }
    public override func forward(_ x: Tensor) throws -> Tensor { try x.pixelUnshuffle(downscaleFactor) }
}

/// `nn.ChannelShuffle(groups)`: the channels of `(N, C, *)` viewed as `(groups, C/groups)` and transposed, as
/// ShuffleNet does — a reshape, a transpose and a reshape, as ATen's `native_channel_shuffle`.
public final class ChannelShuffle: UnaryModule {
    public let groups: Int
    public init(_ groups: Int) { self.groups = groups; super.init() }
    public override var extraRepr: String { "groups=\(groups)" }
    public override func forward(_ x: Tensor) throws -> Tensor {
        guard x.rank >= 3 else {
            throw NNError.invalidArgument("channel_shuffle expects input to have at least 3 dimensions, but got input with \(x.rank) dimension(s)")
        }
        guard groups > 0 else { throw NNError.invalidArgument("Number of groups to divide channels in must be positive. Value of groups:\(groups)") }
        let c = x.shape[1]
        guard c % groups == 0 else {
            throw NNError.invalidArgument("Number of channels must be divisible by groups. Got \(c) channels and \(groups) groups.")
        }
        let rest = Array(x.shape.dropFirst(2))
        return try x.reshape([x.shape[0], groups, c / groups] + rest).transpose(1, 2).reshape(x.shape)
    }
}
