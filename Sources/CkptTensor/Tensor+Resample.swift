import CkptCore

/// Resampling ops recorded for autograd: `pixel_shuffle`/`pixel_unshuffle` (`PixelShuffleBackward0`,
/// `PixelUnshuffleBackward0`) and `interpolate` (`UpsampleNearest2DBackward0`,
/// `UpsampleBilinear2DBackward0`, …).
extension Tensor {
    /// `F.pixel_shuffle`: `[*, C·r², H, W]` → `[*, C, H·r, W·r]`.
    public func pixelShuffle(_ upscaleFactor: Int) throws -> Tensor {
        let r = upscaleFactor
        guard dtype == .float32, rank >= 3, r >= 1 else {
            throw TensorError.invalidArgument("pixel_shuffle expects a float input with at least 3 dims and a positive upscale_factor, got \(shape), \(r)")
        }
        let c = shape[rank - 3], h = shape[rank - 2], w = shape[rank - 1]
        guard c % (r * r) == 0 else {
            throw TensorError.invalidArgument("pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=\(c) is not divisible by \(r * r)")
        }
        let q = shape.dropLast(3).reduce(1, *) * (c / (r * r))
        let out = TensorBuffer(uninitializedCount: numel)
        PixelShuffleKernel.shuffle(groups: q, factor: r, height: h, width: w, input: buffer.pointer, output: out.pointer)
        let inputShape = shape
        return Tensor.makeResult(buffer: out, shape: Array(shape.dropLast(3)) + [c / (r * r), h * r, w * r],
                                 inputs: [self], name: .pixelShuffleBackward0) { g in
            let gx = TensorBuffer(uninitializedCount: g.numel)
            PixelShuffleKernel.unshuffle(groups: q, factor: r, height: h, width: w, input: g.buffer.pointer,
                                         output: gx.pointer)
            return [Tensor(buffer: gx, shape: inputShape)]
        }
    }

    /// `F.pixel_unshuffle`: `[*, C, H·r, W·r]` → `[*, C·r², H, W]`.
    public func pixelUnshuffle(_ downscaleFactor: Int) throws -> Tensor {
        let r = downscaleFactor
        guard dtype == .float32, rank >= 3, r >= 1 else {
            throw TensorError.invalidArgument("pixel_unshuffle expects a float input with at least 3 dims and a positive downscale_factor, got \(shape), \(r)")
        }
        let c = shape[rank - 3], bigH = shape[rank - 2], bigW = shape[rank - 1]
        guard bigH % r == 0, bigW % r == 0 else {
            throw TensorError.invalidArgument("pixel_unshuffle expects height and width to be divisible by downscale_factor, but input.size(-2)=\(bigH), input.size(-1)=\(bigW), downscale_factor=\(r)")
        }
        let q = shape.dropLast(3).reduce(1, *) * c, h = bigH / r, w = bigW / r
        let out = TensorBuffer(uninitializedCount: numel)
        PixelShuffleKernel.unshuffle(groups: q, factor: r, height: h, width: w, input: buffer.pointer, output: out.pointer)
        let inputShape = shape
        return Tensor.makeResult(buffer: out, shape: Array(shape.dropLast(3)) + [c * r * r, h, w],
                                 inputs: [self], name: .pixelUnshuffleBackward0) { g in
            let gx = TensorBuffer(uninitializedCount: g.numel)
            PixelShuffleKernel.shuffle(groups: q, factor: r, height: h, width: w, input: g.buffer.pointer,
                                       output: gx.pointer)
            return [Tensor(buffer: gx, shape: inputShape)]
        }
    }

    /// `F.interpolate` on `[N, C, spatial…]` (1 to 3 spatial dims): give exactly one of `size` and
    /// `scaleFactor` (one value applies to every dim). `.linear` is linear, bilinear or trilinear by rank;
    /// `alignCorners` is only for it (nil means false, as PyTorch's default).
    public func interpolate(size: [Int]? = nil, scaleFactor: [Double]? = nil, mode: InterpolateMode = .nearest,
                            alignCorners: Bool? = nil, recomputeScaleFactor: Bool = false) throws -> Tensor {
        guard dtype == .float32, (3...5).contains(rank) else {
            throw TensorError.shapeMismatch("interpolate expects a 3D, 4D or 5D float input, got \(shape)")
        }
        let dims = rank - 2
        if mode == .area { return try areaInterpolation(dims: dims, size: size, scaleFactor: scaleFactor, alignCorners) }
        let geo = try kernelCall {
            try InterpolateGeometry(planes: shape[0] * shape[1], inputSize: Array(shape.dropFirst(2)),
                                    size: try size.map { try spatialList($0, dims, "size") },
                                    scaleFactor: try scaleFactor.map { try spatialScales($0, dims) }, mode: mode,
                                    alignCorners: alignCorners, recomputeScaleFactor: recomputeScaleFactor)
        }
        let out = TensorBuffer(uninitializedCount: geo.outputCount)
        InterpolateKernel.forward(geo, input: buffer.pointer, output: out.pointer)
        let name: GradFnName
        switch mode {
        case .nearest: name = .upsampleNearest(dims: dims)
        case .nearestExact: name = .upsampleNearestExact(dims: dims)
        case .linear: name = .upsampleLinear(dims: dims)
        case .area: preconditionFailure("area interpolation is adaptive pooling, returned above")
        }
        let inputShape = shape
        return Tensor.makeResult(buffer: out, shape: Array(shape.prefix(2)) + geo.outputSize, inputs: [self],
                                 name: name) { g in
            let gx = TensorBuffer(uninitializedCount: geo.inputCount)
            InterpolateKernel.backward(geo, gradOutput: g.buffer.pointer, gradInput: gx.pointer)
            return [Tensor(buffer: gx, shape: inputShape)]
        }
    }

    /// `mode='area'`: adaptive average pooling to `size` or `floor(in · scale)`, as PyTorch does.
    func areaInterpolation(dims: Int, size: [Int]?, scaleFactor: [Double]?, _ alignCorners: Bool?) throws -> Tensor {
        guard alignCorners == nil else {
            throw TensorError.invalidArgument("align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear")
        }
        let spatial = Array(shape.dropFirst(2))
        let target: [Int]
        switch (size, scaleFactor) {
        case (let size?, nil): target = try spatialList(size, dims, "size")
        case (nil, let factors?):
            let scales = try spatialScales(factors, dims)
            let sizes = zip(spatial, scales).map { (Double($0) * $1).rounded(.down) }
            guard sizes.allSatisfy({ $0 >= 1 && $0 <= Double(kernelElementLimit) }) else {
                throw TensorError.invalidArgument("interpolate output size \(sizes) is empty or too large")
            }
            target = sizes.map { Int($0) }
        default: throw TensorError.invalidArgument("only one of size or scale_factor should be defined")
        }
        if dims == 1 { return try adaptiveAvgPool1d(outputSize: target[0]) }
        return try adaptiveAvgPool(dims: dims, target)
    }

    func spatialScales(_ values: [Double], _ dims: Int) throws -> [Double] {
        if values.count == dims { return values }
        if values.count == 1 { return Array(repeating: values[0], count: dims) }
        throw TensorError.invalidArgument("scale_factor must have 1 or \(dims) values, got \(values)")
    }
}
