import Testing
import CkptTensor

/// Outside the engine a buffer's elements are reached by index or lent for the length of a closure.
@Suite struct TensorBufferTests {
    @Test func elementsAreReadAndWrittenByIndexAndInScopes() throws {
        let t = try Tensor([1, 2, 3, 4], shape: [2, 2])
        let view = try t.reshape([4])  // shares the buffer
        t.buffer[1] = 20
        #expect(view.scalars == [1, 20, 3, 4] && view.buffer[1] == 20)
        t.buffer.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] *= 2 } }
        #expect(view.buffer.withUnsafeBufferPointer { Array($0) } == [2, 40, 6, 8])
        #expect(TensorBuffer(uninitializedCount: 0).withUnsafeBufferPointer { $0.count } == 0)
    }

    @Test func generatorsFillWholeBuffers() {
        let uniform = TensorBuffer(repeating: -1, count: 1000), normal = TensorBuffer(repeating: 0, count: 1000)
        Generator(seed: 3).fillUniform(uniform, low: 2, high: 3)
        Generator(seed: 3).fillNormal(normal, mean: 0, std: 1)
        #expect(uniform.array.allSatisfy { $0 >= 2 && $0 < 3 })
        #expect(uniform.array == Tensor.uniform([1000], low: 2, high: 3, generator: Generator(seed: 3)).scalars)
        #expect(normal.array == Tensor.randn([1000], generator: Generator(seed: 3)).scalars)
    }
}
