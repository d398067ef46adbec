/// `pixel_shuffle` / `pixel_unshuffle`: a pure permutation between `[q·r², h, w]` and `[q, h·r, w·r]`
/// planes (`q` counts every leading index: batch dims times output channels). Each is the other's gradient.
enum PixelShuffleKernel {
    /// Shuffle: `output[q, y·r + i, x·r + j] = input[q·r² + i·r + j, y, x]` for `h × w` input planes.
    static func shuffle<T: KernelScalar>(groups q: Int, factor r: Int, height h: Int, width w: Int,
                                         input: UnsafePointer<T>, output: UnsafeMutablePointer<T>) {
        permute(groups: q, factor: r, height: h, width: w, from: input, to: output, unshuffle: false)
    }

    /// Unshuffle (the inverse): `output[q·r² + i·r + j, y, x] = input[q, y·r + i, x·r + j]`, where `h × w`
    /// is the size of the *output* planes.
    static func unshuffle<T: KernelScalar>(groups q: Int, factor r: Int, height h: Int, width w: Int,
                                           input: UnsafePointer<T>, output: UnsafeMutablePointer<T>) {
        permute(groups: q, factor: r, height: h, width: w, from: input, to: output, unshuffle: true)
    }

    static func permute<T: KernelScalar>(groups q: Int, factor r: Int, height h: Int, width w: Int,
                                         from src: UnsafePointer<T>, to dst: UnsafeMutablePointer<T>,
                                         unshuffle: Bool) {
        let small = h * w, big = small * r * r
        kernelParallelFor(q, costPerItem: big) { g in
            let bigPlane = g * big
            for i in 0..<r { for j in 0..<r {
                let smallPlane = (g * r * r + i * r + j) * small
                for y in 0..<h {
                    let bigRow = bigPlane + (y * r + i) * (w * r) + j
                    let smallRow = smallPlane + y * w
                    if unshuffle {
                        for x in 0..<w { dst[smallRow + x] = src[bigRow + x * r] }
                    } else {
                        for x in 0..<w { dst[bigRow + x * r] = src[smallRow + x] }
                    }
                }
            } }
        }
    }
}
