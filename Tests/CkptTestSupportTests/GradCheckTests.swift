import CkptTensor
import CkptTestSupport
import Foundation
import Testing

/// The gradient check must catch a wrong gradient and pass a right one, at each of its presets.
@Suite struct GradCheckTests {
    /// f(x) = x² elementwise over Double arrays, with a right and a wrong (d/dx x² = x) backward.
    static func squareCheck(wrong: Bool, preset: GradCheck) throws -> GradCheck.Mismatch? {
        let x = [0.5, -1.2, 2.0]
        let g = [1.0, -0.5, 0.25]
        let gradient = zip(x, g).map { wrong ? $0 * $1 : 2 * $0 * $1 }
        return try preset.mismatch(inputs: [x], steps: [preset.step.value(for: x)], weights: g, analytic: [gradient]) {
            $0[0].map { $0 * $0 }
        }
    }

    @Test(arguments: [GradCheck.float64, .float32, .modules])
    func catchesAWrongGradientAndPassesARightOne(_ preset: GradCheck) throws {
        #expect(try Self.squareCheck(wrong: true, preset: preset) != nil)
        #expect(try Self.squareCheck(wrong: false, preset: preset) == nil)
    }

    @Test func tensorFrontEndChecksEveryTensorThatRequiresGrad() throws {
        let x = try Tensor([0.5, -1.2, 2.0], shape: [3], requiresGrad: true)
        let w = try Tensor([1.5, 0.5, -2], shape: [3], requiresGrad: true)
        let constant = try Tensor([3, 1, 2], shape: [3])
        #expect(try GradCheck.float32.mismatch([x, w, constant]) { try x * w * constant + x * x } == nil)
        // A gradient that misses the constant factor is caught, and the tensors come back unchanged.
        let detached = try GradCheck.float32.mismatch([x, w]) {
            try x * w * Tensor.noGrad { constant.clone() } + x * Tensor.noGrad { x.clone() }
        }
        #expect(detached != nil)
        #expect(x.scalars == [0.5, -1.2, 2.0] && w.scalars == [1.5, 0.5, -2])
    }

    @Test func kinksAcceptAOneSidedDerivativeOnlyWhereAllowed() throws {
        // |x| at 0: the central difference is 0, the one-sided ones are -1 and 1. Claiming 1 passes only with kinks
        // allowed; 0.5 is neither.
        let at0 = [0.0]
        func check(_ preset: GradCheck, _ a: Double) throws -> GradCheck.Mismatch? {
            try preset.mismatch(inputs: [at0], steps: [1e-3], weights: [1], analytic: [[a]]) { [abs($0[0][0])] }
        }
        #expect(try check(.modules, 1) == nil)
        #expect(try check(.float32, 1) != nil)
        #expect(try check(.modules, 0.5) != nil)
    }

    @Test func kernelFrontEndRecordsAnIssueForAWrongBackward() throws {
        withKnownIssue {
            try GradCheck.float64.expect("wrong square", inputs: [[0.5, -1.5]], forward: { $0[0].map { $0 * $0 } },
                                         backward: { xs, g in [zip(xs[0], g).map { $0 * $1 }] })
        }
        try GradCheck.float64.expect("square", inputs: [[0.5, -1.5]], forward: { $0[0].map { $0 * $0 } },
                                     backward: { xs, g in [zip(xs[0], g).map { 2 * $0 * $1 }] })
    }
}
