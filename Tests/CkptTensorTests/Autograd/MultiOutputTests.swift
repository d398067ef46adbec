import CkptTestSupport
import Testing
@testable import CkptTensor

/// Nodes with several outputs (`unbind`, `split`: PyTorch's `UnbindBackward0`, `SplitBackward0`) and the backward
/// pass's in-place sums of gradients that arrive for the same node.
@Suite struct MultiOutputTests {
    @Test func unbindPiecesShareOneNodeAndSayWhichOutputTheyAre() throws {
        let x = GradCheck.leaf([3, 2, 4], seed: 1)
        let pieces = try (x * 2).unbind(dim: 0)
        #expect(pieces.map(\.shape) == [[2, 4], [2, 4], [2, 4]])
        #expect(pieces.map(\.outputNr) == [0, 1, 2])
        let node = try #require(pieces[0].gradFn)
        #expect(node.name == "UnbindBackward0" && pieces.allSatisfy { $0.gradFn === node })
        #expect(node.nextFunctions.map { $0.0?.name } == ["MulBackward0"])
        let y = try pieces[2] + pieces[1]
        #expect(y.gradFn?.nextFunctions.map { $0.1 } == [2, 1])
        #expect(try x.select(dim: 0, index: 1).scalars.map { $0 * 2 } == pieces[1].scalars)
        #expect(try x.unbind(dim: -1).map(\.shape) == Array(repeating: [3, 2], count: 4))
        #expect(throws: TensorError.self) { try Tensor(scalar: 1).unbind() }
    }

    @Test func unbindAndSplitGradientsMatchFiniteDifferences() throws {
        let x = GradCheck.leaf([4, 3, 5], seed: 2)
        // Pieces used twice, once, and not at all (their gradient is zero).
        #expect(try GradCheck.float32.mismatch([x]) {
            let p = try x.unbind(dim: 1)
            return try p[0] * 2 + p[2].tanh() * p[0]
        } == nil)
        #expect(try GradCheck.float32.mismatch([x]) {
            let p = try x.split(2, dim: 2)
            return try Tensor.cat([p[2] * 3, p[0].sigmoid()], dim: 2)
        } == nil)
        #expect(try GradCheck.float32.mismatch([x]) {
            let p = try x.split(sizes: [1, 3], dim: 0)
            return try p[1].sum(dims: [0]) + p[0].squeeze(0)
        } == nil)
    }

    /// As ATen: `chunk` of a dim of length 0 gives `chunks` empty pieces (`split` gives the tensor itself), so
    /// `glu` of an empty last dim is empty. ckpt's chunk gave one piece, and glu trapped indexing the second
    /// (found by the model-forward fuzz target: a `Linear(6, 0)` output through `F.glu`).
    @Test func emptyDimsChunkAsATenDoes() throws {
        let x = Tensor.zeros([3, 0])
        #expect(try x.chunk(2, dim: 1).map(\.shape) == [[3, 0], [3, 0]])
        #expect(try x.chunk(3, dim: -1).count == 3)
        #expect(try x.split(2, dim: 1).map(\.shape) == [[3, 0]])
        #expect(try x.glu(dim: -1).shape == [3, 0])
        #expect(try Tensor.zeros([0]).chunk(4).map(\.shape) == Array(repeating: [0], count: 4))
    }

    /// An op may return at most `EngineLimits.maxPieces` tensors: slices of nothing cost no elements, only objects.
    @Test func pieceCountsAreBounded() throws {
        let limit = EngineLimits().maxPieces
        #expect(throws: TensorError.self) { try Tensor.zeros([limit + 1, 0]).unbind() }
        #expect(throws: TensorError.self) { try Tensor.zeros([2, 0]).chunk(Int.max, dim: 1) }
        #expect(throws: TensorError.self) { try Tensor.zeros([limit + 1]).split(1) }
        #expect(throws: TensorError.self) { try Tensor.zeros([limit + 1]).split(sizes: Array(repeating: 1, count: limit + 1)) }
        #expect(try Tensor.zeros([4, 0]).unbind().count == 4)
    }

    @Test func splitAndChunkPiecesShareOneNode() throws {
        let x = GradCheck.leaf([6, 2], seed: 3)
        let halves = try x.chunk(2)
        #expect(halves[0].gradFn === halves[1].gradFn && halves[0].gradFn?.name == "SplitBackward0")
        let sized = try x.split(sizes: [1, 5])
        #expect(sized[1].gradFn?.name == "SplitWithSizesBackward0" && sized[1].outputNr == 1)
        #expect(sized.map(\.shape) == [[1, 2], [5, 2]])
        // Without grad, or for integer tensors, no node.
        #expect(try Tensor.noGrad { try x.unbind() }.allSatisfy { $0.gradFn == nil && !$0.requiresGrad })
        #expect(try Tensor(indices: [1, 2, 3, 4], shape: [2, 2]).unbind().allSatisfy { $0.gradFn == nil && $0.dtype == .int64 })
    }

    /// A piece can be the root of backward; the gradient lands in that piece's slice only.
    @Test func backwardFromAPieceFillsItsSliceAndZerosTheRest() throws {
        let x = GradCheck.leaf([3, 2], seed: 4)
        let pieces = try x.unbind()
        try pieces[1].backward(gradient: try Tensor([5, 7], shape: [2]), retainGraph: true)
        #expect(x.grad?.scalars == [0, 0, 5, 7, 0, 0])
        try pieces[1].backward(gradient: try Tensor([1, 1], shape: [2]))
        #expect(x.grad?.scalars == [0, 0, 6, 8, 0, 0])
        #expect(throws: TensorError.self) { try pieces[1].backward(gradient: try Tensor([1, 1], shape: [2])) }
    }

    /// Sums of gradients arriving for one node go into a buffer only when nothing else holds it: a seed the caller
    /// keeps, or a gradient a node hands to two inputs, must come out unchanged.
    @Test func inPlaceSumsLeaveSharedGradientsAlone() throws {
        let a = GradCheck.leaf([4], seed: 5)
        let seed = try Tensor([1, 2, 3, 4], shape: [4])
        try (a + a).backward(gradient: seed)
        #expect(seed.scalars == [1, 2, 3, 4])
        #expect(a.grad?.scalars == [2, 4, 6, 8])
        // A weight used at many steps: its gradient sums in place, and equals the closed form.
        let w = GradCheck.leaf([3], seed: 6)
        var total = Tensor.zeros([3])
        for k in 1 ... 5 { total = try total + w * Float(k) }
        try total.sum().backward()
        #expect(w.grad?.scalars == [15, 15, 15])
    }
}
