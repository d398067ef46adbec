import CkptModel
import CkptTensor
import Testing

/// Without grad, attention runs its queries in blocks of rows so that a long prompt's `[T, T]` scores per head are never
/// all alive; each row's softmax is its own, so the blocks give the whole computation's result (which the model
/// folder tests check against transformers).
@Suite struct AttentionBlockTests {
    @Test(arguments: [false, true])
    func blocksOfQueriesGiveTheWholeResult(padded: Bool) throws {
        let (batch, heads, kvHeads, length, dim) = (2, 4, 2, 11, 8)
        let g = Generator(seed: 7)
        let q = Tensor.randn([batch, heads, length, dim], generator: g)
        let k = Tensor.randn([batch, kvHeads, length, dim], generator: g)
        let v = Tensor.randn([batch, kvHeads, length, dim], generator: g)
        // Left padding leaves the first queries of the second sequence with no key: SDPA's zeros.
        let padding = padded ? try Tensor([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1], shape: [batch, length]) : nil
        let mask = try AttentionMask(batch: batch, length: length, causal: true, padding: padding)
        let whole = try Tensor.noGrad { try mask.attend(query: q, key: k, value: v, scaling: 0.35) }
        for rows in [1, 3, 4] {
            let blocked = try Tensor.noGrad {
                try mask.attend(query: q, key: k, value: v, scaling: 0.35, budget: batch * heads * length * rows)
            }
            #expect(blocked.shape == [batch, length, heads * dim])
            let diff = zip(blocked.scalars, whole.scalars).map { abs($0 - $1) }.max() ?? 1
            #expect(diff <= 1e-6, "blocks of \(rows) rows")
        }
        // With grad recorded the scores are kept whole (backward needs them), whatever the budget.
        let tracked = q.detachedCopy()
        tracked.requiresGrad = true
        let recorded = try mask.attend(query: tracked, key: k, value: v, scaling: 0.35, budget: 1)
        #expect(recorded.requiresGrad)
        #expect(zip(recorded.scalars, whole.scalars).allSatisfy { abs($0 - $1) <= 1e-6 })
        if padded { #expect(whole.scalars[(length * heads * dim)..<(length * heads * dim + 3 * heads * dim)].allSatisfy { $0 == 0 }) }
    }
}
