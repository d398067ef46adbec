import CkptTestSupport
import Foundation
import Testing
@testable import CkptTensor

/// The speed paths against the general code they shortcut: the vectorised exp/sigmoid/tanh against libm, the
/// no-index 2×2 max pool and the plain im2col against the general kernels, and gradients handed to leaves
/// without a copy staying independent.
@Suite struct FastPathTests {
    @Test func vectorMathIsWithinAFewUlpOfLibm() {
        var worst: (exp: Double, sigmoid: Double, tanh: Double) = (0, 0, 0)
        for i in -174_000 ... 176_000 {
            let x = Float(i) / 2_000  // -87 ... 88 (exp's normal range), every 5e-4, through both tanh branches
            let e = Foundation.exp(Double(x))
            worst.exp = Swift.max(worst.exp, abs(Double(VectorMath.exp(x)) - e) / e)
            let s = 1 / (1 + Foundation.exp(-Double(x)))
            worst.sigmoid = Swift.max(worst.sigmoid, abs(Double(VectorMath.sigmoid(x)) - s) / s)
            let t = Foundation.tanh(Double(x))
            worst.tanh = Swift.max(worst.tanh, x == 0 ? 0 : abs(Double(VectorMath.tanh(x)) - t) / abs(t))
        }
        #expect(worst.exp < 4e-7 && worst.sigmoid < 4e-7 && worst.tanh < 4e-7, "\(worst)")
        #expect(VectorMath.tanh(1e-30) == 1e-30 && VectorMath.tanh(-50) == -1 && VectorMath.tanh(9.5) == 1)
        #expect(VectorMath.sigmoid(-200) < 2e-38 && VectorMath.sigmoid(200) == 1 && VectorMath.exp(-200) < 2e-38)
        #expect(VectorMath.sigmoid(.nan).isNaN && VectorMath.tanh(.nan).isNaN)
    }

    @Test func twoByTwoPoolWithoutIndicesMatchesTheIndexedKernel() throws {
        var rng = CheckRandom(7)
        for (h, w) in [(2, 2), (5, 9), (8, 8), (7, 13), (28, 28)] {
            var values = (0..<(3 * h * w)).map { _ in Float(rng.next()) }
            values[4] = .nan
            values[values.count - 1] = -.infinity
            let x = try Tensor(values, shape: [3, 1, h, w])
            let fast = try x.maxPool2d(kernelSize: [2, 2])
            let (general, _) = try x.maxPool2dWithIndices(kernelSize: [2, 2])
            #expect(fast.shape == general.shape)
            let same = zip(fast.scalars, general.scalars).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
            #expect(same, "\(h)x\(w)")
        }
    }

    @Test func plainIm2colMatchesThePaddedGeneralCase() throws {
        // A 2-d valid convolution takes the plain im2col; with padding 1 the general one runs, and the inner part
        // of its output is the same valid convolution.
        var rng = CheckRandom(11)
        let x = try Tensor((0..<(2 * 3 * 6 * 7)).map { _ in Float(rng.next()) }, shape: [2, 3, 6, 7])
        let w = try Tensor((0..<(4 * 3 * 3 * 2)).map { _ in Float(rng.next()) }, shape: [4, 3, 3, 2])
        let valid = try x.conv2d(weight: w)
        let padded = try x.conv2d(weight: w, padding: .explicit([1]))
        let inner = try padded[.all, .all, .slice(1, -1), .slice(1, -1)]
        #expect(valid.shape == [2, 4, 4, 6] && inner.shape == valid.shape)
        let worst = zip(valid.scalars, inner.scalars).map { abs($0 - $1) }.max() ?? 1
        #expect(worst < 1e-5)
    }

    @Test func leafGradientsTakenWithoutCopyStayIndependent() throws {
        let a = try Tensor([1, 2], shape: [2], requiresGrad: true), b = try Tensor([3, 4], shape: [2], requiresGrad: true)
        // AddBackward hands the same gradient to both leaves; each must end up with its own storage.
        try (a + b).sum().backward()
        try (a + b).sum().backward()
        #expect(a.grad?.scalars == [2, 2] && b.grad?.scalars == [2, 2])
        try (a * 3).sum().backward()
        #expect(a.grad?.scalars == [5, 5] && b.grad?.scalars == [2, 2])
        let seed = try Tensor([1, 1], shape: [2])
        let c = try Tensor([0, 0], shape: [2], requiresGrad: true)
        try c.backward(gradient: seed)
        try c.backward(gradient: seed)
        #expect(seed.scalars == [1, 1] && c.grad?.scalars == [2, 2])
    }
}
