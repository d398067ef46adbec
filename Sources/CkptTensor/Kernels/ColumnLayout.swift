/// The im2col matrix of one convolution group in 3-d: `channels · kd · kh · kw` rows, one per kernel tap,
/// by `od · oh · ow` columns, one per output position. Unused leading dims have size 1.
struct ColumnLayout {
    let channels: Int
    let input: [Int]
    let kernel: [Int]
    let stride: [Int]
    let padding: [Int]
    let dilation: [Int]
    let output: [Int]

    var rows: Int { channels * kernel[0] * kernel[1] * kernel[2] }
    var columns: Int { output[0] * output[1] * output[2] }
    var inputPlane: Int { input[0] * input[1] * input[2] }

    /// The output positions `lo..<hi` along one dim whose tap lands inside the input (`0 <= o·s + off < n`).
    @inline(__always)
    static func validRange(offset: Int, stride: Int, size: Int, count: Int) -> (Int, Int) {
        let lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride
        let hi = size - offset <= 0 ? 0 : (size - offset + stride - 1) / stride
        return (min(lo, count), max(min(hi, count), min(lo, count)))
    }

    /// Fills `col` (`rows × columns`) from `image` (`channels` planes), zeros where a tap falls in padding.
    func im2col<T: KernelScalar>(_ image: UnsafePointer<T>, _ col: UnsafeMutablePointer<T>) {
        let (kd, kh, kw) = (kernel[0], kernel[1], kernel[2])
        let (od, oh, ow) = (output[0], output[1], output[2])
        let (id, ih, iw) = (input[0], input[1], input[2])
        let (sd, sh, sw) = (stride[0], stride[1], stride[2])
        let (pd, ph, pw) = (padding[0], padding[1], padding[2])
        let (dd, dh, dw) = (dilation[0], dilation[1], dilation[2])
        let taps = kd * kh * kw, cols = columns, plane = inputPlane
        // No padding on either side ('same' pads after only when the kernel is even): outputs are input - kernel + 1.
        if (id, od, kd, pd) == (1, 1, 1, 0), (sh, sw, dh, dw, ph, pw) == (1, 1, 1, 1, 0, 0),
           oh == ih - kh + 1, ow == iw - kw + 1 {
            im2colValid2d(image, col)
            return
        }
        kernelParallelFor(rows, costPerItem: cols) { r in
            let c = r / taps, t = r % taps
            let a = t / (kh * kw), b = (t / kw) % kh, e = t % kw
            let src = image + c * plane
            var dst = col + r * cols
            let (xlo, xhi) = ColumnLayout.validRange(offset: e * dw - pw, stride: sw, size: iw, count: ow)
            for z in 0..<od {
                let iz = z * sd - pd + a * dd
                if iz < 0 || iz >= id {
                    dst.update(repeating: 0, count: oh * ow); dst += oh * ow; continue
                }
                for y in 0..<oh {
                    let iy = y * sh - ph + b * dh
                    if iy < 0 || iy >= ih {
                        dst.update(repeating: 0, count: ow); dst += ow; continue
                    }
                    let row = src + (iz * ih + iy) * iw + e * dw - pw
                    // Plain loops, not memcpy/memset: rows are a few dozen elements, where a library call
                    // per row cost more than the copy.
                    for x in 0..<xlo { dst[x] = 0 }
                    if sw == 1 {
                        for x in xlo..<xhi { dst[x] = row[x] }
                    } else {
                        for x in xlo..<xhi { dst[x] = row[x * sw] }
                    }
                    for x in xhi..<ow { dst[x] = 0 }
                    dst += ow
                }
            }
        }
    }

    /// `im2col` for the plain 2-d case (stride 1, no padding, no dilation, as LeNet's convolutions): each tap
    /// row is `oh` straight copies of `ow` elements, without the general case's per-row clipping.
    func im2colValid2d<T: KernelScalar>(_ image: UnsafePointer<T>, _ col: UnsafeMutablePointer<T>) {
        let (kh, kw) = (kernel[1], kernel[2]), (oh, ow) = (output[1], output[2]), iw = input[2]
        let taps = kh * kw, plane = inputPlane, cols = columns
        kernelParallelFor(channels, costPerItem: taps * cols) { c in
            var dst = col + c &* taps &* cols
            for b in 0..<kh {
                for e in 0..<kw {
                    let offset: Int = c &* plane &+ b &* iw &+ e
                    var src = image + offset
                    for _ in 0..<oh {
                        for x in 0..<ow { dst[x] = src[x] }
                        dst += ow
                        src += iw
                    }
                }
            }
        }
    }

    /// Adds every entry of `col` back onto the image tap it came from (the adjoint of `im2col`).
    /// `image` must be zeroed or hold values to accumulate onto.
    func col2im<T: KernelScalar>(_ col: UnsafePointer<T>, _ image: UnsafeMutablePointer<T>) {
        let (kd, kh, kw) = (kernel[0], kernel[1], kernel[2])
        let (od, oh, ow) = (output[0], output[1], output[2])
        let (id, ih, iw) = (input[0], input[1], input[2])
        let (sd, sh, sw) = (stride[0], stride[1], stride[2])
        let (pd, ph, pw) = (padding[0], padding[1], padding[2])
        let (dd, dh, dw) = (dilation[0], dilation[1], dilation[2])
        let taps = kd * kh * kw, cols = columns, plane = inputPlane
        // Channels write disjoint planes, so they can run in parallel.
        kernelParallelFor(channels, costPerItem: taps * cols) { c in
            let dstPlane = image + c * plane
            for t in 0..<taps {
                let a = t / (kh * kw), b = (t / kw) % kh, e = t % kw
                var src = col + (c * taps + t) * cols
                let (xlo, xhi) = ColumnLayout.validRange(offset: e * dw - pw, stride: sw, size: iw, count: ow)
                for z in 0..<od {
                    let iz = z * sd - pd + a * dd
                    if iz < 0 || iz >= id { src += oh * ow; continue }
                    for y in 0..<oh {
                        let iy = y * sh - ph + b * dh
                        if iy >= 0 && iy < ih {
                            let row = dstPlane + (iz * ih + iy) * iw + e * dw - pw
                            for x in xlo..<xhi { row[x * sw] += src[x] }
                        }
                        src += ow
                    }
                }
            }
        }
    }
}
